import type { TraceAssessmentValue, TraceRow, TraceTokenUsage } from '@shared/domain/traces'
import type { StoreCapabilities } from '../mlflowSchema/capabilities'
import { orderByClause, type OrderKey } from '../tracking/keyset'
import { TRACE_METADATA, TRACE_TAGS } from './traceGrammar'

/** A page row as the page SQL returns it. */
export interface TracePageRow {
  request_id: string
  experiment_id: number
  timestamp_ms: number
  execution_time_ms: number | null
  status: string
  client_request_id: string | null
  request_preview: string | null
  response_preview: string | null
  tags: Record<string, string> | null
  metadata: Record<string, string> | null
  assessments: Array<{
    name: string
    assessment_id: string
    assessment_type: string
    value: string
    source_type: string
    source_id: string | null
    error: string | null
  }> | null
  /** Order-key values of this row, for the next page's cursor. */
  cursor: unknown[]
}

/**
 * One statement for a page: the matching trace_info rows in order (LIMIT in a
 * CTE, so only the page's rows are looked up further), then each one's tags,
 * request metadata (without the full inputs and outputs) and latest valid
 * assessment per name. Over several experiments each experiment gives its own
 * first rows (an index walk on (experiment_id, timestamp_ms) in the default
 * order) and the page is taken from their union: the global first rows are
 * among them, and no experiment's traces are sorted whole.
 */
/**
 * A trace's previews (of `ti`, trace_info): MLflow 3.2 added the columns; before, MLflow kept the
 * (truncated) previews as request metadata `mlflow.traceInputs` / `mlflow.traceOutputs`.
 */
export function tracePreviewSql(can: StoreCapabilities): { request: string; response: string; clientRequestId: string } {
  if (can.tracePreviews) return { request: 'ti.request_preview', response: 'ti.response_preview', clientRequestId: 'ti.client_request_id' }
  const meta = (key: string) => `(SELECT m.value FROM trace_request_metadata m WHERE m.request_id = ti.request_id AND m.key = '${key}')`
  return { request: meta(TRACE_METADATA.inputs), response: meta(TRACE_METADATA.outputs), clientRequestId: 'NULL::text' }
}

export function tracePageSql(
  can: StoreCapabilities,
  q: { experimentIds: readonly number[]; where: string[]; joins: string[]; bind: unknown[]; order: readonly OrderKey[]; limit: number; offset?: number },
): string {
  const param = (v: unknown, cast: string) => (q.bind.push(v), `$${q.bind.length}::${cast}`)
  const limit = param(q.limit, 'int')
  const offset = q.offset ? ` OFFSET ${param(q.offset, 'bigint')}` : ''
  const bulky = param([TRACE_METADATA.inputs, TRACE_METADATA.outputs], 'text[]')
  const preview = tracePreviewSql(can)
  const columns = `ti.request_id, ti.experiment_id, ti.timestamp_ms, ti.execution_time_ms, ti.status, ${preview.clientRequestId} AS client_request_id,
         ${preview.request} AS request_preview, ${preview.response} AS response_preview, ${q.order.map((k, i) => `${k.sql} AS k${i}`).join(', ')}`
  const from = `FROM trace_info ti${q.joins.map((j) => `\n  ${j}`).join('')}`
  const byKeys = (alias: string) => orderByClause(q.order.map((k, i) => ({ ...k, sql: `${alias}.k${i}` })))
  let page: string
  if (q.experimentIds.length <= 1) {
    // One experiment as `=`: the index hands rows over in order. None: no rows.
    const experiment = q.experimentIds.length ? `ti.experiment_id = ${param(q.experimentIds[0], 'int')}` : 'FALSE'
    page = `SELECT ${columns}
  ${from}
  WHERE ${[experiment, ...q.where].join(' AND ')}
  ORDER BY ${orderByClause(q.order)}
  LIMIT ${limit}${offset}`
  } else {
    const each = param(q.limit + (q.offset ?? 0), 'bigint')
    page = `SELECT b.* FROM unnest(${param(q.experimentIds, 'int[]')}) AS e(id)
  CROSS JOIN LATERAL (
    SELECT ${columns}
    ${from}
    WHERE ${['ti.experiment_id = e.id', ...q.where].join(' AND ')}
    ORDER BY ${orderByClause(q.order)}
    LIMIT ${each}) b
  ORDER BY ${byKeys('b')}
  LIMIT ${limit}${offset}`
  }
  const assessments = can.assessments
    ? `(SELECT json_agg(x) FROM (
          SELECT DISTINCT ON (a.name) a.name, a.assessment_id, a.assessment_type, a.value, a.source_type, a.source_id, a.error
          FROM assessments a WHERE a.trace_id = p.request_id AND a.valid
          ORDER BY a.name, a.created_timestamp DESC, a.assessment_id DESC) x)`
    : 'NULL::json'
  return `WITH p AS (
  ${page}
)
SELECT p.request_id, p.experiment_id, p.timestamp_ms, p.execution_time_ms, p.status, p.client_request_id, p.request_preview, p.response_preview,
  json_build_array(${q.order.map((_, i) => `p.k${i}`).join(', ')}) AS cursor,
  (SELECT json_object_agg(t.key, t.value) FROM trace_tags t WHERE t.request_id = p.request_id) AS tags,
  (SELECT json_object_agg(m.key, m.value) FROM trace_request_metadata m WHERE m.request_id = p.request_id AND m.key <> ALL(${bulky})) AS metadata,
  ${assessments} AS assessments
FROM p
ORDER BY ${byKeys('p')}`
}

/** {"input_tokens": 35, "output_tokens": 25, "total_tokens": 60}; null when absent or not JSON. */
export function tokenUsageOf(text: string | undefined): TraceTokenUsage | null {
  if (!text) return null
  try {
    const u = JSON.parse(text) as Record<string, unknown>
    const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null)
    return { input_tokens: n(u.input_tokens), output_tokens: n(u.output_tokens), total_tokens: n(u.total_tokens) }
  } catch {
    return null
  }
}

/** MLflow keeps an assessment's value as JSON text. */
function parseValue(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export function toTraceRow(r: TracePageRow): TraceRow {
  const tags = r.tags ?? {}
  const metadata = r.metadata ?? {}
  const assessments: Record<string, TraceAssessmentValue> = {}
  for (const a of r.assessments ?? []) {
    assessments[a.name] = {
      assessment_id: a.assessment_id,
      kind: a.assessment_type === 'expectation' ? 'expectation' : 'feedback',
      value: parseValue(a.value),
      source_type: a.source_type,
      source_id: a.source_id,
      error: a.error,
    }
  }
  return {
    trace_id: r.request_id,
    experiment_id: String(r.experiment_id),
    client_request_id: r.client_request_id,
    request_preview: r.request_preview,
    response_preview: r.response_preview,
    state: r.status,
    request_time: r.timestamp_ms,
    execution_duration: r.execution_time_ms,
    token_usage: tokenUsageOf(metadata[TRACE_METADATA.tokenUsage]),
    name: tags[TRACE_TAGS.name] ?? null,
    session: metadata[TRACE_METADATA.session] ?? tags[TRACE_TAGS.session] ?? null,
    user: metadata[TRACE_METADATA.user] ?? tags[TRACE_TAGS.user] ?? null,
    source_run_id: metadata[TRACE_METADATA.sourceRun] ?? null,
    logged_model_id: metadata[TRACE_METADATA.modelId] ?? null,
    tags,
    trace_metadata: metadata,
    assessments,
  }
}
