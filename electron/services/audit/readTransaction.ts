import Cursor from 'pg-cursor'
import type { FieldDef } from 'pg'
import { AppError, isAppError } from '@shared/api/errors'
import type { DedicatedConnection, StoreHandle } from '../connections/storeConnection'
import { toQueryError, type SentText } from './queryErrors'
import { resultTypes } from './resultValues'

/** Rows as arrays, with the result's columns (known once the first read answered). */
export interface CursorBatch {
  rows: unknown[][]
  fields: FieldDef[]
}

/** A server-side cursor over one statement: only what read() asks for is ever in memory. */
export interface ResultCursor {
  read(rows: number): Promise<CursorBatch>
  close(): Promise<void>
}

/** The read-only transaction a statement runs in. */
export interface ReadTransaction {
  readonly connection: DedicatedConnection
  /** Open a cursor (the extended protocol: one statement, bind parameters). */
  cursor(text: string, values: Array<string | null>, mode: 'json' | 'text'): ResultCursor
  /** Throws CANCELLED once the caller cancelled or the store is closing (checked between reads). */
  throwIfCancelled(): void
  /** Stop the running statement on the server (our side failed, e.g. the disk is full); the transaction still ends cleanly. */
  cancelStatement(): void
}

export interface ReadOptions {
  /** statement_timeout for this transaction, ms. */
  timeoutMs: number
  /** Abort to cancel: PostgreSQL's cancel request for this connection's backend. */
  signal?: AbortSignal
  /** The statement, for a server error to point into the text as typed. */
  sent?: SentText
}

const CLEANUP_TIMEOUT_MS = 5000

const cancelled = () => new AppError('CANCELLED', 'The query was cancelled.')

const TEXT_OID = 25

/**
 * pg-cursor with parameter types in its Parse message (0 lets the server infer
 * one from the statement, as for a literal). pg-cursor sends Parse without
 * types, so the one call is wrapped while it submits.
 */
class TypedCursor extends Cursor {
  constructor(
    text: string,
    values: Array<string | null>,
    config: Cursor.CursorQueryConfig,
    private readonly paramTypes: number[],
  ) {
    super(text, values, config)
  }

  override submit = (connection: Parameters<Cursor['submit']>[0]) => {
    const con = connection as unknown as { parse(q: { text: string; types?: number[] }): void }
    const parse = con.parse
    con.parse = (q) => parse.call(con, { ...q, types: this.paramTypes })
    try {
      Cursor.prototype.submit.call(this, connection)
    } finally {
      con.parse = parse
    }
  }
}

const batch = (cursor: Cursor, rows: number) =>
  new Promise<CursorBatch>((resolve, reject) => {
    cursor.read(rows, (err, got, result) => (err ? reject(err) : resolve({ rows: got as unknown[][], fields: result?.fields ?? [] })))
  })

/** "$3" of PostgreSQL's "could not determine data type of parameter $3" (SQLSTATE 42P18). */
function indeterminateParam(e: unknown): number | null {
  const err = e as { code?: string; message?: string }
  const m = err?.code === '42P18' ? /\$(\d+)/.exec(err.message ?? '') : null
  return m ? Number(m[1]) : null
}

/**
 * A cursor over the statement. A parameter whose type nothing in the statement
 * decides (`SELECT :label`) is sent as text on a second try, after a savepoint
 * (an error would otherwise abort the transaction); statements without
 * parameters pay no extra round trip.
 */
function openCursor(conn: DedicatedConnection, text: string, values: Array<string | null>, mode: 'json' | 'text', open: Set<Cursor>): ResultCursor {
  const types = values.map(() => 0)
  let cursor: Cursor | null = null
  const start = () => {
    cursor = conn.client.query(new TypedCursor(text, values, { rowMode: 'array', types: resultTypes(mode) }, types))
    open.add(cursor)
    return cursor
  }
  // After an error the server has dropped the statement, and node-postgres stops telling this cursor
  // anything (waiting for its close would wait forever): a failed cursor is just forgotten.
  const failed = (c: Cursor) => (e: unknown) => {
    open.delete(c)
    throw e
  }
  return {
    async read(rows) {
      if (cursor) return batch(cursor, rows).catch(failed(cursor))
      if (values.length === 0) return batch(start(), rows).catch(failed(cursor!))
      await conn.client.query('SAVEPOINT desk_parameters')
      for (;;) {
        const c = start()
        try {
          return await batch(c, rows)
        } catch (e) {
          open.delete(c)
          const n = indeterminateParam(e)
          if (n === null || types[n - 1] === TEXT_OID) throw e
          await conn.client.query('ROLLBACK TO SAVEPOINT desk_parameters')
          types[n - 1] = TEXT_OID
        }
      }
    },
    async close() {
      if (!cursor || !open.has(cursor)) return
      open.delete(cursor)
      await cursor.close()
    },
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timed out')), ms)
    p.then(
      (v) => (clearTimeout(t), resolve(v)),
      (e) => (clearTimeout(t), reject(e)),
    )
  })
}

/**
 * Run `fn` on a connection of its own inside BEGIN READ ONLY, with the store's
 * settings and this statement's timeout as SET LOCAL, and always ROLLBACK.
 * Whatever the SQL guard missed, the server refuses to write here, and nothing
 * stays on the session. Cancelling (the signal, or the store closing)
 * sends PostgreSQL's cancel request for exactly this backend; the connection
 * then goes back to the pool in a clean state — or is destroyed if it cannot
 * be brought back to one.
 */
export async function withReadTransaction<T>(store: StoreHandle, opts: ReadOptions, fn: (tx: ReadTransaction) => Promise<T>): Promise<T> {
  if (opts.signal?.aborted) throw cancelled()
  const conn = await store.checkout()
  const open = new Set<Cursor>()
  let cancelSent: Promise<void> | null = null
  const isCancelled = () => !!opts.signal?.aborted || conn.closing.aborted
  const onAbort = () => void (cancelSent ??= conn.cancel())
  opts.signal?.addEventListener('abort', onAbort)
  conn.closing.addEventListener('abort', onAbort)
  let broken = false
  try {
    if (isCancelled()) throw cancelled()
    // Results are rendered the same everywhere: ISO dates in UTC, bytea as hex.
    await conn.begin({ timeoutMs: opts.timeoutMs, extra: { TimeZone: 'UTC', DateStyle: 'ISO, YMD', bytea_output: 'hex' } })
    return await fn({
      connection: conn,
      cursor: (text, values, mode) => openCursor(conn, text, values, mode, open),
      throwIfCancelled: () => {
        if (isCancelled()) throw cancelled()
      },
      cancelStatement: onAbort,
    })
  } catch (e) {
    // A cancel surfaces as the server's "canceling statement due to user request", or as our check between reads.
    if (isCancelled() && !(isAppError(e) && e.code !== 'CANCELLED')) throw cancelled()
    throw toQueryError(e, conn, opts.sent)
  } finally {
    opts.signal?.removeEventListener('abort', onAbort)
    conn.closing.removeEventListener('abort', onAbort)
    try {
      // A cancel still on its way could hit the next statement: wait until the server took it.
      if (cancelSent) await cancelSent
      await withTimeout(
        (async () => {
          for (const c of open) await c.close()
          await conn.client.query('ROLLBACK')
        })(),
        CLEANUP_TIMEOUT_MS,
      )
    } catch {
      broken = true
    }
    await conn.release(broken)
  }
}
