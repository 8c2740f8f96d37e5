import pLimit from 'p-limit'
import type { CompareSeries, MetricsCompareRequest, MetricsCompareResponse } from '@shared/api/contract'
import type { StoreHandle } from '../connections/storeConnection'
import { isAppError } from '@shared/api/errors'
import { hasStepIndex, previewByTime, previewHistories, type PreviewRequest, type PreviewSeries } from './metricPreview'
import { POINTS_PER_BUCKET, readRunSeries } from './metricSeries'
import { getRun } from './runs'
import { PROBE_WALKS, SERIAL_PLAN } from '../connections/transactionSettings'

/**
 * How long a preview without our step index may take (previewByTime): its probes' cost depends on
 * how many runs logged the same keys at the same time, which only the store knows. Past it the
 * answer is the exact series, as if there were no preview.
 */
export const PREVIEW_BUDGET_MS = 1500

/** A comparison asked for with precision 'preview' gets one only above this many points, about (longEnough): below, the exact series are as quick. */
export const PREVIEW_ABOVE_POINTS = 1_000_000

export interface CompareOptions {
  /** PREVIEW_ABOVE_POINTS unless given (a test's short histories). */
  previewAbovePoints?: number
}

async function previewOrNothing(store: StoreHandle, req: PreviewRequest): Promise<PreviewSeries[] | null> {
  try {
    return await previewByTime(store, req, { settings: { ...PROBE_WALKS, statement_timeout: String(Math.min(PREVIEW_BUDGET_MS, store.statementTimeoutMs)) } })
  } catch (e) {
    if (isAppError(e) && e.code === 'TIMEOUT') return null
    throw e
  }
}

/** Statements in flight at once: the store's pool holds 4 connections; one stays free for browsing. */
export const COMPARE_CONCURRENCY = 3

/**
 * A comparison's data in one answer: the runs (in the order asked, duplicates dropped) and, for
 * every run and metric key, its history downsampled to max_points for the step window. A run
 * that never logged a key gets an empty series (total_points 0); an unknown run id is an error
 * naming it. The exact series are read a run at a time (every key of the run together, in one
 * pass over its rows: readRunSeries, each by one process: SERIAL_PLAN), a few runs at once over the
 * pool, beside the runs. With precision 'preview', where the histories are long (PREVIEW_ABOVE_POINTS),
 * every series comes from one statement of index probes instead: the chart's first frame, which
 * the exact answer then replaces. With our step index the probes are by
 * step (previewHistories); without it by time in MLflow's metric_pk (previewByTime: not for a step
 * window, and within PREVIEW_BUDGET_MS, else the exact answer comes at once).
 */
export async function compareMetrics(store: StoreHandle, req: MetricsCompareRequest, opts: CompareOptions = {}): Promise<MetricsCompareResponse> {
  const runIds = [...new Set(req.run_ids)]
  const keys = [...new Set(req.metric_keys)]
  const limit = pLimit(COMPARE_CONCURRENCY)
  // The runs beside the series, over the same few connections (Promise.all holds both: a failure of either is the answer's).
  const runsRead = req.include_runs ? Promise.all(runIds.map((id) => limit(() => getRun(store, id)))) : Promise.resolve([])
  const pairs = runIds.flatMap((run_id) => keys.map((key) => ({ run_id, key })))
  const seriesRead = async (): Promise<Pick<MetricsCompareResponse, 'precision' | 'series'>> => {
    if (req.precision === 'preview' && (await longEnough(store, runIds, keys, opts.previewAbovePoints ?? PREVIEW_ABOVE_POINTS))) {
      // Half as many points as the exact series has buckets (100 for 1,000): the shape, in half the probes and half the answer.
      const ask = { pairs, probes: Math.max(2, Math.floor(req.max_points / POINTS_PER_BUCKET / 2)), from_step: req.from_step, to_step: req.to_step }
      const previews = (await hasStepIndex(store)) ? await previewHistories(store, ask) : await previewOrNothing(store, ask)
      if (previews)
        return {
          precision: 'preview',
          series: previews.map((p) => ({ ...p, sampled: p.metrics.length > 0, total_points: p.metrics.length, bucket_width: null })),
        }
    }
    const window = { max_points: req.max_points, from_step: req.from_step, to_step: req.to_step }
    const read = await Promise.all(
      runIds.map((run_id) => limit(() => readRunSeries(store, { run_id, metric_keys: keys, ...window }, { settings: SERIAL_PLAN }))),
    )
    return { precision: 'exact', series: pairs.map(({ run_id, key }): CompareSeries => ({ run_id, key, ...read[runIds.indexOf(run_id)].get(key)! })) }
  }
  const [runs, answer] = await Promise.all([runsRead, seriesRead()])
  return { precision: answer.precision, runs, series: answer.series }
}

/**
 * Whether the series hold more than `above` points together, about: each run's latest step of each
 * key, plus one (latest_metrics; a store without it: assumed long). Shorter ones are read exactly
 * at once, in about the time a preview would take.
 */
async function longEnough(store: StoreHandle, runIds: string[], keys: string[], above: number): Promise<boolean> {
  if (!store.capabilities.latestMetrics) return true
  const [{ n }] = await store.select<{ n: string }>(
    'SELECT coalesce(sum(greatest(step, 0) + 1), 0) AS n FROM latest_metrics WHERE run_uuid = ANY($1::text[]) AND key = ANY($2::text[])',
    [runIds, keys],
  )
  return Number(n) > above
}
