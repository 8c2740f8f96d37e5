import type { RunColumns, ViewType } from '@shared/domain/mlflow'
import type { StoreHandle } from '../connections/storeConnection'
import { lifecycleStages } from './viewType'

/** Below this many runs, reading their keys directly beats probing key by key. */
const DIRECT_RUNS_LIMIT = 5_000

/**
 * The metric, param and tag keys used by runs of the chosen experiments.
 * Two exact strategies, chosen by the number of runs:
 *  - few runs: read their keys directly (through the run_uuid indexes);
 *  - many runs: distinct keys are few while rows are many, so a recursive
 *    skip-scan walks the (key, run_uuid) primary key one distinct key at a time,
 *    and a LIMIT 1 probe per key keeps those some run of these experiments has
 *    (in a big experiment the first rows of a key usually belong to it).
 */
export async function runColumns(store: StoreHandle, experimentIds: string[], view: ViewType, directRunsLimit = DIRECT_RUNS_LIMIT): Promise<RunColumns> {
  const bind = [experimentIds.map(Number), lifecycleStages(view)]
  const runsWhere = 'r.experiment_id = ANY($1::int[]) AND r.lifecycle_stage = ANY($2::text[])'
  const [{ n }] = await store.select<{ n: number }>(`SELECT count(*)::int AS n FROM runs r WHERE ${runsWhere}`, bind)
  const metricsTable = store.schema.has('latest_metrics') ? 'latest_metrics' : 'metrics'
  // A subquery per run keeps this to index probes (a join would be hashed over the whole table).
  const direct = (table: string) => `
    SELECT coalesce(array_agg(DISTINCT k ORDER BY k), '{}') AS keys
      FROM runs r CROSS JOIN LATERAL unnest(ARRAY(SELECT x.key FROM ${table} x WHERE x.run_uuid = r.run_uuid)) k
     WHERE ${runsWhere}`
  const probed = (table: string) => `
    WITH RECURSIVE k(key) AS (
      (SELECT key FROM ${table} ORDER BY key LIMIT 1)
      UNION ALL
      SELECT (SELECT t.key FROM ${table} t WHERE t.key > k.key ORDER BY t.key LIMIT 1) FROM k WHERE k.key IS NOT NULL
    )
    SELECT coalesce(array_agg(k.key ORDER BY k.key), '{}') AS keys
      FROM k CROSS JOIN LATERAL (SELECT 1 FROM ${table} x JOIN runs r ON r.run_uuid = x.run_uuid
                                  WHERE x.key = k.key AND ${runsWhere} LIMIT 1) used
     WHERE k.key IS NOT NULL`
  const sql = n <= directRunsLimit ? direct : probed
  const [metrics, params, tags] = await Promise.all(
    [metricsTable, 'params', 'tags'].map(async (t) => (n === 0 ? [] : ((await store.select<{ keys: string[] }>(sql(t), bind))[0]?.keys ?? []))),
  )
  return { metrics, params, tags }
}
