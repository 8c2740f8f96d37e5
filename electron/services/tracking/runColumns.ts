import type { RunColumns, ViewType } from '@shared/domain/mlflow'
import type { StoreHandle } from '../connections/storeConnection'
import { lifecycleStages } from './viewType'

/**
 * The metric, param and tag keys used by runs of the chosen experiments.
 * Distinct keys are few, rows are many: a recursive skip-scan walks the
 * (key, run_uuid) primary keys one distinct key at a time, then keeps the keys
 * some run of these experiments has (EXISTS stops at the first such run).
 */
export async function runColumns(store: StoreHandle, experimentIds: string[], view: ViewType): Promise<RunColumns> {
  const metricsTable = store.schema.has('latest_metrics') ? 'latest_metrics' : 'metrics'
  const keysOf = (table: string) => `
    WITH RECURSIVE k(key) AS (
      (SELECT key FROM ${table} ORDER BY key LIMIT 1)
      UNION ALL
      SELECT (SELECT t.key FROM ${table} t WHERE t.key > k.key ORDER BY t.key LIMIT 1) FROM k WHERE k.key IS NOT NULL
    )
    SELECT coalesce(array_agg(k.key ORDER BY k.key), '{}') AS keys FROM k
     WHERE k.key IS NOT NULL
       AND EXISTS (SELECT 1 FROM ${table} x JOIN runs r ON r.run_uuid = x.run_uuid
                    WHERE x.key = k.key AND r.experiment_id = ANY($1::int[]) AND r.lifecycle_stage = ANY($2::text[]))`
  const bind = [experimentIds.map(Number), lifecycleStages(view)]
  const [metrics, params, tags] = await Promise.all(
    [metricsTable, 'params', 'tags'].map(async (t) => (await store.select<{ keys: string[] }>(keysOf(t), bind))[0]?.keys ?? []),
  )
  return { metrics, params, tags }
}
