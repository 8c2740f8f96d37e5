import type { MetricSummary, MetricsSummaryRequest, MetricsSummaryResponse } from '@shared/api/contract'
import type { StoreHandle } from '../connections/storeConnection'
import { assertRunExists } from './metricHistory'
import { metricAccess, metricRowsFrom } from './metricRows'
import { nonFiniteSql } from './metricSeries'
import { metricValue } from './runMapper'
import { keyMetrics } from '@shared/domain/keyMetrics'

interface SummaryRow {
  key: string
  total: number
  min: number | null
  min_step: number | null
  max: number | null
  max_step: number | null
  specials: number
  steps: number[]
  timestamps: number[]
  vals: number[]
  nans: boolean[]
}

/**
 * Several metrics of one run at a glance — each one's count, finite min and max with the
 * first step reaching them, and a trend line (the last point of each of `points` equal step
 * ranges) — in ONE statement over the run's rows of those keys: the run's Overview asks for a
 * few keys of a run that may log hundreds, and a statement per key would read the run's rows
 * again each time. The rows are found by run_uuid (metricRowsFrom: MLflow's
 * index_metrics_run_uuid, never the primary key, which leads with key) and the work is plain
 * aggregation: PostgreSQL 12–18, no session state.
 */
export async function summarizeMetrics(store: StoreHandle, req: MetricsSummaryRequest): Promise<MetricsSummaryResponse> {
  const step = store.capabilities.metricSteps ? 'm.step' : '0::bigint'
  const isNan = store.capabilities.metricNaN ? 'm.is_nan' : 'false'
  const keys = req.metric_keys ? [...new Set(req.metric_keys)] : await pickKeys(store, req.run_id, req.pick!)
  if (!keys.length) {
    await assertRunExists(store, req.run_id)
    return { keys, summaries: [] }
  }
  const access = await metricAccess(store)
  const rows = await store.select<SummaryRow>(
    `WITH m AS (
       SELECT m.key, ${step} AS step, m.timestamp, m.value::float8 AS value, ${isNan} AS is_nan, NOT ${nonFiniteSql(isNan)} AS finite
         FROM ${metricRowsFrom(access, { runs: 'm.run_uuid = $1', keys: 'm.key = ANY($2::text[])' })}
     ), k AS (
       SELECT key, count(*)::int AS total, min(step) AS lo, max(step) AS hi,
              min(value) FILTER (WHERE finite) AS min, max(value) FILTER (WHERE finite) AS max,
              (array_agg(step ORDER BY value, step, timestamp) FILTER (WHERE finite))[1]::float8 AS min_step,
              (array_agg(step ORDER BY value DESC, step, timestamp) FILTER (WHERE finite))[1]::float8 AS max_step,
              (count(*) FILTER (WHERE NOT finite))::int AS specials
         FROM m GROUP BY key
     ), b AS (
       SELECT DISTINCT ON (x.key, x.bucket) x.key, x.step, x.timestamp, x.value, x.is_nan
         FROM (SELECT m.*, least($3::int - 1, floor((m.step - k.lo)::float8 * $3::int / (k.hi - k.lo + 1)::float8))::int AS bucket
                 FROM m JOIN k USING (key)) x
        ORDER BY x.key, x.bucket, x.step DESC, x.timestamp DESC
     )
     SELECT k.key, k.total, k.min, k.min_step, k.max, k.max_step, k.specials,
            array_agg(b.step::float8 ORDER BY b.step) AS steps, array_agg(b.timestamp::float8 ORDER BY b.step) AS timestamps,
            array_agg(b.value ORDER BY b.step) AS vals, array_agg(b.is_nan ORDER BY b.step) AS nans
       FROM k JOIN b USING (key)
      GROUP BY k.key, k.total, k.min, k.min_step, k.max, k.max_step, k.specials`,
    [req.run_id, keys, req.points],
  )
  if (rows.length === 0) await assertRunExists(store, req.run_id)
  const byKey = new Map(rows.map((r) => [r.key, r]))
  return {
    keys,
    summaries: keys.flatMap((key): MetricSummary[] => {
      const r = byKey.get(key)
      if (!r) return []
      return [
        {
          key,
          total_points: r.total,
          min: r.min,
          min_step: r.min_step,
          max: r.max,
          max_step: r.max_step,
          specials: r.specials,
          points: r.steps.map((s, i) => ({ key, value: metricValue(r.vals[i], r.nans[i]), timestamp: r.timestamps[i], step: s })),
        },
      ]
    }),
  }
}

/** The run's first `limit` metric keys by the Overview's rule, from its latest values (MLflow's latest_metrics, by run_uuid). */
async function pickKeys(store: StoreHandle, runId: string, pick: { limit: number; first: string[] }): Promise<string[]> {
  // MLflow < 1.3 had no latest_metrics: the run's keys from its history then.
  const from = store.capabilities.latestMetrics ? 'latest_metrics' : 'metrics'
  const rows = await store.select<{ key: string }>(`SELECT DISTINCT key FROM ${from} WHERE run_uuid = $1`, [runId])
  return keyMetrics(
    rows.map((r) => r.key),
    pick.first,
    pick.limit,
  )
}
