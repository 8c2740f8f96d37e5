import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Run, ViewType } from '@shared/domain/mlflow'
import { api } from '@/api'

const PAGE_SIZE = 200

/** Runs of the chosen experiments, one keyset page at a time. */
export const useRunsStore = defineStore('runs', () => {
  const experimentIds = ref<string[]>([])
  const view = ref<ViewType>('active')
  const runs = ref<Run[]>([])
  const nextToken = ref<string | null>(null)
  const loading = ref(false)
  const loadingMore = ref(false)
  const error = ref<unknown>(null)
  let seq = 0

  /** Metric keys present in the loaded runs, most common first: the table's metric columns. */
  const metricKeys = computed(() => {
    const counts = new Map<string, number>()
    for (const r of runs.value) for (const m of r.data.metrics) counts.set(m.key, (counts.get(m.key) ?? 0) + 1)
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([k]) => k)
  })

  async function load(ids: string[], v: ViewType = view.value) {
    const mine = ++seq
    experimentIds.value = ids
    view.value = v
    loading.value = true
    error.value = null
    runs.value = []
    nextToken.value = null
    try {
      const page = await api.call('runs:search', { experiment_ids: ids, view: v, max_results: PAGE_SIZE })
      if (mine !== seq) return
      runs.value = page.runs
      nextToken.value = page.next_page_token
    } catch (e) {
      if (mine === seq) error.value = e
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  async function loadMore() {
    if (!nextToken.value || loadingMore.value) return
    const mine = seq
    loadingMore.value = true
    try {
      const page = await api.call('runs:search', {
        experiment_ids: experimentIds.value,
        view: view.value,
        max_results: PAGE_SIZE,
        page_token: nextToken.value,
      })
      if (mine !== seq) return
      runs.value = [...runs.value, ...page.runs]
      nextToken.value = page.next_page_token
    } catch (e) {
      if (mine === seq) error.value = e
    } finally {
      loadingMore.value = false
    }
  }

  /** Another store is shown: drop this one's runs (and any page still on its way). */
  function reset() {
    seq++
    experimentIds.value = []
    runs.value = []
    nextToken.value = null
    loading.value = false
    loadingMore.value = false
    error.value = null
  }

  return { experimentIds, view, runs, nextToken, loading, loadingMore, error, metricKeys, load, loadMore, reset }
})

if (import.meta.hot) import.meta.hot.accept()
