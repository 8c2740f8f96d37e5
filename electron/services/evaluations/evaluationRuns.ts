import type { ParsedRequest } from '@shared/api/contract'
import { EVALUATION_RUN_TAG, type EvaluationsListResponse } from '@shared/domain/evaluations'
import { INT4_MAX } from '@shared/domain/mlflow'
import type { StoreHandle } from '../connections/storeConnection'
import { TRACE_METADATA } from '../traces/traceGrammar'
import { runPageSql, type RunPageRow } from '../tracking/runQueries'
import { toRun } from '../tracking/runMapper'
import { DEFAULT_RUN_ORDER } from '../tracking/runs'

/** Per run: the traces it made and the feedback names (scorers) on them. */
function traceFactsSql(can: StoreHandle['capabilities']): string {
  const ofRun = `FROM trace_request_metadata md WHERE md.key = '${TRACE_METADATA.sourceRun}' AND md.value = r.id`
  const scorers = can.assessments
    ? `(SELECT array_agg(DISTINCT a.name ORDER BY a.name) FROM trace_request_metadata md JOIN assessments a ON a.trace_id = md.request_id
         WHERE md.key = '${TRACE_METADATA.sourceRun}' AND md.value = r.id AND a.assessment_type = 'feedback' AND a.valid)`
    : 'NULL::text[]'
  return `SELECT r.id AS run_id, (SELECT count(*)::int ${ofRun}) AS trace_count, ${scorers} AS scorers FROM unnest($1::text[]) AS r(id)`
}

/**
 * evaluations:list — the experiment's live runs mlflow.genai.evaluate made (tagged
 * mlflow.run.isEval = true), newest first, each as runs:get gives it (its metrics are the
 * aggregate scores), with the traces it made and the scorers on them.
 */
export async function listEvaluations(store: StoreHandle, req: ParsedRequest<'evaluations:list'>): Promise<EvaluationsListResponse> {
  const id = Number(req.experiment_id)
  if (id > INT4_MAX) return { runs: [], truncated: false }
  const bind: unknown[] = [id, EVALUATION_RUN_TAG]
  const where = [
    'r.experiment_id = $1::int',
    "r.lifecycle_stage = 'active'",
    "EXISTS (SELECT 1 FROM tags t WHERE t.run_uuid = r.run_uuid AND t.key = $2 AND lower(t.value) = 'true')",
  ]
  const found = await store.select<RunPageRow>(runPageSql(store.capabilities, { where, bind, order: DEFAULT_RUN_ORDER, limit: req.max_results + 1 }), bind)
  const runs = found.slice(0, req.max_results).map(toRun)
  const facts =
    runs.length && store.capabilities.traces
      ? await store.select<{ run_id: string; trace_count: number; scorers: string[] | null }>(traceFactsSql(store.capabilities), [
          runs.map((r) => r.info.run_id),
        ])
      : []
  return {
    runs: runs.map((run) => {
      const f = facts.find((x) => x.run_id === run.info.run_id)
      return { run, trace_count: f?.trace_count ?? 0, scorers: f?.scorers ?? [] }
    }),
    truncated: found.length > req.max_results,
  }
}
