import { computed, onScopeDispose, shallowRef, watch, type Ref } from 'vue'
import type { Run } from '@shared/domain/mlflow'
import { api } from '@/api'
import type { RunsQuery } from '@/stores/runs'
import { LIVE_PREFS_KEY, loadLivePrefs, saveLivePrefs } from '@/utils/livePrefs'
import { MAX_NEW_RUNS, changedRuns, liveRunIds, newestStart, runIdsFilter, startedSinceFilter, unseenRuns } from '@/utils/liveRuns'
import { useLatestRequest } from './useLatestRequest'
import { useStoredPrefs } from './useStoredPrefs'

/** One refresh done: the runs read again that changed (charts read their lines again on it). */
export interface LiveRefresh {
  seq: number
  runIds: string[]
  at: number
}

const hidden = () => typeof document !== 'undefined' && document.visibilityState === 'hidden'

/**
 * The runs page's live refresh. While the loaded runs hold some still RUNNING (or
 * SCHEDULED), every interval (the user's setting, 10 s unless changed) one call reads
 * those runs again by id and one asks for runs of the same search started since the
 * newest known; `apply` folds both in (new runs at the top). Nothing runs while the
 * window is hidden (a tick that fell due then comes as it shows again), while the
 * page loads or fails, or while the user paused it. A run read back finished is not
 * asked for again, and with none left going the timer stops.
 */
export function useLiveRuns(input: { runs: Ref<Run[]>; query: Ref<RunsQuery>; ready: Ref<boolean>; apply: (fresh: Run[], added: Run[]) => void }) {
  const { prefs } = useStoredPrefs(
    () => LIVE_PREFS_KEY,
    (storage) => loadLivePrefs(storage),
    (storage, _key, value) => saveLivePrefs(storage, value),
    [],
  )
  const liveIds = computed(() => liveRunIds(input.runs.value))
  /** There is something to refresh (shown as the indicator, paused or not). */
  const active = computed(() => input.ready.value && liveIds.value.length > 0)
  const running = computed(() => active.value && !prefs.value.paused)
  const last = shallowRef<LiveRefresh | null>(null)
  const read = useLatestRequest<unknown>()
  const { loading: refreshing, error } = read

  /** The start time new runs are asked for from; null until known for this search. */
  let watermark: number | null = null
  let dueAt = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let seq = 0

  function schedule(delayMs = prefs.value.intervalSec * 1000) {
    clearTimeout(timer)
    timer = undefined
    if (!running.value) return
    dueAt = Date.now() + delayMs
    if (!hidden()) timer = setTimeout(() => void tick(), delayMs)
  }

  async function tick() {
    timer = undefined
    if (!running.value || hidden()) return
    const q = input.query.value
    const ids = liveIds.value
    // MLflow's default order puts the newest first, so the loaded runs know the newest; another
    // order may not have loaded it: the first tick then only learns where "new" starts.
    let since = watermark ?? (q.orderBy.length ? null : newestStart(input.runs.value))
    const baseline = since === null
    await read.run(
      (signal) =>
        Promise.all([
          api.call('runs:search', { experiment_ids: q.experimentIds, view: 'all', filter: runIdsFilter(ids), max_results: ids.length }, { signal }),
          api.call(
            'runs:search',
            {
              experiment_ids: q.experimentIds,
              view: q.view,
              filter: baseline ? q.filter.trim() || null : startedSinceFilter(q.filter, since!),
              order_by: ['attributes.start_time DESC'],
              max_results: baseline ? 1 : MAX_NEW_RUNS,
            },
            { signal },
          ),
        ]),
      {
        apply: ([fresh, found]) => {
          const added = baseline ? [] : unseenRuns(input.runs.value, found.runs)
          since = Math.max(since ?? 0, newestStart(found.runs) ?? 0)
          watermark = since
          const changed = changedRuns(input.runs.value, fresh.runs)
          input.apply(changed, added)
          last.value = { seq: ++seq, runIds: changed.map((r) => r.info.run_id), at: Date.now() }
        },
      },
    )
    if (timer === undefined) schedule()
  }

  /** A new search (or a reload): what is new is counted from it again. */
  watch(input.query, () => {
    watermark = null
    read.abort()
  })
  // Immediately too: the page may open on runs already loaded and going (back from a run, or a
  // search the navigation started before the page mounted).
  watch([running, () => prefs.value.intervalSec], () => schedule(), { immediate: true })

  function onVisibility() {
    if (hidden()) {
      clearTimeout(timer)
      timer = undefined
    } else if (running.value && timer === undefined && !refreshing.value) schedule(Math.max(0, dueAt - Date.now()))
  }
  document.addEventListener('visibilitychange', onVisibility)
  onScopeDispose(() => {
    document.removeEventListener('visibilitychange', onVisibility)
    clearTimeout(timer)
  })

  /** Refresh at once (the interval starts again from it). */
  function refreshNow() {
    if (!active.value) return
    clearTimeout(timer)
    timer = undefined
    void tick()
  }

  return { prefs, liveIds, active, running, last, refreshing, error, refreshNow }
}

/**
 * Run `change` (which adds rows at the top of a scrolled list) so that what was on screen
 * stays there: the scroll moves down by what the list grew. At the very top it stays at the
 * top, and the new rows show.
 */
export function keepingScroll(scroller: HTMLElement | null | undefined, change: () => void, settled: () => Promise<void>): void {
  const top = scroller?.scrollTop ?? 0
  const height = scroller?.scrollHeight ?? 0
  change()
  if (!scroller || top <= 0) return
  void settled().then(() => {
    scroller.scrollTop = top + (scroller.scrollHeight - height)
  })
}
