import type { StoreHandle } from '../connections/storeConnection'
import { storeIndexes } from './storeIndexes'

/**
 * How a statement can reach some runs' rows of `metrics` on this store, best first:
 *  - 'step': an index leading with (run_uuid, key, step), as `mlflow-desk indexes create --metric-history` adds (opt-in):
 *    a run's key is a range of it, a step window a narrower one;
 *  - 'run': MLflow's own `index_metrics_run_uuid` (MLflow 1.25+; or any index leading with
 *    run_uuid): a run's rows, every key of the run, then the keys picked from them;
 *  - 'key': neither (MLflow before 1.25): only the primary key, which leads with key.
 */
export type MetricAccess = 'step' | 'run' | 'key'

/** Which of the ways above this store has (storeIndexes: its valid indexes, read once in a while). */
export async function metricAccess(store: StoreHandle): Promise<MetricAccess> {
  const leads = (await storeIndexes(store)).metrics
  if (leads.some((c) => c[0] === 'run_uuid' && c[1] === 'key' && c[2] === 'step')) return 'step'
  return leads.some((c) => c[0] === 'run_uuid') ? 'run' : 'key'
}

/** Conditions on `metrics m`, by what an index can serve: the runs, the keys, a step window, and the rest (a keyset cursor, ...). */
export interface MetricRowsWhere {
  runs: string
  keys: string
  steps?: readonly string[]
  other?: readonly string[]
}

/**
 * `metrics m` restricted by `where`, as a FROM item whose plan cannot wander: the conditions the
 * best access can serve sit inside an `OFFSET 0` subquery, which PostgreSQL plans on its own
 * (every version 12–18 keeps it as a fence), and the others are applied to its rows.
 *
 * Why: metric_pk is (key, timestamp, step, run_uuid, value, is_nan). Given `run_uuid = $1 AND
 * key = $2`, the planner may take it, as an index-only scan, for its timestamp order under a
 * LIMIT, or for a cursor's timestamp range, reading the key's rows of EVERY run to find one run's
 * (a 100k-run store: 126k buffers for a 100k-point history, five seconds). Where 'run' is the best
 * access only the run condition goes inside, so the only index that can serve it is the one on
 * run_uuid; where our step index exists ('step') the run, key and step window go inside, so a
 * window seeks; with neither ('key') the primary key's key range is the only way short of reading
 * the table, so the key goes inside too.
 */
export function metricRowsFrom(access: MetricAccess, where: MetricRowsWhere): string {
  const all = [where.runs, where.keys, ...(where.steps ?? []), ...(where.other ?? [])]
  const inside = access === 'run' ? 1 : 2 + (where.steps?.length ?? 0)
  const fenced = `(SELECT * FROM metrics m WHERE ${all.slice(0, inside).join(' AND ')} OFFSET 0) m`
  const rest = all.slice(inside)
  return rest.length ? `(SELECT * FROM ${fenced} WHERE ${rest.join(' AND ')}) m` : fenced
}
