import { AppError } from '@shared/api/errors'
import type { RunsCountRequest, RunsSearchRequest, RunsSearchResponse } from '@shared/api/contract'
import type { Run } from '@shared/domain/mlflow'
import type { StoreHandle } from '../connections/storeConnection'
import { SERIAL_PLAN } from '../connections/transactionSettings'
import { flagAgainstIndex, flagRanges, nullRanges, nullsAgainstIndex, type OrderKey } from './keyset'
import { searchFingerprint } from './pageToken'
import { runPageSql, type RunPageRow } from './runQueries'
import { storeIndexes } from './storeIndexes'
import { toRun } from './runMapper'
import { lifecycleStages } from './viewType'
import { parseFilter, type Comparison, type FilterNode } from './search/filterParser'
import { parseOrderBy, type OrderTerm } from './search/orderBy'
import { SqlBuilder, filterSql, orderSql, requiredClauses } from './search/searchSql'
import { pageOf, resumeAt, resumeInRanges } from './keysetPage'

/**
 * MLflow's default run order (no order_by): start_time DESC, run_uuid ASC, with
 * PostgreSQL's default NULL placement (NULLS FIRST for DESC) exactly as the SQL
 * MLflow's store sends (../shared/mlflow-schema.md, Appendix B, case d).
 */
export const DEFAULT_RUN_ORDER: readonly OrderKey[] = [
  { sql: 'r.start_time', direction: 'DESC', nulls: 'FIRST', cast: 'bigint' },
  { sql: 'r.run_uuid', direction: 'ASC', nulls: 'LAST', cast: 'text', nullable: false },
]

/**
 * The runs' experiments. No ids: every active experiment, as MLflow's
 * search_runs(search_all_experiments=True) lists them with
 * search_experiments(ViewType.ACTIVE_ONLY) (whatever the view of the runs).
 */
function experimentCondition(b: SqlBuilder, ids: readonly string[]): string {
  if (ids.length === 0) return `r.experiment_id IN (SELECT e.experiment_id FROM experiments e WHERE e.lifecycle_stage = 'active')`
  // A single value as `=`, not `= ANY(...)`: only then can an index on (experiment_id, start_time) hand rows over in order.
  if (ids.length === 1) return `r.experiment_id = ${b.param(Number(ids[0]), 'int')}`
  return `r.experiment_id = ANY(${b.param(ids.map(Number), 'int[]')})`
}

/** The WHERE conditions of a search (experiments, view, filter but the clauses `done` elsewhere), parameters appended to b.bind. */
function searchConditions(
  b: SqlBuilder,
  req: Pick<RunsSearchRequest, 'experiment_ids' | 'view'>,
  filter: FilterNode | null,
  done?: ReadonlySet<Comparison>,
): string[] {
  const stages = lifecycleStages(req.view)
  const where = [
    experimentCondition(b, req.experiment_ids),
    stages.length === 1 ? `r.lifecycle_stage = ${b.param(stages[0], 'text')}` : `r.lifecycle_stage = ANY(${b.param(stages, 'text[]')})`,
  ]
  const condition = filterSql(filter, b, done)
  if (condition) where.push(condition)
  return where
}

/**
 * A search's order_by and filter, parsed: the faults of its text, found
 * without a store (INVALID_FILTER with the field and position). Callers that
 * open a store for the search ask this first; a bad order_by fails as fast as
 * a bad filter.
 */
export function parseSearch(req: Pick<RunsSearchRequest, 'filter' | 'order_by'>): { terms: OrderTerm[]; filter: FilterNode | null } {
  return { terms: parseOrderBy(req.order_by), filter: parseFilter(req.filter) }
}

/** search_runs over experiments: MLflow's filter syntax (plus OR and parentheses), results and order; keyset-paged. */
export async function searchRuns(store: StoreHandle, req: RunsSearchRequest): Promise<RunsSearchResponse> {
  const b = new SqlBuilder(store.capabilities, [])
  const { terms, filter } = parseSearch(req)
  const { joins, keys: order, applied } = orderSql(terms, b, requiredClauses(filter))
  const where = searchConditions(b, req, filter, applied)
  const fingerprint = searchFingerprint({
    e: req.experiment_ids.map(Number).sort((x, y) => x - y),
    s: lifecycleStages(req.view),
    f: req.filter?.trim() ?? '',
    o: order.map((k) => [k.sql, k.direction]),
    // Keys of metric/param/tag terms are bound, not in the SQL text.
    k: terms.map((t) => [t.entity, t.key]),
  })
  // MLflow's explicit `start_time DESC` (NULLs last) as two index walks, where an index can walk them.
  // Ordered by a metric that our latest_metrics index walks: read by that walk (flagRanges for DESC), by one process (SERIAL_PLAN).
  const metricWalk = terms[0]?.entity === 'metric' && (await metricValuesIndexed(store))
  const split =
    nullsAgainstIndex(order) && (await runsColumnIndexed(store, order[0].sql))
      ? resumeInRanges(req.page_token, fingerprint, order, b.bind, nullRanges)
      : metricWalk && flagAgainstIndex(order)
        ? resumeInRanges(req.page_token, fingerprint, order, b.bind, flagRanges)
        : null
  const offset = split ? split.offset : resumeAt(req.page_token, fingerprint, order, b.bind, where)
  // One row more than asked tells whether another page exists.
  const sql = runPageSql(store.capabilities, {
    where,
    joins,
    bind: b.bind,
    order,
    limit: req.max_results + 1,
    offset,
    ranges: split?.ranges,
  })
  const rows = await store.select<RunPageRow>(sql, b.bind, metricWalk ? { settings: SERIAL_PLAN } : undefined)
  const { page, next_page_token } = pageOf(rows, req.max_results, fingerprint, (r) => r.cursor)
  return { runs: page.map(toRun), next_page_token }
}

/**
 * Whether a valid index of runs holds the column an order key is (`r.<column>`): only then is an
 * order with its NULLs against the index's placement worth reading as two ranges (each range is
 * an index walk; without the index, each would be a scan of the runs).
 */
async function runsColumnIndexed(store: StoreHandle, key: string): Promise<boolean> {
  const column = /^r\.(\w+)$/.exec(key)?.[1]
  return !!column && (await storeIndexes(store)).runs.some((columns) => columns.includes(column))
}

/**
 * Whether latest_metrics has an index by key, is_nan and value (ours): a page ordered by a metric
 * is then a walk of it (backward for DESC, flagRanges), cut off by the LIMIT, which one process
 * does best (SERIAL_PLAN). Without one the page is a scan and a sort of the matching runs, where
 * parallel workers help (on the 100k-run bench store, 144 ms with them against 205 ms without).
 */
async function metricValuesIndexed(store: StoreHandle): Promise<boolean> {
  return (await storeIndexes(store)).latest_metrics.some((columns) => columns.slice(0, 3).join() === 'key,is_nan,value')
}

/** How many runs the search matches (all pages). */
export async function countRuns(store: StoreHandle, req: RunsCountRequest): Promise<number> {
  const b = new SqlBuilder(store.capabilities, [])
  const where = searchConditions(b, req, parseFilter(req.filter))
  const [row] = await store.select<{ n: string }>(`SELECT count(*) AS n FROM runs r WHERE ${where.join(' AND ')}`, b.bind)
  return Number(row?.n ?? 0)
}

/** get_run: one run, whatever its lifecycle stage. */
export async function getRun(store: StoreHandle, runId: string): Promise<Run> {
  const bind: unknown[] = [runId]
  const sql = runPageSql(store.capabilities, { where: ['r.run_uuid = $1'], bind, order: DEFAULT_RUN_ORDER, limit: 1 })
  const [row] = await store.select<RunPageRow>(sql, bind)
  if (!row) throw new AppError('NOT_FOUND', `Run '${runId}' not found in ${store.where}.`)
  return toRun(row)
}

/** A run's artifact_uri as MLflow recorded it (NOT_FOUND naming the run when there is none). */
export async function runArtifactRoot(store: StoreHandle, runId: string): Promise<string> {
  const [row] = await store.select<{ artifact_uri: string | null }>('SELECT artifact_uri FROM runs WHERE run_uuid = $1', [runId])
  if (!row) throw new AppError('NOT_FOUND', `Run '${runId}' not found in ${store.where}.`)
  if (!row.artifact_uri) throw new AppError('NOT_FOUND', `Run '${runId}' has no artifact location recorded.`)
  return row.artifact_uri
}
