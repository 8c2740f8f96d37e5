import type { QueryCheckResponse, QueryRunResponse } from '@shared/api/contract'
import { DEFAULT_RESULT_BYTES } from '@shared/api/queryLimits'
import { AppError } from '@shared/api/errors'
import type { CutValue, QueryCell, QueryColumn } from '@shared/domain/query'
import type { StoreHandle } from '../connections/storeConnection'
import { boundedStatement, rawSize, rowDecoder, type BoundedStatement, type ResultColumn } from './boundedValues'
import type { SentText } from './queryErrors'
import { withReadTransaction, type ReadTransaction, type StatementShape } from './readTransaction'
import { callPolicy, consoleCatalog, type CallPolicy } from './consoleCatalog'
import { guardSql, type GuardedSql } from './sqlGuard'

export type QueryParams = Record<string, string | number | null>

/** The store's function policy for the console (its catalog, read once, and the profile's allowed functions). */
export async function consolePolicy(store: StoreHandle): Promise<CallPolicy> {
  return callPolicy(await consoleCatalog(store), store.consoleAllowedFunctions)
}

/** query:check: what the guard says; with the store, about the functions and relations too (nothing runs). */
export async function checkQuery(sql: string, store?: StoreHandle): Promise<QueryCheckResponse> {
  if (sql.trim() === '') return { ok: false, kind: null, refusal: { message: 'Nothing to run: type a statement.' }, params: [] }
  const g = await guardSql(sql, store ? await consolePolicy(store) : undefined)
  return g.ok ? { ok: true, kind: g.kind, refusal: null, params: g.params } : { ok: false, kind: g.kind, refusal: g.refusal, params: g.params }
}

/**
 * The guarded statement, or QUERY_REFUSED pointing at the fault. With the store
 * it will run on, every function, operator, cast and relation is checked
 * against the store's catalog too; without (a check before connecting), only
 * the statement's shape.
 */
export async function guardOrRefuse(sql: string, store?: StoreHandle): Promise<GuardedSql> {
  const g = await guardSql(sql, store ? await consolePolicy(store) : undefined)
  if (g.ok) return g
  const { message, position, length } = g.refusal
  throw new AppError('QUERY_REFUSED', message, position === undefined ? undefined : { position, ...(length ? { length } : {}) })
}

/** Values for $1..$n, in the order of the statement's parameters; every one must be given. */
export function bindValues(guarded: GuardedSql, params: QueryParams): Array<string | null> {
  return guarded.params.map((name) => {
    if (!(name in params)) throw new AppError('BAD_REQUEST', `No value for the parameter :${name}.`, { field: `params.${name}` })
    const v = params[name]
    return v === null ? null : String(v)
  })
}

/**
 * Every fault of a statement that needs no store: the guard's refusal
 * (QUERY_REFUSED) or a parameter without a value (BAD_REQUEST). Callers that
 * open a store for the statement ask this first.
 */
export async function checkStatement(sql: string, params: QueryParams): Promise<GuardedSql> {
  const guarded = await guardOrRefuse(sql)
  bindValues(guarded, params)
  return guarded
}

/** The statement's columns as the grid shows them. */
export function queryColumns(columns: ResultColumn[]): QueryColumn[] {
  return columns.map((c) => ({ name: c.name, type: c.type, category: c.category }))
}

/** What a bounded read of one guarded statement sends, and how its rows are read back. */
export interface BoundedRead {
  shape: StatementShape
  stmt: BoundedStatement
  /** The wrapper's way back to the text typed (a server error's position); undefined when nothing was wrapped. */
  sent?: SentText
}

/**
 * Describe the statement (nothing runs), then wrap it so the server cuts every
 * value above `cap` bytes (see boundedValues.ts). SHOW and EXPLAIN cannot be a
 * subquery; their values are short by nature and are still cut on arrival.
 */
export async function boundedRead(tx: ReadTransaction, guarded: GuardedSql, values: Array<string | null>, cap: number): Promise<BoundedRead> {
  const shape = await tx.describe(guarded.text, values)
  if (guarded.kind !== 'select' && guarded.kind !== 'values') {
    return { shape, stmt: { text: guarded.text, offset: 0, wrapped: false, kinds: shape.columns.map(() => 'plain'), cap } }
  }
  const stmt = boundedStatement(guarded.text, shape.columns, cap)
  const sent = stmt.wrapped ? { text: stmt.text, toOriginal: (i: number) => guarded.toOriginal(Math.max(0, i - stmt.offset)) } : undefined
  return { shape, stmt, sent }
}

/**
 * query:run: the first max_rows rows of one read statement, within
 * max_result_bytes. The guard refuses anything else before a byte is sent; the
 * statement is described (nothing runs), wrapped so the server cuts values above
 * max_value_bytes (their size comes along), and read through a cursor
 * (extended protocol) in a READ ONLY transaction that is rolled back: max_rows
 * + 1 rows to know whether more exist, each decoded as it arrives. Once the
 * rows hold max_result_bytes, the statement is cancelled on the server and the
 * rows so far are the result (stopped_by "bytes"), so neither a value nor a
 * result can outgrow the process.
 */
export async function runQuery(
  store: StoreHandle,
  req: { sql: string; params: QueryParams; max_rows: number; max_value_bytes?: number; max_result_bytes?: number },
  signal?: AbortSignal,
): Promise<QueryRunResponse> {
  const guarded = await guardOrRefuse(req.sql, store)
  const values = bindValues(guarded, req.params)
  const cap = req.max_value_bytes ?? store.console.maxValueBytes
  const budget = req.max_result_bytes ?? DEFAULT_RESULT_BYTES
  return withReadTransaction(store, { timeoutMs: store.statementTimeoutMs, signal, sent: guarded }, async (tx) => {
    const started = performance.now()
    const { shape, stmt, sent } = await boundedRead(tx, guarded, values, cap)
    const decode = rowDecoder(shape.columns, stmt, 'json')
    const rows: QueryCell[][] = []
    const cuts: CutValue[] = []
    let bytes = 0
    let stoppedBy: 'rows' | 'bytes' | null = null
    const cursor = tx.cursor(stmt.text, values, {
      paramTypes: shape.paramTypes,
      sent,
      onRow: (raw) => {
        if (stoppedBy) return false
        if (rows.length >= req.max_rows) {
          stoppedBy = 'rows'
          return false
        }
        const size = rawSize(raw)
        // The first row is always shown (it is bounded: its values are cut); after it, the budget decides.
        if (rows.length > 0 && bytes + size > budget) {
          stoppedBy = 'bytes'
          // Enough: the server stops producing (and sending) the rest; the transaction still ends cleanly.
          tx.cancelStatement()
          return false
        }
        bytes += size
        const d = decode(raw, rows.length)
        rows.push(d.cells)
        for (const c of d.cuts) cuts.push(c)
        return false
      },
    })
    try {
      await cursor.read(req.max_rows + 1)
      await cursor.close()
    } catch (e) {
      // Our own cancel, for the budget, ends the read: what came before it is the result.
      if (stoppedBy !== 'bytes') throw e
      tx.throwIfCancelled()
    }
    const duration = performance.now() - started
    return {
      columns: queryColumns(shape.columns),
      rows,
      row_count_shown: rows.length,
      truncated: stoppedBy !== null,
      stopped_by: stoppedBy,
      cut_values: cuts,
      result_bytes: bytes,
      max_value_bytes: cap,
      max_result_bytes: budget,
      duration_ms: Math.round(duration * 10) / 10,
      statement_kind: guarded.kind,
    }
  })
}
