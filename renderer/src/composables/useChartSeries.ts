import { markRaw, watch, type Ref } from 'vue'
import type { CompareSeries } from '@shared/api/contract'
import { MAX_COMPARE_KEYS } from '@shared/api/contract'
import { api } from '@/api'
import { createBatcher, type Batcher } from '@/utils/batcher'
import { withRefreshedSeries } from '@/utils/liveRuns'

/** Points per series: a grid card is about half as wide as a Compare chart, which asks for 1,000. */
export const CHART_VIEW_POINTS = 500
/** Charts whose series stay in memory for a scroll back (the least recently drawn go first). */
const CACHE_CHARTS = 150
/** Charts that scroll in together are asked for in one call. */
const BATCH_MS = 30

/**
 * The chart view's series, read as its charts come near the screen: the keys of
 * the charts that ask in one moment go in one metrics:compare call (the Compare
 * page's channel, downsampled in SQL), for the runs charted now. Answers are
 * kept for a scroll back; other runs start afresh.
 */
export function useChartSeries(runIds: Ref<string[]>) {
  let cache = new Map<string, CompareSeries[]>()
  let batcher = make(runIds.value)

  function make(ids: string[]): Batcher<string, CompareSeries[]> {
    return createBatcher<string, CompareSeries[]>(
      async (keys, signal) => {
        const res = await api.call('metrics:compare', { run_ids: ids, metric_keys: keys, max_points: CHART_VIEW_POINTS }, { signal })
        const byKey = new Map<string, CompareSeries[]>(keys.map((k) => [k, []]))
        for (const s of res.series) byKey.get(s.key)?.push(s)
        return byKey
      },
      { max: MAX_COMPARE_KEYS, delayMs: BATCH_MS },
    )
  }

  watch(
    () => runIds.value.join(','),
    () => {
      cache = new Map()
      batcher = make(runIds.value)
    },
  )

  /** This metric's series of the charted runs (from memory when read before for them). */
  async function seriesOf(key: string, signal: AbortSignal): Promise<CompareSeries[]> {
    const hit = cache.get(key)
    if (hit) {
      cache.delete(key)
      cache.set(key, hit)
      return hit
    }
    const asked = cache
    const series = markRaw(await batcher.get(key, signal))
    if (asked === cache) {
      cache.set(key, series)
      if (cache.size > CACHE_CHARTS) cache.delete(cache.keys().next().value!)
    }
    return series
  }

  /** One metric's series for a step window (a zoomed chart). */
  async function loadWindow(key: string, fromStep: number, toStep: number, signal: AbortSignal): Promise<CompareSeries[]> {
    const res = await api.call(
      'metrics:compare',
      { run_ids: runIds.value, metric_keys: [key], max_points: CHART_VIEW_POINTS, from_step: fromStep, to_step: toStep },
      { signal },
    )
    return res.series
  }

  /** The charts refreshed on one live tick ask together: one call for the runs still going. */
  let live: { ids: string; batcher: Batcher<string, CompareSeries[]> } | null = null

  /** A chart's series with those of the runs a live refresh read again read again too (kept for a scroll back). */
  async function refreshOf(key: string, current: CompareSeries[], refreshed: string[], signal: AbortSignal): Promise<CompareSeries[]> {
    const ids = refreshed.join(',')
    if (live?.ids !== ids) live = { ids, batcher: make(refreshed) }
    const asked = cache
    const series = markRaw(withRefreshedSeries(current, await live.batcher.get(key, signal), refreshed))
    if (asked === cache && cache.has(key)) cache.set(key, series)
    return series
  }

  return { seriesOf, loadWindow, refreshOf }
}
