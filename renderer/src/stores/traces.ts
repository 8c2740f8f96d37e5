import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { TraceColumns, TraceRow } from '@shared/domain/traces'
import type { AppError } from '@shared/api/errors'
import { TRACES_PAGE_SIZE } from '@shared/domain/pageSizes'
import { api } from '@/api'
import { useLatestRequest } from '@/composables/useLatestRequest'
import { isQueryError } from './runs'

/** One search of the Traces list, as the route holds it. */
export interface TracesQuery {
  experimentIds: string[]
  /** search_traces filter; '' for none. */
  filter: string
  /** One order_by entry; '' for MLflow's order (newest first). */
  order: string
}

const EMPTY: TracesQuery = { experimentIds: [], filter: '', order: '' }

/** The traces of the chosen experiments for one filter and order, one keyset page at a time. */
export const useTracesStore = defineStore('traces', () => {
  const query = ref<TracesQuery>({ ...EMPTY })
  const traces = ref<TraceRow[]>([])
  const nextToken = ref<string | null>(null)
  /** The first page of the search shown; the next pages follow it (and are aborted with it). */
  const page = useLatestRequest()
  const { loading, error } = page
  const loadingMore = ref(false)
  /** The server refused the filter or order (INVALID_FILTER, with its position). */
  const queryError = ref<AppError | null>(null)
  /** Tag and metadata keys, assessment names and the trace count of the chosen experiments. */
  const columns = ref<TraceColumns | null>(null)
  const columnsRequest = useLatestRequest()
  let columnsFor = ''

  const hasMore = computed(() => nextToken.value !== null)

  function request(q: TracesQuery) {
    return {
      experiment_ids: q.experimentIds,
      filter: q.filter.trim() || null,
      order_by: q.order.trim() ? [q.order.trim()] : null,
      max_results: TRACES_PAGE_SIZE,
    }
  }

  /** Show this search: its first page (and the experiments' columns when they changed). */
  async function search(q: TracesQuery, opts: { refreshColumns?: boolean } = {}) {
    query.value = { ...q, experimentIds: [...q.experimentIds] }
    loadingMore.value = false
    queryError.value = null
    traces.value = []
    nextToken.value = null
    const key = [...q.experimentIds].sort().join(',')
    const first = page.run((signal) => api.call('traces:search', request(q), { signal }), {
      apply: (res) => {
        traces.value = res.traces
        nextToken.value = res.next_page_token
      },
      fail: (e) => {
        if (isQueryError(e)) queryError.value = e
        else error.value = e
      },
    })
    if (opts.refreshColumns || key !== columnsFor) void loadColumns(key)
    await first
  }

  async function loadColumns(key: string) {
    columnsFor = key
    columns.value = null
    await columnsRequest.run((signal) => api.call('traces:columns', { experiment_ids: query.value.experimentIds }, { signal }), {
      apply: (res) => (columns.value = res),
      // Without them the list shows its fixed columns, and the assessments of the loaded traces.
      fail: () => (columnsFor = ''),
    })
  }

  /** The next keyset page, appended (the table asks for it well before its end). */
  async function loadMore() {
    if (!nextToken.value || loadingMore.value || loading.value) return
    loadingMore.value = true
    const token = nextToken.value
    await page.follow((signal) => api.call('traces:search', { ...request(query.value), page_token: token }, { signal }), {
      apply: (res) => {
        traces.value = traces.value.concat(res.traces)
        nextToken.value = res.next_page_token
      },
      settle: () => (loadingMore.value = false),
    })
  }

  function reload() {
    return search(query.value, { refreshColumns: true })
  }

  /** The page is left: stop its reads. What was read stays (back from a trace, the list is as it was left). */
  function abort() {
    if (columnsRequest.loading.value) columnsFor = ''
    columnsRequest.abort()
    page.abort()
    loadingMore.value = false
  }

  /** Another store is shown: drop this one's traces (and any page still on its way). */
  function reset() {
    page.reset()
    columnsRequest.reset()
    columnsFor = ''
    query.value = { ...EMPTY }
    traces.value = []
    nextToken.value = null
    loadingMore.value = false
    queryError.value = null
    columns.value = null
  }

  return { query, traces, nextToken, loading, loadingMore, error, queryError, columns, hasMore, search, loadMore, reload, abort, reset }
})

if (import.meta.hot) import.meta.hot.accept()
