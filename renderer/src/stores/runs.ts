import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { Run, RunColumns, ViewType } from '@shared/domain/mlflow'
import { AppError } from '@shared/api/errors'
import { RUNS_PAGE_SIZE } from '@shared/domain/pageSizes'
import { api } from '@/api'
import { useLatestRequest } from '@/composables/useLatestRequest'
import { withRefreshed } from '@/utils/liveRuns'

/** Runs per keyset page: big enough to fill a screen many times, small enough to come back at once. */
export const PAGE_SIZE = RUNS_PAGE_SIZE

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
  /**
   * Replaced whole, never changed in place: a shallow ref, so thousands of runs and their metrics,
   * params and tags are not wrapped in reactive proxies that every table cell read goes through.
   */
  const runs = shallowRef<Run[]>([])
  const nextToken = ref<string | null>(null)
  /** The first page of the search shown; its count and next pages follow it (and are aborted with it). */
  const page = useLatestRequest()
  /** Anything but a refused filter: the page shows it in place of the table. */
  const { loading, error } = page
  const loadingMore = ref(false)
  /** The server refused the filter or order_by (INVALID_FILTER, with its position). */
  const queryError = ref<AppError | null>(null)
  /** Runs matching the search over all pages; null until counted. */
  const total = ref<number | null>(null)
  const counting = ref(false)
  /** Metric, param and tag keys of the chosen experiments (for columns and autocomplete). */
  const columns = ref<RunColumns | null>(null)
  /** Run ids ticked in the table; kept across filters and sorts, dropped with the experiment set. */
  const checked = ref<string[]>([])
  /** The columns of the experiments shown, read only when those change. */
  const columnsRequest = useLatestRequest()
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
    if (!sameSet(q.experimentIds, query.value.experimentIds)) checked.value = []
    query.value = { ...q, experimentIds: [...q.experimentIds], orderBy: [...q.orderBy] }
    loadingMore.value = false
    queryError.value = null
    runs.value = []
    nextToken.value = null
    total.value = null
    const columnsKey = `${[...q.experimentIds].sort().join(',')}|${q.view}`
    const first = page.run((signal) => api.call('runs:search', { ...request(q), max_results: PAGE_SIZE }, { signal }), {
      apply: (res) => {
        runs.value = res.runs
        nextToken.value = res.next_page_token
      },
      fail: (e) => {
        if (isQueryError(e)) queryError.value = e
        else error.value = e
      },
    })
    if (opts.refreshColumns || columnsKey !== columnsFor) void loadColumns(columnsKey)
    void count(q)
    await first
  }

  /** The search shown (or on its way) is this one: same experiments in the same order, filter, order and view. */
  function isShown(q: RunsQuery): boolean {
    const k = query.value
    return (
      k.experimentIds.join(',') === q.experimentIds.join(',') &&
      k.view === q.view &&
      k.filter.trim() === q.filter.trim() &&
      k.orderBy.join('\n') === q.orderBy.join('\n')
    )
  }

  /**
   * `search`, started by the navigation to the runs page (see routePreload) so the first page
   * comes while the page's code loads. Nothing when this search is shown already or on its way
   * (back from a run, the table is as it was left); the page then leaves it be.
   */
  function preload(q: RunsQuery): void {
    if (isShown(q) && !error.value && (loading.value || runs.value.length || queryError.value)) return
    void search(q)
  }

  async function count(q: RunsQuery) {
    counting.value = true
    await page.follow((signal) => api.call('runs:count', { experiment_ids: q.experimentIds, view: q.view, filter: q.filter.trim() || null }, { signal }), {
      apply: (res) => (total.value = res.count),
      // The page search reports what is wrong; the count only goes missing.
      fail: () => undefined,
      settle: () => (counting.value = false),
    })
  }

  async function loadColumns(key: string) {
    columnsFor = key
    columns.value = null
    await columnsRequest.run((signal) => api.call('runs:columns', { experiment_ids: query.value.experimentIds, view: query.value.view }, { signal }), {
      apply: (res) => (columns.value = res),
      // Without discovered keys the table still shows the keys of the loaded runs.
      fail: () => (columnsFor = ''),
    })
  }

  /** The next keyset page, appended (the table calls this near its end). */
  async function loadMore() {
    if (!nextToken.value || loadingMore.value || loading.value) return
    loadingMore.value = true
    const token = nextToken.value
    await page.follow((signal) => api.call('runs:search', { ...request(query.value), max_results: PAGE_SIZE, page_token: token }, { signal }), {
      apply: (res) => {
        // A run the live refresh put at the top may come again in its place further down.
        const known = new Set(runs.value.map((r) => r.info.run_id))
        runs.value = runs.value.concat(res.runs.filter((r) => !known.has(r.info.run_id)))
        nextToken.value = res.next_page_token
      },
      settle: () => (loadingMore.value = false),
    })
  }

  /** The runs page is left: stop its reads. What was read stays (back from a run, the table is as it was left). */
  function abort() {
    if (columnsRequest.loading.value) columnsFor = ''
    columnsRequest.abort()
    page.abort()
    loadingMore.value = false
    counting.value = false
  }

  function reload() {
    return search(query.value, { refreshColumns: true })
  }

  /**
   * A live refresh's answer (see useLiveRuns): the runs read again put in their places, the
   * runs started since put at the top. Nothing else moves; the selection and the pages stay.
   */
  function applyLive(fresh: Run[], added: Run[]) {
    const next = withRefreshed(runs.value, fresh)
    if (added.length) {
      runs.value = [...added, ...next]
      if (total.value !== null) total.value += added.length
    } else if (next !== runs.value) runs.value = next
  }

  function setChecked(ids: string[]) {
    checked.value = ids
  }

  /** Another store is shown: drop this one's runs (and any page still on its way). */
  function reset() {
    page.reset()
    columnsRequest.reset()
    columnsFor = ''
    query.value = { experimentIds: [], view: 'active', filter: '', orderBy: [] }
    runs.value = []
    nextToken.value = null
    loadingMore.value = false
    queryError.value = null
    total.value = null
    counting.value = false
    columns.value = null
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
    checked,
    loadedCount,
    hasMore,
    search,
    preload,
    isShown,
    loadMore,
    reload,
    setChecked,
    applyLive,
    abort,
    reset,
  }
})

if (import.meta.hot) import.meta.hot.accept()
