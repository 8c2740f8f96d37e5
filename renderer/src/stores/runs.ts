import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Run, RunColumns, ViewType } from '@shared/domain/mlflow'
import { AppError } from '@shared/api/errors'
import { api } from '@/api'
import { commonMetricKeys } from '@/utils/runValues'

/** Runs per keyset page: big enough to fill a screen many times, small enough to come back at once. */
export const PAGE_SIZE = 250

/** One search of the runs table, as the route holds it. */
export interface RunsQuery {
  experimentIds: string[]
  view: ViewType
  /** MLflow filter string; '' for none. */
  filter: string
  /** MLflow order_by entries; [] for MLflow's default order. */
  orderBy: string[]
}

/** A filter or order_by the server refused: shown at the filter bar, not as a page error. */
export function isQueryError(e: unknown): e is AppError {
  if (!(e instanceof AppError)) return false
  const field = e.details?.field ?? ''
  return e.code === 'INVALID_FILTER' || (e.code === 'BAD_REQUEST' && /^(filter|order_by)/.test(field))
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join(',') === [...b].sort().join(',')

/** The runs of the chosen experiments for one filter and order, one keyset page at a time, with their count. */
export const useRunsStore = defineStore('runs', () => {
  const query = ref<RunsQuery>({ experimentIds: [], view: 'active', filter: '', orderBy: [] })
  const runs = ref<Run[]>([])
  const nextToken = ref<string | null>(null)
  const loading = ref(false)
  const loadingMore = ref(false)
  /** Anything but a refused filter: the page shows it in place of the table. */
  const error = ref<unknown>(null)
  /** The server refused the filter or order_by (INVALID_FILTER, with its position). */
  const queryError = ref<AppError | null>(null)
  /** Runs matching the search over all pages; null until counted. */
  const total = ref<number | null>(null)
  const counting = ref(false)
  /** Metric, param and tag keys of the chosen experiments (for columns and autocomplete). */
  const columns = ref<RunColumns | null>(null)
  /** Metric keys most logged in the first page: the default metric columns. */
  const leadingMetrics = ref<string[]>([])
  /** Run ids ticked in the table; kept across filters and sorts, dropped with the experiment set. */
  const checked = ref<string[]>([])
  let seq = 0
  let columnsFor = ''

  const loadedCount = computed(() => runs.value.length)
  const hasMore = computed(() => nextToken.value !== null)

  function request(q: RunsQuery) {
    return {
      experiment_ids: q.experimentIds,
      view: q.view,
      filter: q.filter.trim() || null,
      order_by: q.orderBy.length ? q.orderBy : null,
    }
  }

  /** Show this search: the first page, and in parallel its count (and the columns when the experiments changed). */
  async function search(q: RunsQuery, opts: { refreshColumns?: boolean } = {}) {
    const mine = ++seq
    if (!sameSet(q.experimentIds, query.value.experimentIds)) checked.value = []
    query.value = { ...q, experimentIds: [...q.experimentIds], orderBy: [...q.orderBy] }
    loading.value = true
    loadingMore.value = false
    error.value = null
    queryError.value = null
    runs.value = []
    nextToken.value = null
    total.value = null
    const columnsKey = `${[...q.experimentIds].sort().join(',')}|${q.view}`
    if (opts.refreshColumns || columnsKey !== columnsFor) void loadColumns(columnsKey)
    void count(mine, q)
    try {
      const page = await api.call('runs:search', { ...request(q), max_results: PAGE_SIZE })
      if (mine !== seq) return
      runs.value = page.runs
      nextToken.value = page.next_page_token
      leadingMetrics.value = commonMetricKeys(page.runs)
    } catch (e) {
      if (mine !== seq) return
      if (isQueryError(e)) queryError.value = e
      else error.value = e
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  async function count(mine: number, q: RunsQuery) {
    counting.value = true
    try {
      const res = await api.call('runs:count', { experiment_ids: q.experimentIds, view: q.view, filter: q.filter.trim() || null })
      if (mine === seq) total.value = res.count
    } catch {
      // The page search reports what is wrong; the count only goes missing.
    } finally {
      if (mine === seq) counting.value = false
    }
  }

  async function loadColumns(key: string) {
    columnsFor = key
    columns.value = null
    try {
      const res = await api.call('runs:columns', { experiment_ids: query.value.experimentIds, view: query.value.view })
      if (columnsFor === key) columns.value = res
    } catch {
      // Without discovered keys the table still shows the keys of the loaded runs.
      if (columnsFor === key) columnsFor = ''
    }
  }

  /** The next keyset page, appended (the table calls this near its end). */
  async function loadMore() {
    if (!nextToken.value || loadingMore.value || loading.value) return
    const mine = seq
    loadingMore.value = true
    try {
      const page = await api.call('runs:search', { ...request(query.value), max_results: PAGE_SIZE, page_token: nextToken.value })
      if (mine !== seq) return
      runs.value = runs.value.concat(page.runs)
      nextToken.value = page.next_page_token
    } catch (e) {
      if (mine === seq) error.value = e
    } finally {
      if (mine === seq) loadingMore.value = false
    }
  }

  function reload() {
    return search(query.value, { refreshColumns: true })
  }

  function setChecked(ids: string[]) {
    checked.value = ids
  }

  /** Another store is shown: drop this one's runs (and any page still on its way). */
  function reset() {
    seq++
    columnsFor = ''
    query.value = { experimentIds: [], view: 'active', filter: '', orderBy: [] }
    runs.value = []
    nextToken.value = null
    loading.value = false
    loadingMore.value = false
    error.value = null
    queryError.value = null
    total.value = null
    counting.value = false
    columns.value = null
    leadingMetrics.value = []
    checked.value = []
  }

  return {
    query,
    runs,
    nextToken,
    loading,
    loadingMore,
    error,
    queryError,
    total,
    counting,
    columns,
    leadingMetrics,
    checked,
    loadedCount,
    hasMore,
    search,
    loadMore,
    reload,
    setChecked,
    reset,
  }
})

if (import.meta.hot) import.meta.hot.accept()
