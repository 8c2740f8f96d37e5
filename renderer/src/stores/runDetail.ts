import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { MetricHistoryResponse, MetricsSummaryResponse, RunRelatedResponse } from '@shared/api/contract'
import type { Metric, Run } from '@shared/domain/mlflow'
import { api } from '@/api'
import { useLatestRequest } from '@/composables/useLatestRequest'
import { KEY_METRIC_POINTS, KEY_METRICS_SHOWN } from '@shared/domain/keyMetrics'

/** Rows asked for per metrics:history page; a history is read to its end. */
const HISTORY_PAGE = 25_000
/** Histories fetched at once: a run with many metrics must not flood the store when its table scrolls. */
const MAX_PARALLEL_HISTORIES = 4

export interface HistoryState {
  status: 'loading' | 'ready' | 'error'
  points: Metric[]
  error: unknown
}

/** One run as its detail page shows it: the run, its relations, and metric histories read on demand. */
export const useRunDetailStore = defineStore('runDetail', () => {
  const runId = ref<string | null>(null)
  const run = ref<Run | null>(null)
  /** The run; its metric histories follow it (aborted with it). */
  const runRequest = useLatestRequest()
  const { loading, error } = runRequest
  const related = ref<RunRelatedResponse | null>(null)
  const relatedRequest = useLatestRequest()
  const { loading: relatedLoading, error: relatedError } = relatedRequest
  /**
   * The Overview's key metrics as the server picks them (no pinned charts), asked for beside the
   * run rather than after it: the Overview uses them when its own pick is the same.
   */
  const keySummaryRequest = useLatestRequest<MetricsSummaryResponse>()
  const { data: keySummary, error: keySummaryError } = keySummaryRequest
  /** The run the key metrics were asked for (while on the way too); null when not asked. */
  const keySummaryRunId = ref<string | null>(null)
  /** Metric key -> its full history, for the run shown. */
  const histories = ref<Record<string, HistoryState>>({})
  let running = 0
  const waiting: Array<() => void> = []

  /** The run last preloaded (by the navigation to its page), until its page takes it or anything else is loaded. */
  let preloaded: string | null = null

  async function load(id: string, opts: { keyMetrics?: boolean } = {}) {
    preloaded = null
    keySummaryRunId.value = opts.keyMetrics ? id : null
    keySummaryRequest.reset()
    if (opts.keyMetrics)
      void keySummaryRequest.run((signal) =>
        api.call('metrics:summary', { run_id: id, pick: { limit: KEY_METRICS_SHOWN, first: [] }, points: KEY_METRIC_POINTS }, { signal }),
      )
    runId.value = id
    run.value = null
    related.value = null
    histories.value = {}
    // The relations are a second, independent read: a failure there leaves the run readable.
    const relations = relatedRequest.run((signal) => api.call('runs:related', { run_id: id }, { signal }), { apply: (r) => (related.value = r) })
    await runRequest.run((signal) => api.call('runs:get', { run_id: id }, { signal }), { apply: (res) => (run.value = res.run) })
    await relations
  }

  /** `load`, started by the navigation to the run's page (see routePreload). */
  function preload(id: string, opts: { keyMetrics?: boolean } = {}) {
    void load(id, opts)
    preloaded = id
  }

  /** Whether this run's reads were started by the navigation to its page (then the page leaves them be); once. */
  function takePreload(id: string): boolean {
    const hit = preloaded === id
    preloaded = null
    return hit
  }

  async function slot(): Promise<() => void> {
    if (running >= MAX_PARALLEL_HISTORIES) await new Promise<void>((resolve) => waiting.push(resolve))
    running++
    return () => {
      running--
      waiting.shift()?.()
    }
  }

  /** The metric's whole history (every page), read once per run shown; callers share one read. */
  async function loadHistory(key: string): Promise<void> {
    const id = runId.value
    const known = histories.value[key]
    if (!id || (known && known.status !== 'error')) return
    histories.value[key] = { status: 'loading', points: [], error: null }
    await runRequest.follow(
      async (signal) => {
        const release = await slot()
        try {
          const points: Metric[] = []
          let token: string | null = null
          do {
            const page: MetricHistoryResponse = await api.call(
              'metrics:history',
              { run_id: id, metric_key: key, max_results: HISTORY_PAGE, page_token: token },
              { signal },
            )
            points.push(...page.metrics)
            token = page.next_page_token
          } while (token)
          return points
        } finally {
          release()
        }
      },
      {
        apply: (points) => (histories.value[key] = { status: 'ready', points, error: null }),
        fail: (e) => (histories.value[key] = { status: 'error', points: [], error: e }),
      },
    )
  }

  /** The run's page is left: stop reading it (the page loads it again when shown). */
  function abort() {
    runRequest.abort()
    relatedRequest.abort()
    keySummaryRequest.abort()
  }

  /** Another store is shown: forget this run (and abort any answer still on its way). */
  function reset() {
    runRequest.reset()
    relatedRequest.reset()
    keySummaryRequest.reset()
    keySummaryRunId.value = null
    runId.value = null
    run.value = null
    related.value = null
    histories.value = {}
  }

  return {
    runId,
    run,
    loading,
    error,
    related,
    relatedLoading,
    relatedError,
    keySummary,
    keySummaryError,
    keySummaryRunId,
    histories,
    load,
    preload,
    takePreload,
    loadHistory,
    abort,
    reset,
  }
})

if (import.meta.hot) import.meta.hot.accept()
