import pLimit from 'p-limit'
import type { CompareSeries, MetricsCompareRequest, MetricsCompareResponse } from '@shared/api/contract'
import type { StoreHandle } from '../connections/storeConnection'
import { hasStepIndex, previewHistories } from './metricPreview'
import { POINTS_PER_BUCKET, readRunSeries } from './metricSeries'
import { getRun } from './runs'

/** Statements in flight at once: the store's pool holds 4 connections; one stays free for browsing. */
export const COMPARE_CONCURRENCY = 3

/**
 * A comparison's data in one answer: the runs (in the order asked, duplicates dropped) and, for
 * every run and metric key, its history downsampled to max_points for the step window. A run
 * that never logged a key gets an empty series (total_points 0); an unknown run id is an error
 * naming it. The exact series are read a run at a time (every key of the run together, in one
 * pass over its rows: readRunSeries), a few runs at once over the pool. With precision 'preview' (and the step index)
 * every series comes from one statement of index probes instead: the chart's first frame, which
 * the exact answer then replaces.
 */
export async function compareMetrics(store: StoreHandle, req: MetricsCompareRequest): Promise<MetricsCompareResponse> {
  const runIds = [...new Set(req.run_ids)]
  const keys = [...new Set(req.metric_keys)]
  const limit = pLimit(COMPARE_CONCURRENCY)
  const runs = req.include_runs ? await Promise.all(runIds.map((id) => limit(() => getRun(store, id)))) : []
  const pairs = runIds.flatMap((run_id) => keys.map((key) => ({ run_id, key })))
  if (req.precision === 'preview' && (await hasStepIndex(store))) {
    // As many points as the exact series has buckets: a frame within the budget, at a fraction of the reads.
    const probes = Math.max(2, Math.floor(req.max_points / POINTS_PER_BUCKET))
    const previews = await previewHistories(store, { pairs, probes, from_step: req.from_step, to_step: req.to_step })
    return {
      precision: 'preview',
      runs,
      series: previews.map((p) => ({ ...p, sampled: p.metrics.length > 0, total_points: p.metrics.length, bucket_width: null })),
    }
  }
  const window = { max_points: req.max_points, from_step: req.from_step, to_step: req.to_step }
  const read = await Promise.all(runIds.map((run_id) => limit(() => readRunSeries(store, { run_id, metric_keys: keys, ...window }))))
  const series = pairs.map(({ run_id, key }): CompareSeries => ({ run_id, key, ...read[runIds.indexOf(run_id)].get(key)! }))
  return { precision: 'exact', runs, series }
}
