import { isAppError } from '@shared/api/errors'
import type { QueryHistoryEntry } from '@shared/domain/query'
import { queryLibraryFor } from '../query/queryLibrary'
import { explainQuery } from '../query/explainPlan'
import { exportsFolderTarget, safeExportName } from '../query/exportTarget'
import { exportsDir } from '../config/appPaths'
import { QueryHistory } from '../query/queryHistory'
import { checkQuery, checkStatement, runQuery } from '../query/queryRunner'
import { QueryTabs } from '../query/queryTabs'
import { exportResult } from '../query/resultExport'
import { loadValue } from '../query/wholeValue'
import { RunningJobs } from './runningJobs'
import { SavedQueries } from '../query/savedQueries'
import { describeSchema } from '../query/schemaCatalog'
import type { WindowSession } from '../workspace'
import type { AppContext, CallContext, HandlerGroup } from './handlerTypes'

type QueryChannels =
  | 'query:check'
  | 'query:run'
  | 'query:cancel'
  | 'query:explain'
  | 'query:value'
  | 'query:export'
  | 'query:schema'
  | 'query:history'
  | 'query:history-clear'
  | 'query:saved-list'
  | 'query:saved-save'
  | 'query:saved-delete'
  | 'query:library'
  | 'query:tabs-get'
  | 'query:tabs-save'

/** Raw audit queries in the calling window's store; history and tabs are the window's profile's. */
export function queryHandlers(ctx: AppContext): HandlerGroup<QueryChannels> {
  const running = new RunningJobs()
  const history = new QueryHistory(ctx.home)
  const saved = new SavedQueries(ctx.home)
  const tabs = new QueryTabs(ctx.home)
  const watched = new WeakSet<WindowSession>()

  /** Run a job of this window; its queries are cancelled when the window leaves the store. */
  function job<T>(call: CallContext, key: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const w = call.window
    if (!watched.has(w)) {
      watched.add(w)
      w.onLeave(() => running.cancelAll(w))
    }
    return running.run(w, key, work, call.signal)
  }

  /**
   * Do the work and put it in the profile's history, ok or not. The history file is written after
   * the answer, not before it (an fsync would delay the first rows); reading history waits for it.
   */
  async function recorded<T>(
    call: CallContext,
    entry: Pick<QueryHistoryEntry, 'sql' | 'action'>,
    rows: (r: T) => number | null,
    work: () => Promise<T>,
  ): Promise<T> {
    if (call.history === false) return work()
    const profileId = call.window.profileId
    const at = Date.now()
    const started = performance.now()
    const record = (outcome: Pick<QueryHistoryEntry, 'rows' | 'ok' | 'error'>) =>
      // A failed write keeps the entry in memory and is reported with the history (query:history's unsaved).
      void history.append(profileId, { ...entry, at, duration_ms: Math.round(performance.now() - started), ...outcome }).catch(() => undefined)
    try {
      const result = await work()
      record({ rows: rows(result), ok: true, error: null })
      return result
    } catch (e) {
      record({ rows: null, ok: false, error: isAppError(e) || e instanceof Error ? e.message : String(e) })
      throw e
    }
  }

  return {
    // As the user types: the function policy needs the store's catalog; without a store (it cannot connect) the shape is still checked.
    'query:check': async (req, call) => checkQuery(req.sql, await call.window.store(call.signal).catch(() => undefined)),

    'query:run': async (req, call) =>
      recorded(
        call,
        { sql: req.sql, action: 'run' },
        (r) => r.row_count_shown,
        async () => {
          // A refused statement or a missing parameter is answered before the store is opened (or a demo server started).
          await checkStatement(req.sql, req.params)
          const store = await call.window.store(call.signal)
          return job(call, `tab:${req.tab_id}`, (signal) => runQuery(store, req, signal))
        },
      ),

    'query:cancel': async (req, call) => ({
      cancelled: running.cancel(call.window, req.tab_id ? `tab:${req.tab_id}` : `export:${req.export_id}`),
    }),

    'query:explain': async (req, call) =>
      recorded(
        call,
        { sql: req.sql, action: 'explain' },
        () => null,
        async () => {
          const store = await call.window.store(call.signal)
          return job(call, `tab:${req.tab_id}`, (signal) => explainQuery(store, req, signal))
        },
      ),

    // The statement runs again to fetch one value: a job of the tab (a new run there, or query:cancel, stops it), not a history entry.
    'query:value': async (req, call) => {
      const store = await call.window.store(call.signal)
      return job(call, `tab:${req.tab_id}`, (signal) => loadValue(store, req, signal))
    },

    'query:export': async (req, call) => {
      // The desktop app asks where with a save dialog; over HTTP the file goes to the exports folder only.
      const name = safeExportName(req.file_name, req.format)
      const path = call.chooseExportPath ? await call.chooseExportPath(name, req.format) : await exportsFolderTarget(exportsDir(ctx.home), name, req.format)
      if (path === null) return { path: null, rows: 0, bytes: 0, duration_ms: 0, cut_values: 0, cut_examples: [] }
      return recorded(
        call,
        { sql: req.sql, action: 'export' },
        (r) => r.rows,
        async () => {
          await checkStatement(req.sql, req.params)
          const store = await call.window.store(call.signal)
          return job(call, `export:${req.export_id}`, (signal) =>
            exportResult(store, {
              sql: req.sql,
              params: req.params,
              format: req.format,
              path,
              timeoutMs: req.statement_timeout_s ? req.statement_timeout_s * 1000 : undefined,
              value: req.value,
              maxValueBytes: req.max_value_bytes,
              signal,
              onProgress: (p) => ctx.events.emit('query:export-progress', { export_id: req.export_id, ...p }),
            }),
          )
        },
      )
    },

    'query:schema': async (_req, call) => describeSchema(await call.window.store(call.signal)),

    'query:history': async (req, call) => ({ entries: await history.list(call.window.profileId, req), unsaved: history.unsavedWarning(call.window.profileId) }),

    'query:history-clear': async (_req, call) => {
      await history.clear(call.window.profileId)
      return {}
    },

    'query:saved-list': async () => ({ queries: await saved.list() }),

    'query:saved-save': async (req) => ({ query: await saved.save(req) }),

    'query:saved-delete': async (req) => {
      await saved.remove(req.id)
      return {}
    },

    // Queries the window's store lacks the tables for say why; with no store reachable, none is marked.
    'query:library': async (_req, call) => {
      const store = await call.window.store(call.signal).catch(() => null)
      return { queries: queryLibraryFor(store?.capabilities ?? null) }
    },

    'query:tabs-get': async (_req, call) => tabs.get(call.window.profileId),

    'query:tabs-save': async (req, call) => {
      await tabs.save(call.window.profileId, req)
      return {}
    },
  }
}
