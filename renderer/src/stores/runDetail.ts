import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { MetricHistoryResponse, RunRelatedResponse } from '@shared/api/contract'
import type { Metric, Run } from '@shared/domain/mlflow'
import { api } from '@/api'

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
  const loading = ref(false)
  const error = ref<unknown>(null)
  const related = ref<RunRelatedResponse | null>(null)
  const relatedLoading = ref(false)
  const relatedError = ref<unknown>(null)
  /** Metric key -> its full history, for the run shown. */
  const histories = ref<Record<string, HistoryState>>({})
  let seq = 0
  let running = 0
  const waiting: Array<() => void> = []

  async function load(id: string) {
    const mine = ++seq
    runId.value = id
    run.value = null
    related.value = null
    histories.value = {}
    error.value = null
    relatedError.value = null
    loading.value = true
    relatedLoading.value = true
    // The relations are a second, independent read: a failure there leaves the run readable.
    const relations = api
      .call('runs:related', { run_id: id })
      .then((r) => {
        if (mine === seq) related.value = r
      })
      .catch((e) => {
        if (mine === seq) relatedError.value = e
      })
      .finally(() => {
        if (mine === seq) relatedLoading.value = false
      })
    try {
      const res = await api.call('runs:get', { run_id: id })
      if (mine === seq) run.value = res.run
    } catch (e) {
      if (mine === seq) error.value = e
    } finally {
      if (mine === seq) loading.value = false
    }
    await relations
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
    const mine = seq
    histories.value[key] = { status: 'loading', points: [], error: null }
    const release = await slot()
    try {
      const points: Metric[] = []
      let token: string | null = null
      do {
        const page: MetricHistoryResponse = await api.call('metrics:history', { run_id: id, metric_key: key, max_results: HISTORY_PAGE, page_token: token })
        if (mine !== seq) return
        points.push(...page.metrics)
        token = page.next_page_token
      } while (token)
      histories.value[key] = { status: 'ready', points, error: null }
    } catch (e) {
      if (mine === seq) histories.value[key] = { status: 'error', points: [], error: e }
    } finally {
      release()
    }
  }

  /** Another store is shown: forget this run (and any answer still on its way). */
  function reset() {
    seq++
    runId.value = null
    run.value = null
    related.value = null
    histories.value = {}
    loading.value = false
    relatedLoading.value = false
    error.value = null
    relatedError.value = null
  }

  return { runId, run, loading, error, related, relatedLoading, relatedError, histories, load, loadHistory, reset }
})

if (import.meta.hot) import.meta.hot.accept()
