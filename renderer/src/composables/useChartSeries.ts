import { markRaw, onScopeDispose, watch, type Ref } from 'vue'
import type { CompareSeries } from '@shared/api/contract'
import { MAX_COMPARE_KEYS } from '@shared/domain/requestLimits'
import { api, untilAborted } from '@/api'
import { createBatcher, type Batcher } from '@/utils/batcher'
import { withRefreshedSeries } from '@/utils/liveRuns'
import { arrangeCharts, settingsOf, type ChartKeys, type ChartLayout } from '@/utils/chartLayout'
import { firstScreenKeys } from '@/utils/chartRows'

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
  /** Series asked for ahead of their charts (prefetch), until answered; a chart asking meanwhile waits for them. */
  let pending = new Map<string, Promise<CompareSeries[]>>()
  let ahead = new AbortController()

  /** The series of `keys` for the runs `ids`, in one metrics:compare call, by key. */
  function readMany(ids: string[]) {
    return async (keys: string[], signal: AbortSignal): Promise<Map<string, CompareSeries[]>> => {
      const res = await api.call('metrics:compare', { run_ids: ids, metric_keys: keys, max_points: CHART_VIEW_POINTS, include_runs: false }, { signal })
      const byKey = new Map<string, CompareSeries[]>(keys.map((k) => [k, []]))
      for (const s of res.series) byKey.get(s.key)?.push(s)
      return byKey
    }
  }
  function make(ids: string[]): Batcher<string, CompareSeries[]> {
    return createBatcher<string, CompareSeries[]>(readMany(ids), { max: MAX_COMPARE_KEYS, delayMs: BATCH_MS })
  }

  /**
   * Other runs: start afresh. Called by every reader too, so a read made in the same tick as the
   * change (a prefetch from a sync watcher, say) is made for the new runs and not dropped after.
   */
  let ids = runIds.value.join(',')
  function sameRuns() {
    const now = runIds.value.join(',')
    if (now === ids) return
    ids = now
    ahead.abort()
    ahead = new AbortController()
    pending = new Map()
    cache = new Map()
    batcher = make(runIds.value)
  }
  watch(() => runIds.value.join(','), sameRuns)
  onScopeDispose(() => ahead.abort())

  function remember(key: string, series: CompareSeries[]) {
    cache.delete(key)
    cache.set(key, series)
    if (cache.size > CACHE_CHARTS) cache.delete(cache.keys().next().value!)
  }

  /**
   * Ask now for these charts' series, before their cards are in the page (the first screen of a
   * grid about to open): the answer is on its way while the page renders. Until the runs change.
   */
  function prefetch(keys: readonly string[]): void {
    sameRuns()
    const asked = cache
    const wanted = [...new Set(keys)].filter((k) => !cache.has(k) && !pending.has(k))
    // Sent at once, not after the batch's wait: the page's render, about to start, would hold the timer back.
    for (let i = 0; i < wanted.length; i += MAX_COMPARE_KEYS) {
      const chunk = wanted.slice(i, i + MAX_COMPARE_KEYS)
      const answer = readMany(runIds.value)(chunk, ahead.signal)
      answer.catch(() => {})
      for (const key of chunk) {
        const read = answer.then((byKey) => {
          const series = markRaw(byKey.get(key) ?? [])
          if (asked === cache) remember(key, series)
          return series
        })
        const forget = () => {
          if (asked === cache) pending.delete(key)
        }
        read.then(forget, forget)
        pending.set(key, read)
      }
    }
  }

  /**
   * The first screen of line charts of the grid `place` about to show `keys` (arranged by `layout`
   * and `search` as the grid will): their series asked for now, so they come while it renders.
   */
  function prefetchFirstScreen(place: string, keys: ChartKeys, layout: ChartLayout, search: string): void {
    if (!keys.all.length) return
    const lines = (k: string) => {
      const kind = settingsOf(layout, k).kind
      return kind === 'line' || (kind === 'auto' && !keys.singleStep.has(k))
    }
    const sections = arrangeCharts(keys.all, layout, search)
    prefetch(firstScreenKeys(place, sections, new Set(layout.collapsed), { width: window.innerWidth, height: window.innerHeight }).filter(lines))
  }

  /** This metric's series of the charted runs (from memory when read before for them). */
  async function seriesOf(key: string, signal: AbortSignal): Promise<CompareSeries[]> {
    sameRuns()
    const hit = cache.get(key)
    if (hit) {
      remember(key, hit)
      return hit
    }
    const early = pending.get(key)
    if (early) return untilAborted(early, signal)
    const asked = cache
    const series = markRaw(await batcher.get(key, signal))
    if (asked === cache) remember(key, series)
    return series
  }

  /** One metric's series for a step window (a zoomed chart). */
  async function loadWindow(key: string, fromStep: number, toStep: number, signal: AbortSignal): Promise<CompareSeries[]> {
    const res = await api.call(
      'metrics:compare',
      { run_ids: runIds.value, metric_keys: [key], max_points: CHART_VIEW_POINTS, from_step: fromStep, to_step: toStep, include_runs: false },
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

  return { seriesOf, loadWindow, refreshOf, prefetch, prefetchFirstScreen }
}

export type ChartSeries = ReturnType<typeof useChartSeries>
