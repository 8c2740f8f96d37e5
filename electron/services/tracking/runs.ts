import { AppError } from '@shared/api/errors'
import type { RunsCountRequest, RunsSearchRequest, RunsSearchResponse } from '@shared/api/contract'
import type { Run } from '@shared/domain/mlflow'
import type { StoreHandle } from '../connections/storeConnection'
import { keysetCondition, type OrderKey } from './keyset'
import { decodePageToken, encodePageToken, searchFingerprint } from './pageToken'
import { runPageSql, type RunPageRow } from './runQueries'
import { toRun } from './runMapper'
import { lifecycleStages } from './viewType'

/**
 * MLflow's default run order (no order_by): start_time DESC, run_uuid ASC, with
 * PostgreSQL's default NULL placement (NULLS FIRST for DESC) exactly as the SQL
 * MLflow's store sends (../shared/mlflow-schema.md, Appendix B, case d).
 */
export const DEFAULT_RUN_ORDER: readonly OrderKey[] = [
  { sql: 'r.start_time', direction: 'DESC', nulls: 'FIRST', cast: 'bigint' },
  { sql: 'r.run_uuid', direction: 'ASC', nulls: 'LAST', cast: 'text', nullable: false },
]

/** search_runs over experiments: MLflow's results and order, keyset-paged. */
export async function searchRuns(store: StoreHandle, req: RunsSearchRequest): Promise<RunsSearchResponse> {
  const order = DEFAULT_RUN_ORDER
  const stages = lifecycleStages(req.view)
  const experimentIds = req.experiment_ids.map(Number)
  const fingerprint = searchFingerprint({ e: [...experimentIds].sort((a, b) => a - b), s: stages, o: order.map((k) => [k.sql, k.direction]) })
  const cursor = decodePageToken(req.page_token, fingerprint)

  const bind: unknown[] = [experimentIds, stages]
  const where = ['r.experiment_id = ANY($1::int[])', 'r.lifecycle_stage = ANY($2::text[])']
  if (cursor?.kind === 'keyset') {
    if (cursor.values.length !== order.length) {
      throw new AppError('INVALID_PAGE_TOKEN', 'page_token does not fit this search; start again without it.', { field: 'page_token' })
    }
    where.push(keysetCondition(order, cursor.values, bind))
  }
  // One row more than asked tells whether another page exists.
  const sql = runPageSql(store.schema, {
    where,
    bind,
    order,
    limit: req.max_results + 1,
    offset: cursor?.kind === 'offset' ? cursor.offset : undefined,
  })
  const rows = await store.select<RunPageRow>(sql, bind)
  const page = rows.slice(0, req.max_results)
  const last = page[page.length - 1]
  return {
    runs: page.map(toRun),
    next_page_token: rows.length > req.max_results && last ? encodePageToken(last.cursor, fingerprint) : null,
  }
}

/** get_run: one run, whatever its lifecycle stage. */
export async function getRun(store: StoreHandle, runId: string): Promise<Run> {
  const bind: unknown[] = [runId]
  const sql = runPageSql(store.schema, { where: ['r.run_uuid = $1'], bind, order: DEFAULT_RUN_ORDER, limit: 1 })
  const [row] = await store.select<RunPageRow>(sql, bind)
  if (!row) throw new AppError('NOT_FOUND', `Run '${runId}' not found in ${store.where}.`)
  return toRun(row)
}

/** How many runs the search matches (all pages). */
export async function countRuns(store: StoreHandle, req: RunsCountRequest): Promise<number> {
  const [row] = await store.select<{ n: string }>(
    'SELECT count(*) AS n FROM runs r WHERE r.experiment_id = ANY($1::int[]) AND r.lifecycle_stage = ANY($2::text[])',
    [req.experiment_ids.map(Number), lifecycleStages(req.view)],
  )
  return Number(row?.n ?? 0)
}
