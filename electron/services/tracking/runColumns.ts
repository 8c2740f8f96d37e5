import type { RunColumns, ViewType } from '@shared/domain/mlflow'
import type { StoreHandle } from '../connections/storeConnection'
import { lifecycleStages } from './viewType'

/** How many of the newest runs are read for their keys. */
const SAMPLE_RUNS = 1_000

/**
 * The metric, param and tag keys of the chosen experiments' runs, for the
 * column chooser and the filter's completion: the keys of the newest
 * SAMPLE_RUNS runs (every run when there are no more), read with index probes
 * per run. Exact up to that many runs; beyond, a key only older runs have is
 * missed here — the table adds the keys of every run it has loaded. Checking
 * every key against every run was measured at 0.6–5 s on the 100k-run
 * benchmark store; this stays in tens of milliseconds whatever the store's size.
 */
export async function runColumns(store: StoreHandle, experimentIds: string[], view: ViewType, sampleRuns = SAMPLE_RUNS): Promise<RunColumns> {
  const bind = [experimentIds.map(Number), lifecycleStages(view), sampleRuns]
  const metricsTable = store.capabilities.latestMetrics ? 'latest_metrics' : 'metrics'
  // One subquery per run keeps this to index probes (a join would be hashed over the whole table).
  const sql = (table: string) => `
    WITH sample AS (
      SELECT r.run_uuid FROM runs r
       WHERE r.experiment_id = ANY($1::int[]) AND r.lifecycle_stage = ANY($2::text[])
       ORDER BY r.start_time DESC NULLS FIRST, r.run_uuid LIMIT $3
    )
    SELECT coalesce(array_agg(DISTINCT k ORDER BY k), '{}') AS keys
      FROM sample s CROSS JOIN LATERAL unnest(ARRAY(SELECT x.key FROM ${table} x WHERE x.run_uuid = s.run_uuid)) k`
  const [metrics, params, tags] = await Promise.all(
    [metricsTable, 'params', 'tags'].map(async (t) => (await store.select<{ keys: string[] }>(sql(t), bind))[0]?.keys ?? []),
  )
  return { metrics, params, tags }
}
