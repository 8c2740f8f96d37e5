import { z } from 'zod'
import {
  DEFAULT_QUERY_ROWS,
  MAX_EXPORT_TIMEOUT_S,
  MAX_QUERY_ROWS,
  MAX_RESULT_BYTES,
  MAX_SQL_LENGTH,
  MAX_VALUE_BYTES,
  MIN_VALUE_BYTES,
  PARAM_NAME,
} from './queryLimits'

/**
 * Request schemas of the raw audit query channels (query:*). The channels and
 * their responses are documented in contract.ts.
 */

export { DEFAULT_QUERY_ROWS, MAX_EXPORT_TIMEOUT_S, MAX_QUERY_ROWS, MAX_SQL_LENGTH, PARAM_NAME }

/** A per-value cap in bytes: values larger than this arrive cut (their first bytes and their size). */
const valueBytes = z.number().int().min(MIN_VALUE_BYTES).max(MAX_VALUE_BYTES)

const sql = z.string().min(1, 'give the SQL text').max(MAX_SQL_LENGTH, `SQL text longer than ${MAX_SQL_LENGTH} characters`)

/** Client-chosen ids: a console tab, an export. */
export const jobId = z.string().regex(/^[\w-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"')

/**
 * Values of the :named parameters, by name without the colon. Sent to
 * PostgreSQL as text bind parameters ($1, $2, ...): the server infers each
 * type from where it is used, so `runs.experiment_id = :id` takes "3" or 3.
 */
const params = z
  .record(z.string().regex(PARAM_NAME, 'parameter names are letters, digits and "_"'), z.union([z.string().max(100_000), z.number().finite(), z.null()]))
  .refine((r) => Object.keys(r).length <= 100, { message: 'at most 100 parameters' })
  .default({})

export const queryCheckRequest = z.object({ sql: z.string().max(MAX_SQL_LENGTH) }).strict()

export const queryRunRequest = z
  .object({
    /** The console tab running it: query:cancel names it; a new run on a busy tab cancels the old one first. */
    tab_id: jobId,
    sql,
    params,
    /** Rows to fetch for the grid (a cursor reads max_rows + 1 to know whether more exist; nothing more is held). */
    max_rows: z.number().int().min(1).max(MAX_QUERY_ROWS).default(DEFAULT_QUERY_ROWS),
    /** Values larger than this (bytes of their text) arrive cut, with their size; default the profile's, else 1 MiB. */
    max_value_bytes: valueBytes.optional(),
    /** The rows stop once their values hold this many bytes (stopped_by "bytes"); default 32 MiB. */
    max_result_bytes: z.number().int().min(MIN_VALUE_BYTES).max(MAX_RESULT_BYTES).optional(),
  })
  .strict()

/** A cell of a result, 0-based, as query:run numbered its rows and columns. */
const cell = z.object({ row: z.number().int().min(0).max(MAX_QUERY_ROWS), column: z.number().int().min(0).max(1663) }).strict()

export const queryValueRequest = z
  .object({
    /** The tab whose result it is: query:cancel { tab_id } cancels the fetch, and a new run in the tab does too. */
    tab_id: jobId,
    sql,
    params,
    row: cell.shape.row,
    column: cell.shape.column,
    /** At most this much of the value comes back (bytes of its text). */
    max_bytes: valueBytes.default(MAX_VALUE_BYTES),
  })
  .strict()

export const queryCancelRequest = z
  .object({ tab_id: jobId.optional(), export_id: jobId.optional() })
  .strict()
  .refine((r) => !!r.tab_id !== !!r.export_id, { message: 'give either tab_id or export_id' })

export const queryExplainRequest = z
  .object({
    /** EXPLAIN ANALYZE runs the query: it is cancellable through this tab like a run. */
    tab_id: jobId,
    sql,
    params,
    /** Execute it and measure (ANALYZE, BUFFERS): allowed only for reads, inside the read-only transaction. */
    analyze: z.boolean().default(false),
  })
  .strict()

export const EXPORT_FORMATS = ['csv', 'jsonl'] as const

export const queryExportRequest = z
  .object({
    /** Names the export in progress events and in query:cancel. */
    export_id: jobId,
    sql,
    params,
    format: z.enum(EXPORT_FORMATS),
    /**
     * A file name only, never a path: the desktop app asks where with a save
     * dialog (suggesting this name); the local HTTP transport writes it into
     * the app's exports folder (<app data>/exports), adding " (2)" rather than
     * overwriting. Separators, "..", and leading dots are refused.
     */
    file_name: z.string().min(1).max(200),
    /** Exports run as one statement; a big one may need longer than the profile's statement timeout. Seconds. */
    statement_timeout_s: z.number().positive().max(MAX_EXPORT_TIMEOUT_S).optional(),
    /**
     * Only this cell of the result (0-based, as query:run numbered it), whole whatever its size: its column
     * name and value as a one-row CSV or JSON Lines file. The statement runs again to find it.
     */
    value: cell.optional(),
    /** Values larger than this (bytes of their text) are written cut, with their size reported; default 16 MiB. A CSV of a statement without parameters goes through COPY and writes every value whole. */
    max_value_bytes: valueBytes.optional(),
  })
  .strict()

export const queryHistoryRequest = z
  .object({
    /** Case-insensitive substring of the SQL text (or of the error). */
    search: z.string().max(1000).optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict()

export const querySavedSaveRequest = z
  .object({
    /** Update this saved query; without it a new one is created. */
    id: z.string().uuid().optional(),
    name: z.string().trim().min(1, 'give the query a name').max(200),
    sql,
    description: z.string().max(5000).nullish(),
  })
  .strict()

export const querySavedDeleteRequest = z.object({ id: z.string().uuid() }).strict()

/** A console tab, kept per profile across restarts (shared/domain/query's QueryTab is its type). */
export const queryTab = z
  .object({
    id: jobId,
    title: z.string().max(200),
    sql: z.string().max(MAX_SQL_LENGTH),
    params: z.record(z.string().regex(PARAM_NAME), z.string().max(100_000)).default({}),
  })
  .strict()

export const queryTabsSaveRequest = z
  .object({
    tabs: z.array(queryTab).max(50),
    active_tab_id: jobId.nullable(),
  })
  .strict()
