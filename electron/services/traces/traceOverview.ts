import type { TracesOverviewRequest } from '@shared/api/contract'
import {
  BUCKET_MS,
  BUCKET_UP_TO,
  type OverviewAssessment,
  type OverviewBucket,
  type OverviewBucketRow,
  type OverviewModelRow,
  type OverviewNameRow,
  type OverviewSpanRow,
  type TraceOverviewResponse,
} from '@shared/domain/traceInsights'
import type { StoreHandle } from '../connections/storeConnection'
import { SqlBuilder } from '../tracking/search/searchSql'
import { TRACE_TAGS } from './traceGrammar'
import { FAIL_VALUES, PASS_VALUES, tokens, tokenUsageJoin } from './traceInsightSql'
import { tokenCountSql } from './traceSql'
import { requireTraces, traceExperimentCondition } from './traceSearch'

/**
 * traces:overview — an experiment's traces over time, computed in SQL: four
 * statements run side by side on the pool (buckets, trace names and totals in
 * one; models; feedback verdicts; span names), each reading only the traces of
 * the experiments in the range. Buckets are UTC multiples of their width
 * (integer division of timestamp_ms, no time zone setting); the width is the
 * one asked for, else chosen from the traces' own first and last request.
 */

/** The traces condition: experiments and the range on request time. */
function tracesWhere(b: SqlBuilder, req: TracesOverviewRequest): string {
  const where = [traceExperimentCondition(b, req.experiment_ids)]
  if (req.start_ms != null) where.push(`ti.timestamp_ms >= ${b.param(req.start_ms, 'bigint')}`)
  if (req.end_ms != null) where.push(`ti.timestamp_ms < ${b.param(req.end_ms, 'bigint')}`)
  return where.join(' AND ')
}

/** The bucket width (ms) as one SQL value: the given one, else from the range of the traces (BUCKET_UP_TO). */
function widthSql(b: SqlBuilder, req: TracesOverviewRequest): string {
  if (req.bucket) return b.param(BUCKET_MS[req.bucket], 'bigint')
  const cases = BUCKET_UP_TO.map(([bucket, upTo]) => `WHEN max(ti.timestamp_ms) - min(ti.timestamp_ms) <= ${upTo} THEN ${BUCKET_MS[bucket]}`).join(' ')
  return `(SELECT CASE WHEN count(*) = 0 THEN ${BUCKET_MS.hour} ${cases} ELSE ${BUCKET_MS.day} END::bigint FROM trace_info ti WHERE ${tracesWhere(b, req)})`
}

const percentiles = (expr: string, ps: number[]) => `percentile_cont(ARRAY[${ps.join(', ')}]::float8[]) WITHIN GROUP (ORDER BY ${expr})`

/** Which grouping a row of bucketsSql is: GROUPING(bucket, name), a bit set for each column left out. */
const BY_BUCKET = 1
const BY_NAME = 2
const TOTAL = 3
/** The trace names listed, most traces first. */
const NAMES_LISTED = 50

interface BucketSqlRow {
  grouping: number
  width: number
  start_ms: number | null
  name: string | null
  traces: number
  errors: number
  p: Array<number | null> | null
  input_tokens: string | null
  output_tokens: string | null
  total_tokens: string | null
  first_ms: number | null
  last_ms: number | null
}

const n = (v: string | number | null) => (v === null ? 0 : Number(v))
const latencies = (p: Array<number | null> | null) => ({ p50_ms: p?.[0] ?? null, p90_ms: p?.[1] ?? null, p99_ms: p?.[2] ?? null })
const tokenSums = (r: { input_tokens: string | null; output_tokens: string | null; total_tokens: string | null }) => ({
  input_tokens: n(r.input_tokens),
  output_tokens: n(r.output_tokens),
  total_tokens: n(r.total_tokens),
})

/**
 * Volume, errors, latency percentiles and tokens per bucket, per trace name (the mlflow.traceName
 * tag; the NAMES_LISTED with most traces) and over the whole range: one GROUPING SETS pass, so each
 * trace's token usage is read and parsed once (the by-name card was a second pass over them).
 */
function bucketsSql(b: SqlBuilder, req: TracesOverviewRequest): string {
  return `WITH w AS (SELECT ${widthSql(b, req)} AS width), t AS (
  SELECT ti.timestamp_ms / w.width * w.width AS bucket, COALESCE(nm.value, '') AS name, ti.timestamp_ms, ti.execution_time_ms, ti.status,
    ${tokens('input_tokens', b)} AS input_tokens, ${tokens('output_tokens', b)} AS output_tokens, ${tokens('total_tokens', b)} AS total_tokens
  FROM trace_info ti CROSS JOIN w
  LEFT JOIN trace_tags nm ON nm.request_id = ti.request_id AND nm.key = ${b.param(TRACE_TAGS.name, 'text')}
  ${tokenUsageJoin(b)}
  WHERE ${tracesWhere(b, req)}
), g AS (
  SELECT GROUPING(t.bucket, t.name) AS grouping, t.bucket AS start_ms, t.name, count(*) AS traces,
    count(*) FILTER (WHERE t.status = 'ERROR') AS errors, ${percentiles('t.execution_time_ms', [0.5, 0.9, 0.99])} AS p,
    sum(t.input_tokens) AS input_tokens, sum(t.output_tokens) AS output_tokens, sum(t.total_tokens) AS total_tokens,
    min(t.timestamp_ms) AS first_ms, max(t.timestamp_ms) AS last_ms
  FROM t
  GROUP BY GROUPING SETS ((t.bucket), (t.name), ())
)
SELECT x.*, (SELECT width FROM w) AS width FROM (
  SELECT g.*, row_number() OVER (PARTITION BY g.grouping ORDER BY g.traces DESC, g.name) AS rank FROM g) x
WHERE x.grouping <> ${BY_NAME} OR x.rank <= ${NAMES_LISTED}
ORDER BY x.grouping, x.start_ms, x.traces DESC, x.name`
}

/** Span attributes naming the model (spanTree's MODEL_KEYS order), JSON-encoded as MLflow keeps attributes. */
const MODEL_ATTRIBUTES = ['mlflow.llm.model', 'model', 'gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name', 'model_name']
/** The span types that call a model (MLflow's SpanType.LLM and CHAT_MODEL): only their JSON is read. */
const MODEL_SPAN_TYPES = ['LLM', 'CHAT_MODEL']

/** An attribute value's text: MLflow keeps attributes JSON-encoded ("\"gpt-4o\""). */
const decoded = (v: string) => `(CASE WHEN ${v} ~ '^".*"$' THEN (${v})::jsonb #>> '{}' ELSE ${v} END)`

/**
 * What the span-reading cards read at most: the by-model card the newest model calls (each a JSON
 * parse of the span's content, inputs and outputs included), the slowest-spans card the spans of the
 * newest traces. Reading every span of a large range took seconds (10M spans on 1M traces).
 */
export interface OverviewReads {
  modelCalls: number
  spanTraces: number
}
export const OVERVIEW_READS: OverviewReads = { modelCalls: 20_000, spanTraces: 10_000 }

/**
 * The experiments' traces in the range, newest first, at most `limit` (a bound parameter), as `nt`:
 * what the span-reading cards read from, each trace's spans then found through spans_pk.
 */
function newestTracesSql(b: SqlBuilder, req: TracesOverviewRequest, limit: number): string {
  return `SELECT ti.request_id, ti.experiment_id FROM trace_info ti WHERE ${tracesWhere(b, req)} ORDER BY ti.timestamp_ms DESC, ti.request_id DESC LIMIT ${b.param(limit, 'int')}`
}

/**
 * Model calls per model: the model attribute and mlflow.chat.tokenUsage of the LLM and chat-model spans
 * of the newest traces, at most reads.modelCalls of them. The newest traces drive (trace_info's
 * (experiment_id, timestamp_ms) index, then each trace's spans by spans_pk), so the statement stops
 * once it has enough calls instead of reading every span of the range; each span's content is parsed
 * once, to its attributes (it was parsed once per attribute looked at: 4.1 s for 20,000 calls). OFFSET 0 keeps the
 * LATERAL a per-trace probe (pulled up, it became a hash join over a scan of every span).
 */
function byModelSql(b: SqlBuilder, req: TracesOverviewRequest, reads: OverviewReads): string {
  const attr = (k: string) => `(c.a ->> ${b.param(k, 'text')})`
  const model = `COALESCE(${MODEL_ATTRIBUTES.map((k) => `NULLIF(${decoded(attr(k))}, '')`).join(', ')})`
  const usage = decoded(attr('mlflow.chat.tokenUsage'))
  return `WITH c AS MATERIALIZED (
  SELECT s.trace_id, (s.content::json -> 'attributes')::jsonb AS a
  FROM (${newestTracesSql(b, req, reads.modelCalls)}) nt
  CROSS JOIN LATERAL (SELECT s.trace_id, s.content FROM spans s
    WHERE s.trace_id = nt.request_id AND s.experiment_id = nt.experiment_id AND s.type = ANY(${b.param(MODEL_SPAN_TYPES, 'text[]')}) OFFSET 0) s
  LIMIT ${b.param(reads.modelCalls, 'int')}
)
SELECT x.model, count(*) AS spans, count(DISTINCT x.trace_id) AS traces, (SELECT count(*) FROM c) AS read,
  sum(${tokenCountSql('x.usage', 'input_tokens', b)}) AS input_tokens, sum(${tokenCountSql('x.usage', 'output_tokens', b)}) AS output_tokens,
  sum(${tokenCountSql('x.usage', 'total_tokens', b)}) AS total_tokens
FROM (SELECT c.trace_id, ${model} AS model, ${usage} AS usage FROM c) x
WHERE x.model IS NOT NULL
GROUP BY x.model
ORDER BY spans DESC, x.model
LIMIT 50`
}

/**
 * Pass / fail of each feedback name per bucket: the trace's latest valid boolean or yes-no value of
 * the name (what a feedback.NAME filter compares). One join and sort over the range's feedback: a
 * LATERAL probe per trace took twice as long (1.0 s against 0.5 s on 100k traces).
 */
function assessmentsSql(b: SqlBuilder, req: TracesOverviewRequest): string {
  return `WITH w AS MATERIALIZED (SELECT ${widthSql(b, req)} AS width)
SELECT l.name, l.timestamp_ms / w.width * w.width AS start_ms,
  count(*) FILTER (WHERE l.value = ANY(${b.param(PASS_VALUES, 'text[]')})) AS pass, count(*) FILTER (WHERE l.value = ANY(${b.param(FAIL_VALUES, 'text[]')})) AS fail
FROM (
  SELECT DISTINCT ON (a.trace_id, a.name) a.name, a.value, ti.timestamp_ms
  FROM trace_info ti JOIN assessments a ON a.trace_id = ti.request_id
  WHERE ${tracesWhere(b, req)} AND a.valid AND a.assessment_type = 'feedback'
  ORDER BY a.trace_id, a.name, a.created_timestamp DESC, a.assessment_id DESC) l
CROSS JOIN w
WHERE l.value = ANY(${b.param([...PASS_VALUES, ...FAIL_VALUES], 'text[]')})
GROUP BY l.name, 2
ORDER BY l.name, 2`
}

/**
 * The slowest span names by their 90th percentile duration, over the spans of the newest reads.spanTraces
 * traces, each trace's spans found by spans_pk (OFFSET 0 keeps it so: as a plain join the planner chose a
 * scan of every span, 1M on 100k traces).
 */
function slowestSpansSql(b: SqlBuilder, req: TracesOverviewRequest, reads: OverviewReads): string {
  const ms = '(s.end_time_unix_nano - s.start_time_unix_nano) / 1e6'
  return `WITH nt AS MATERIALIZED (${newestTracesSql(b, req, reads.spanTraces)})
SELECT x.*, (SELECT count(*) FROM nt) AS read FROM (
  SELECT s.name, count(*) AS count, ${percentiles(ms, [0.5, 0.9])} AS p
  FROM nt CROSS JOIN LATERAL (SELECT s.name, s.start_time_unix_nano, s.end_time_unix_nano FROM spans s
    WHERE s.trace_id = nt.request_id AND s.experiment_id = nt.experiment_id AND s.end_time_unix_nano IS NOT NULL AND s.name IS NOT NULL
    OFFSET 0) s
  GROUP BY s.name) x
ORDER BY x.p[2] DESC, x.name
LIMIT 15`
}

interface TokenRow {
  input_tokens: string | null
  output_tokens: string | null
  total_tokens: string | null
}

export async function traceOverview(store: StoreHandle, req: TracesOverviewRequest, reads = OVERVIEW_READS): Promise<TraceOverviewResponse> {
  requireTraces(store)
  const can = store.capabilities
  const run = <T extends object>(build: (b: SqlBuilder, r: TracesOverviewRequest, reads: OverviewReads) => string) => {
    const b = new SqlBuilder(can, [])
    const sql = build(b, req, reads)
    return store.select<T>(sql, b.bind)
  }
  const [bucketRows, modelRows, verdictRows, spanRows] = await Promise.all([
    run<BucketSqlRow>(bucketsSql),
    can.traceSpans ? run<TokenRow & { model: string; spans: number; traces: number; read: number }>(byModelSql) : null,
    can.assessments ? run<{ name: string; start_ms: number; pass: number; fail: number }>(assessmentsSql) : null,
    can.traceSpans ? run<{ name: string; count: number; p: number[]; read: number }>(slowestSpansSql) : null,
  ])
  const total = bucketRows.find((r) => r.grouping === TOTAL)!
  const width = Number(total.width)
  const bucket = (Object.keys(BUCKET_MS) as OverviewBucket[]).find((k) => BUCKET_MS[k] === width) ?? 'day'
  const buckets: OverviewBucketRow[] = bucketRows
    .filter((r) => r.grouping === BY_BUCKET)
    .map((r) => ({ start_ms: Number(r.start_ms), traces: Number(r.traces), errors: Number(r.errors), ...latencies(r.p), ...tokenSums(r) }))
  const by_name: OverviewNameRow[] = bucketRows
    .filter((r) => r.grouping === BY_NAME)
    .map((r) => ({ name: r.name ?? '', traces: Number(r.traces), ...tokenSums(r) }))
  const by_model: OverviewModelRow[] | null =
    modelRows?.map((r) => ({ model: r.model, spans: Number(r.spans), traces: Number(r.traces), ...tokenSums(r) })) ?? null
  let assessments: OverviewAssessment[] | null = null
  if (verdictRows) {
    const byName = new Map<string, OverviewAssessment>()
    for (const r of verdictRows) {
      const a = byName.get(r.name) ?? { name: r.name, pass: 0, fail: 0, buckets: [] }
      a.pass += Number(r.pass)
      a.fail += Number(r.fail)
      a.buckets.push({ start_ms: Number(r.start_ms), pass: Number(r.pass), fail: Number(r.fail) })
      byName.set(r.name, a)
    }
    assessments = [...byName.values()]
  }
  const slowest_spans: OverviewSpanRow[] | null = spanRows?.map((r) => ({ name: r.name, count: Number(r.count), p50_ms: r.p[0], p90_ms: r.p[1] })) ?? null
  return {
    bucket,
    start_ms: req.start_ms ?? null,
    end_ms: req.end_ms ?? null,
    totals: {
      traces: Number(total.traces),
      errors: Number(total.errors),
      first_ms: total.first_ms === null ? null : Number(total.first_ms),
      last_ms: total.last_ms === null ? null : Number(total.last_ms),
      ...latencies(total.p),
      ...tokenSums(total),
    },
    buckets,
    by_name,
    by_model,
    models_problem: !can.traceSpans
      ? 'This store keeps spans only in trace artifacts (before MLflow 3.3), so models are not counted here.'
      : modelRows?.some((r) => Number(r.read) >= reads.modelCalls)
        ? `Counted over the newest ${reads.modelCalls.toLocaleString('en-US')} model calls.`
        : by_model && by_model.length === 0 && buckets.length > 0
          ? 'No LLM or chat-model span of these traces names its model.'
          : null,
    assessments,
    slowest_spans,
    spans_problem: spanRows?.some((r) => Number(r.read) >= reads.spanTraces)
      ? `Over the spans of the newest ${reads.spanTraces.toLocaleString('en-US')} traces.`
      : null,
  }
}
