import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { CompareSeries } from '@shared/api/contract'
import type { Run } from '@shared/domain/mlflow'
import { api } from '@/api'
import { useLatestRequest } from '@/composables/useLatestRequest'
import { DEFAULT_METRIC_COUNT, commonMetricKeys } from '@/utils/runValues'
import { useRunsStore } from './runs'

/** After the next frame has been painted (a macrotask after requestAnimationFrame; a plain macrotask where there are no frames). */
function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    const later = () => setTimeout(resolve, 0)
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(later)
    else later()
  })
}

export interface CompareLoad {
  runIds: string[]
  metricKeys: string[]
  maxPoints: number
}

/** The runs being compared and every (run, metric) series, downsampled in SQL to the point budget. */
export const useCompareStore = defineStore('compare', () => {
  const runIds = ref<string[]>([])
  const metricKeys = ref<string[]>([])
  const maxPoints = ref(1000)
  // Shallow: thousands of points are replaced whole, never edited; deep proxies made drawing them seconds slower.
  const runs = shallowRef<Run[]>([])
  const series = shallowRef<CompareSeries[]>([])
  const chart = useLatestRequest()
  const { loading, error } = chart
  /** The series shown are a preview; the exact ones are on their way. */
  const refining = ref(false)
  /** Run ids (or `group:<value>`) hidden from every chart by a legend click. */
  const hidden = ref<string[]>([])
  /** The route query of the comparison last shown (the sidebar links back to it). */
  const lastQuery = ref<Record<string, string>>({})
  let loadedFor = ''
  /** The load on its way and what it was asked: the same ask again (the page, after its navigation started it) waits for it. */
  let pending: { key: string; keys: Promise<string[]> } | null = null

  /** Every metric key the runs logged, for the picker. */
  const availableKeys = computed(() => commonMetricKeys(runs.value).sort((a, b) => a.localeCompare(b)))
  const runById = computed(() => new Map(runs.value.map((r) => [r.info.run_id, r])))

  /** The runs' latest metrics: from the runs table when it has them all, else from the server. */
  async function knownRuns(ids: string[], signal: AbortSignal): Promise<Run[]> {
    const table = new Map(useRunsStore().runs.map((r) => [r.info.run_id, r]))
    if (ids.every((id) => table.has(id))) return ids.map((id) => table.get(id)!)
    return (await api.call('metrics:compare', { run_ids: ids, metric_keys: [], max_points: 10 }, { signal })).runs
  }

  /** The keys to chart when none were chosen. */
  async function defaultKeys(ids: string[], signal: AbortSignal): Promise<string[]> {
    return commonMetricKeys(await knownRuns(ids, signal)).slice(0, DEFAULT_METRIC_COUNT)
  }

  /**
   * Show this comparison. Without metric keys, picks the most common ones and
   * returns them (the page writes them into its link). Starting another aborts this one: only the
   * latest comparison's answers are drawn. A step that draws before the end (the keys, the preview)
   * first checks that its signal still stands.
   */
  function load(req: CompareLoad, opts: { force?: boolean } = {}): Promise<string[]> {
    const key = JSON.stringify(req)
    if (!opts.force && pending?.key === key) return pending.keys
    const keys = loadNow(req, opts)
    const done = () => void (pending?.keys === keys && (pending = null))
    pending = { key, keys }
    keys.then(done, done)
    return keys
  }

  /** `load`, started by the navigation to the compare page (routePreload), so the series come while the page's code loads. */
  function preload(req: CompareLoad): void {
    void load(req)
  }

  async function loadNow(req: CompareLoad, opts: { force?: boolean }): Promise<string[]> {
    const key = JSON.stringify(req)
    if (!opts.force && key === loadedFor && !error.value) return metricKeys.value
    loadedFor = key
    if (req.runIds.join(',') !== runIds.value.join(',')) hidden.value = []
    runIds.value = [...req.runIds]
    maxPoints.value = req.maxPoints
    refining.value = false
    const drawn = await chart.run(
      async (signal) => {
        if (!req.runIds.length) return { keys: [], runs: [], series: [] }
        const keys = req.metricKeys.length ? req.metricKeys : await defaultKeys(req.runIds, signal)
        signal.throwIfAborted()
        metricKeys.value = keys
        // The page writes the defaults into its link; that load is this one.
        loadedFor = JSON.stringify({ ...req, metricKeys: keys })
        if (!keys.length) return { keys, runs: await knownRuns(req.runIds, signal), series: [] }
        const ask = { run_ids: req.runIds, metric_keys: keys, max_points: req.maxPoints }
        // A preview first: the service answers exactly at once where the histories are short, or where it cannot preview in time.
        const preview = await api.call('metrics:compare', { ...ask, precision: 'preview' }, { signal })
        signal.throwIfAborted()
        if (preview.precision === 'exact') return { keys, runs: preview.runs, series: preview.series }
        runs.value = preview.runs
        series.value = preview.series
        refining.value = true
        loading.value = false
        // The exact read keeps the store's server busy for seconds: let the preview be drawn before asking for it.
        await afterPaint()
        signal.throwIfAborted()
        // The preview brought the runs: the exact answer is the series alone.
        const res = await api.call('metrics:compare', { ...ask, precision: 'exact', include_runs: false }, { signal })
        return { keys, runs: preview.runs, series: res.series }
      },
      {
        apply: (r) => {
          metricKeys.value = r.keys
          runs.value = r.runs
          series.value = r.series
          refining.value = false
        },
        fail: (e) => {
          error.value = e
          loadedFor = ''
          refining.value = false
        },
      },
    )
    return drawn?.keys ?? req.metricKeys
  }

  /** The comparison is left: stop its reads; an unfinished one is read again when shown. */
  function abort() {
    if (loading.value || refining.value) loadedFor = ''
    chart.abort()
    refining.value = false
  }

  function reload() {
    return load({ runIds: runIds.value, metricKeys: metricKeys.value, maxPoints: maxPoints.value }, { force: true })
  }

  /** One metric's series of every run for a step window (a zoomed chart); the caller aborts a window it no longer shows. */
  async function loadWindow(metricKey: string, fromStep: number, toStep: number, signal?: AbortSignal): Promise<CompareSeries[]> {
    const res = await api.call(
      'metrics:compare',
      { run_ids: runIds.value, metric_keys: [metricKey], max_points: maxPoints.value, from_step: fromStep, to_step: toStep },
      { signal },
    )
    return res.series
  }

  function toggleHidden(id: string) {
    hidden.value = hidden.value.includes(id) ? hidden.value.filter((h) => h !== id) : [...hidden.value, id]
  }

  function showAll() {
    hidden.value = []
  }

  return {
    preload,
    lastQuery,
    runIds,
    metricKeys,
    maxPoints,
    runs,
    series,
    loading,
    refining,
    error,
    hidden,
    availableKeys,
    runById,
    load,
    reload,
    abort,
    loadWindow,
    toggleHidden,
    showAll,
  }
})

if (import.meta.hot) import.meta.hot.accept()
