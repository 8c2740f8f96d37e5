import type { RunColumns, ViewType } from '@shared/domain/mlflow'
import type { StoreHandle } from '../connections/storeConnection'
import { lifecycleStages } from './viewType'

/** How many of the newest runs are read for their keys. */
const SAMPLE_RUNS = 1_000

/**
 * The metric, param and tag keys of the chosen experiments' runs, for the
 * column chooser and the filter's completion, with how many runs have each
 * (the runs table fits the most common ones first): the keys of the newest
 * SAMPLE_RUNS runs (every run when there are no more), read with index probes
 * per run. Exact up to that many runs; beyond, a key only older runs have is
 * missed here — the table adds the keys of every run it has loaded — and the
 * counts are of the sample. Checking every key against every run was measured
 * at 0.6–5 s on the 100k-run benchmark store; this stays in tens of
 * milliseconds whatever the store's size.
 */
export async function runColumns(store: StoreHandle, experimentIds: string[], view: ViewType, sampleRuns = SAMPLE_RUNS): Promise<RunColumns> {
  const bind = [experimentIds.map(Number), lifecycleStages(view), sampleRuns]
  const metricsTable = store.capabilities.latestMetrics ? 'latest_metrics' : 'metrics'
  const sample = `
    WITH sample AS (
      SELECT r.run_uuid FROM runs r
       WHERE r.experiment_id = ANY($1::int[]) AND r.lifecycle_stage = ANY($2::text[])
       ORDER BY r.start_time DESC NULLS FIRST, r.run_uuid LIMIT $3
    )`
  // One subquery per run keeps this to probes of index_<table>_run_uuid (a join would be hashed over the whole table);
  // DISTINCT because the metrics table (stores without latest_metrics) holds a key once per step.
  const sql = (table: string) => `${sample}
    SELECT k AS key, count(*)::int AS runs
      FROM sample s CROSS JOIN LATERAL unnest(ARRAY(SELECT DISTINCT x.key FROM ${table} x WHERE x.run_uuid = s.run_uuid)) k
     GROUP BY k ORDER BY k`
  const keyed = async (table: string) => {
    const rows = await store.select<{ key: string; runs: number }>(sql(table), bind)
    return { keys: rows.map((r) => r.key), counts: Object.fromEntries(rows.map((r) => [r.key, r.runs])) as Record<string, number> }
  }
  const [metrics, params, tags, read] = await Promise.all([
    keyed(metricsTable),
    keyed('params'),
    keyed('tags'),
    // One run past the sample says whether older runs were left unread.
    store.select<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM runs r WHERE r.experiment_id = ANY($1::int[]) AND r.lifecycle_stage = ANY($2::text[]) LIMIT $3 + 1) s`,
      bind,
    ),
  ])
  return {
    metrics: metrics.keys,
    params: params.keys,
    tags: tags.keys,
    counts: { metrics: metrics.counts, params: params.counts, tags: tags.counts },
    runs: Math.min(read[0]?.n ?? 0, sampleRuns),
    sampled: (read[0]?.n ?? 0) > sampleRuns,
  }
}
