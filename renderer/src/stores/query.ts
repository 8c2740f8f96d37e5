import { defineStore } from 'pinia'
import { computed, reactive, ref } from 'vue'
import type { QueryExplainResponse, QueryExportResponse, QueryRunResponse, QueryValueResponse } from '@shared/api/contract'
import type { LibraryQuery, QueryHistoryEntry, QueryTab, SavedQuery, SchemaTable } from '@shared/domain/query'
import { api } from '@/api'

const SAVE_DELAY_MS = 600

/** What a tab's last run or EXPLAIN left. Not kept across restarts: the text is. */
export interface TabOutcome {
  busy: 'run' | 'explain' | null
  startedAt: number
  /** The statement that ran, for export and for the error's position. */
  sql: string
  /** Its parameter values: fetching one value whole runs it again. */
  params: Record<string, string>
  result: QueryRunResponse | null
  explain: QueryExplainResponse | null
  error: unknown
}

export interface ExportState {
  id: string
  format: 'csv' | 'jsonl'
  fileName: string
  rows: number
  bytes: number
  elapsedMs: number
  running: boolean
  path: string | null
  error: unknown
  cancelled: boolean
  /** One cell alone, whole (its column's name): the "export this value" of the value viewer. */
  value: { row: number; column: number; name: string } | null
  /** Values the export cut (through a cursor, above 16 MiB), and the first of them. */
  cutValues: number
  cutExamples: QueryExportResponse['cut_examples']
}

/** Ids the server accepts for tabs and exports ([\w-]{1,64}). */
export function newJobId(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
}

/** The SQL console of this window's profile: tabs (kept), results, history, saved queries, the audit library. */
export const useQueryStore = defineStore('query', () => {
  const tabs = ref<QueryTab[]>([])
  const activeId = ref<string | null>(null)
  const tabsLoaded = ref(false)
  const outcomes = reactive<Record<string, TabOutcome>>({})
  const schema = ref<SchemaTable[]>([])
  /** The catalog was read (or could not be): the table browser stops saying it is reading. */
  const schemaLoaded = ref(false)
  const history = ref<QueryHistoryEntry[]>([])
  const historyError = ref<unknown>(null)
  /** Why some history entries are not on disk (a full disk): they are listed, and this says so. */
  const historyUnsaved = ref<string | null>(null)
  /** The last failed save of the tabs (a full disk): shown until a save succeeds. */
  const tabsSaveError = ref<unknown>(null)
  const saved = ref<SavedQuery[]>([])
  const library = ref<LibraryQuery[]>([])
  const exportJob = ref<ExportState | null>(null)

  const active = computed(() => tabs.value.find((t) => t.id === activeId.value) ?? null)

  let saveTimer: ReturnType<typeof setTimeout> | undefined
  function persist(): Promise<void> {
    clearTimeout(saveTimer)
    return api.call('query:tabs-save', { tabs: tabs.value, active_tab_id: activeId.value }).then(
      () => void (tabsSaveError.value = null),
      (e: unknown) => {
        tabsSaveError.value = e
        throw e
      },
    )
  }
  /** Edits are saved a moment after the typing stops; a failure stays shown (tabsSaveError) and the next edit tries again. */
  function schedulePersist() {
    clearTimeout(saveTimer)
    saveTimer = setTimeout(() => void persist().catch(() => undefined), SAVE_DELAY_MS)
  }

  async function loadTabs() {
    const got = await api.call('query:tabs-get', {})
    tabs.value = got.tabs
    activeId.value = got.tabs.some((t) => t.id === got.active_tab_id) ? got.active_tab_id : (got.tabs[0]?.id ?? null)
    if (!tabs.value.length) addTab()
    tabsLoaded.value = true
  }

  function nextTitle(): string {
    const used = new Set(tabs.value.map((t) => t.title))
    let n = tabs.value.length + 1
    while (used.has(`Query ${n}`)) n++
    return `Query ${n}`
  }

  function addTab(init: Partial<Omit<QueryTab, 'id'>> = {}): QueryTab {
    const tab: QueryTab = { id: newJobId('tab'), title: init.title ?? nextTitle(), sql: init.sql ?? '', params: { ...init.params } }
    tabs.value.push(tab)
    activeId.value = tab.id
    schedulePersist()
    return tab
  }

  function closeTab(id: string) {
    const i = tabs.value.findIndex((t) => t.id === id)
    if (i < 0) return
    if (outcomes[id]?.busy) void cancel(id)
    tabs.value.splice(i, 1)
    delete outcomes[id]
    if (activeId.value === id) activeId.value = tabs.value[Math.min(i, tabs.value.length - 1)]?.id ?? null
    if (!tabs.value.length) addTab()
    schedulePersist()
  }

  function updateTab(id: string, patch: Partial<Omit<QueryTab, 'id'>>) {
    const tab = tabs.value.find((t) => t.id === id)
    if (!tab) return
    Object.assign(tab, patch)
    schedulePersist()
  }

  function selectTab(id: string) {
    activeId.value = id
    schedulePersist()
  }

  function outcome(id: string): TabOutcome {
    // Read back through the reactive map: the object assigned is not the proxy the views track.
    if (!outcomes[id]) outcomes[id] = { busy: null, startedAt: 0, sql: '', params: {}, result: null, explain: null, error: null }
    return outcomes[id]
  }

  async function run(id: string, sql: string, params: Record<string, string>) {
    const o = outcome(id)
    Object.assign(o, { busy: 'run', startedAt: Date.now(), sql, params: { ...params }, error: null, explain: null })
    try {
      o.result = await api.call('query:run', { tab_id: id, sql, params })
    } catch (e) {
      o.result = null
      o.error = e
    } finally {
      o.busy = null
      void loadHistory()
    }
  }

  async function explain(id: string, sql: string, params: Record<string, string>, analyze: boolean) {
    const o = outcome(id)
    Object.assign(o, { busy: 'explain', startedAt: Date.now(), sql, params: { ...params }, error: null, result: null })
    try {
      o.explain = await api.call('query:explain', { tab_id: id, sql, params, analyze })
    } catch (e) {
      o.explain = null
      o.error = e
    } finally {
      o.busy = null
      void loadHistory()
    }
  }

  async function cancel(id: string): Promise<boolean> {
    return (await api.call('query:cancel', { tab_id: id })).cancelled
  }

  /**
   * One value of the tab's last result, whole (up to 64 MiB): the statement runs again on the server
   * and the value comes in chunks. Cancelled with the tab's Cancel, or by a new run in the tab.
   */
  async function loadValue(id: string, row: number, column: number): Promise<QueryValueResponse> {
    const o = outcome(id)
    return api.call('query:value', { tab_id: id, sql: o.sql, params: o.params, row, column })
  }

  let stopProgress: (() => void) | null = null
  async function exportResult(sql: string, params: Record<string, string>, format: 'csv' | 'jsonl', fileName: string, value?: ExportState['value']) {
    const job: ExportState = {
      id: newJobId('export'),
      format,
      fileName,
      rows: 0,
      bytes: 0,
      elapsedMs: 0,
      running: true,
      path: null,
      error: null,
      cancelled: false,
      value: value ?? null,
      cutValues: 0,
      cutExamples: [],
    }
    exportJob.value = job
    stopProgress?.()
    stopProgress = api.on('query:export-progress', (p) => {
      if (exportJob.value?.id !== p.export_id || !exportJob.value.running) return
      Object.assign(exportJob.value, { rows: p.rows, bytes: p.bytes, elapsedMs: p.elapsed_ms })
    })
    try {
      const done = await api.call('query:export', {
        export_id: job.id,
        sql,
        params,
        format,
        file_name: fileName,
        ...(value ? { value: { row: value.row, column: value.column } } : {}),
      })
      if (exportJob.value?.id === job.id) {
        Object.assign(exportJob.value, {
          path: done.path,
          rows: done.rows,
          bytes: done.bytes,
          elapsedMs: done.duration_ms,
          cancelled: done.path === null,
          cutValues: done.cut_values,
          cutExamples: done.cut_examples,
        })
      }
    } catch (e) {
      if (exportJob.value?.id === job.id) {
        exportJob.value.error = e
        exportJob.value.cancelled = (e as { code?: string }).code === 'CANCELLED'
      }
    } finally {
      if (exportJob.value?.id === job.id) exportJob.value.running = false
      stopProgress?.()
      stopProgress = null
      void loadHistory()
    }
  }

  async function cancelExport() {
    if (exportJob.value?.running) await api.call('query:cancel', { export_id: exportJob.value.id })
  }

  async function loadSchema() {
    try {
      schema.value = (await api.call('query:schema', {})).tables
    } finally {
      schemaLoaded.value = true
    }
  }

  let historySearch = ''
  async function loadHistory(search = historySearch) {
    historySearch = search
    try {
      const got = await api.call('query:history', { search: search.trim() || undefined })
      history.value = got.entries
      historyUnsaved.value = got.unsaved ?? null
      historyError.value = null
    } catch (e) {
      historyError.value = e
    }
  }

  async function clearHistory() {
    await api.call('query:history-clear', {})
    history.value = []
  }

  async function fetchSaved() {
    saved.value = (await api.call('query:saved-list', {})).queries
  }
  /** The saved queries, read once for callers that ask together (the side panel and a #/query?saved= link, as the console opens). */
  let savedLoading: Promise<void> | null = null
  function loadSaved(): Promise<void> {
    return (savedLoading ??= fetchSaved().finally(() => (savedLoading = null)))
  }

  async function saveQuery(name: string, sql: string, id?: string): Promise<SavedQuery> {
    const { query } = await api.call('query:saved-save', { name, sql, id })
    await fetchSaved()
    return query
  }

  async function deleteSaved(id: string) {
    await api.call('query:saved-delete', { id })
    saved.value = saved.value.filter((q) => q.id !== id)
  }

  async function loadLibrary() {
    library.value = (await api.call('query:library', {})).queries
  }

  /** A library query in a new tab, its parameters filled with their defaults. */
  function openLibrary(q: LibraryQuery): QueryTab {
    const params = Object.fromEntries(q.params.map((p) => [p.name, p.default ?? '']))
    return addTab({ title: q.title, sql: q.sql, params })
  }

  return {
    tabs,
    activeId,
    active,
    tabsLoaded,
    outcomes,
    schema,
    schemaLoaded,
    history,
    historyError,
    historyUnsaved,
    tabsSaveError,
    saved,
    library,
    exportJob,
    loadTabs,
    addTab,
    closeTab,
    updateTab,
    selectTab,
    persist,
    outcome,
    run,
    explain,
    cancel,
    exportResult,
    cancelExport,
    loadValue,
    loadSchema,
    loadHistory,
    clearHistory,
    loadSaved,
    saveQuery,
    deleteSaved,
    loadLibrary,
    openLibrary,
  }
})

if (import.meta.hot) import.meta.hot.accept()
