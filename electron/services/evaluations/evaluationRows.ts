import { AppError } from '@shared/api/errors'
import type { ParsedRequest } from '@shared/api/contract'
import {
  EVALUATION_RUN_TAG,
  EVAL_REQUEST_ID_TAG,
  scoreRank,
  type EvaluationRow,
  type EvaluationRowsResponse,
  type EvaluationScore,
} from '@shared/domain/evaluations'
import type { Run } from '@shared/domain/mlflow'
import type { StoreHandle } from '../connections/storeConnection'
import { storedJson } from '../traces/assessments'
import { TRACE_METADATA } from '../traces/traceGrammar'
import { tracePreviewSql } from '../traces/traceRows'
import { getRun } from '../tracking/runs'

/** An assessment of a row as the rows statement gives it. */
interface AssessmentCell {
  name: string
  assessment_id: string
  assessment_type: string
  value: string
  rationale: string | null
  error: string | null
  source_type: string
  source_id: string | null
  updated: number
}

interface RowsRow {
  trace_count: number
  rows: Array<{
    trace_id: string
    eval_request_id: string | null
    state: string
    request_time: number
    execution_duration: number | null
    request_preview: string | null
    response_preview: string | null
    assessments: AssessmentCell[] | null
  }> | null
}

/** Is this run one mlflow.genai.evaluate made? */
export function isEvaluationRun(run: Run): boolean {
  return run.data.tags.some((t) => t.key === EVALUATION_RUN_TAG && t.value.toLowerCase() === 'true')
}

/** The run, when it is an evaluation run; else NOT_FOUND saying which it is not. */
export async function evaluationRun(store: StoreHandle, runId: string, field = 'run_id'): Promise<Run> {
  const run = await getRun(store, runId).catch((e: unknown) => {
    if (e instanceof AppError && e.code === 'NOT_FOUND') throw new AppError('NOT_FOUND', e.message, { field })
    throw e
  })
  if (!isEvaluationRun(run)) {
    throw new AppError('NOT_FOUND', `Run '${runId}' is not an evaluation run (mlflow.genai.evaluate tags its runs ${EVALUATION_RUN_TAG}=true).`, { field })
  }
  return run
}

/** The failed scorer's message out of MLflow's error JSON ({"error_code", "error_message", ...}). */
function errorMessage(text: string | null): string | null {
  if (text === null) return null
  const e = storedJson(text)
  if (e && typeof e === 'object' && !Array.isArray(e)) {
    const o = e as Record<string, unknown>
    return String(o.error_message ?? o.error_code ?? text)
  }
  return typeof e === 'string' ? e : text
}

function toScore(a: AssessmentCell): EvaluationScore {
  return {
    assessment_id: a.assessment_id,
    value: storedJson(a.value) ?? null,
    rationale: a.rationale,
    error: errorMessage(a.error),
    source_type: a.source_type,
    source_id: a.source_id,
    updated_time: Number(a.updated),
  }
}

/**
 * One statement: the traces the run made (request metadata mlflow.sourceRun), oldest first, at
 * most `limit`, each with its previews, its evaluated row's id and its latest valid assessment per
 * kind and name (as the Traces list reads them); and how many traces the run made.
 */
function rowsSql(store: StoreHandle): string {
  const preview = tracePreviewSql(store.capabilities)
  const assessments = store.capabilities.assessments
    ? `(SELECT json_agg(x) FROM (
          SELECT DISTINCT ON (a.assessment_type, a.name) a.name, a.assessment_id, a.assessment_type, a.value, a.rationale, a.error,
                 a.source_type, a.source_id, a.last_updated_timestamp AS updated
            FROM assessments a WHERE a.trace_id = ti.request_id AND a.valid
           ORDER BY a.assessment_type, a.name, a.created_timestamp DESC, a.assessment_id DESC) x)`
    : 'NULL::json'
  const ofRun = `FROM trace_request_metadata md JOIN trace_info ti ON ti.request_id = md.request_id
                 WHERE md.key = '${TRACE_METADATA.sourceRun}' AND md.value = $1`
  return `SELECT (SELECT count(*)::int ${ofRun}) AS trace_count,
    (SELECT json_agg(y ORDER BY y.request_time, y.trace_id) FROM (
       SELECT ti.request_id AS trace_id, ti.status AS state, ti.timestamp_ms AS request_time, ti.execution_time_ms AS execution_duration,
              ${preview.request} AS request_preview, ${preview.response} AS response_preview,
              (SELECT g.value FROM trace_tags g WHERE g.request_id = ti.request_id AND g.key = '${EVAL_REQUEST_ID_TAG}') AS eval_request_id,
              ${assessments} AS assessments
         ${ofRun}
        ORDER BY ti.timestamp_ms, ti.request_id
        LIMIT $2::int) y) AS rows`
}

/** The rows of an evaluation run (at most `limit`, oldest first) and how many it has. */
export async function readEvaluationRows(store: StoreHandle, runId: string, limit: number): Promise<{ rows: EvaluationRow[]; traceCount: number }> {
  if (!store.capabilities.traces) return { rows: [], traceCount: 0 }
  const [got] = await store.select<RowsRow>(rowsSql(store), [runId, limit])
  const rows = (got?.rows ?? []).map((r): EvaluationRow => {
    const scores: Record<string, EvaluationScore> = {}
    const expectations: Record<string, EvaluationScore> = {}
    for (const a of r.assessments ?? []) (a.assessment_type === 'expectation' ? expectations : scores)[a.name] = toScore(a)
    return {
      trace_id: r.trace_id,
      eval_request_id: r.eval_request_id,
      state: r.state,
      request_time: Number(r.request_time),
      execution_duration: r.execution_duration === null ? null : Number(r.execution_duration),
      request_preview: r.request_preview,
      response_preview: r.response_preview,
      scores,
      expectations,
    }
  })
  return { rows, traceCount: got?.trace_count ?? 0 }
}

/** The names present on the rows, by name. */
export function namesOf(rows: readonly EvaluationRow[], part: 'scores' | 'expectations'): string[] {
  return [...new Set(rows.flatMap((r) => Object.keys(r[part])))].sort()
}

/** Rows ordered by one scorer: lowest (fails) first, or highest when descending; rows without it last, then by request time. */
export function orderByScorer(rows: readonly EvaluationRow[], scorer: string, descending: boolean): EvaluationRow[] {
  const sign = descending ? -1 : 1
  return [...rows].sort((x, y) => {
    const a = scoreRank(x.scores[scorer])
    const b = scoreRank(y.scores[scorer])
    if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1
    return a < b ? -sign : a > b ? sign : 0
  })
}

/** evaluations:rows */
export async function evaluationRows(store: StoreHandle, req: ParsedRequest<'evaluations:rows'>): Promise<EvaluationRowsResponse> {
  const run = await evaluationRun(store, req.run_id)
  const { rows, traceCount } = await readEvaluationRows(store, req.run_id, req.max_results)
  return {
    run,
    scorers: namesOf(rows, 'scores'),
    expectation_names: namesOf(rows, 'expectations'),
    aggregates: run.data.metrics,
    rows: req.order_by_scorer ? orderByScorer(rows, req.order_by_scorer, req.descending) : rows,
    truncated: traceCount > rows.length,
    trace_count: traceCount,
  }
}
