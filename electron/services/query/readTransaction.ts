import Cursor from 'pg-cursor'
import type pg from 'pg'
import type { CustomTypesConfig, FieldDef } from 'pg'
import type { Socket } from 'node:net'
import { AppError, isAppError } from '@shared/api/errors'
import type { DedicatedConnection, StoreHandle } from '../connections/storeConnection'
import { toQueryError, type SentText } from './queryErrors'
import { columnCategory } from './resultValues'
import type { ResultColumn } from './boundedValues'

/** Rows as arrays of PostgreSQL's text of each value (null for NULL), with the result's columns. */
export interface CursorBatch {
  rows: Array<Array<string | null>>
  fields: FieldDef[]
}

/** A server-side cursor over one statement: only what read() asks for is ever in memory. */
export interface ResultCursor {
  read(rows: number): Promise<CursorBatch>
  close(): Promise<void>
}

export interface CursorOptions {
  /** Parameter types for Parse (from describe()); without them a parameter nothing types is retried as text. */
  paramTypes?: number[]
  /** The statement as sent and the way back to the text typed, when it is not the transaction's own (a wrapper). */
  sent?: SentText
  /**
   * Each row as it arrives, before the batch is complete; false: do not keep it in the batch. With it, a
   * read's rows can be consumed (and dropped) one by one, so a batch never has to fit in memory.
   */
  onRow?: (row: Array<string | null>) => boolean
}

/** The statement's result columns and parameter types, from Describe: nothing runs. */
export interface StatementShape {
  columns: ResultColumn[]
  paramTypes: number[]
}

/** The read-only transaction a statement runs in. */
export interface ReadTransaction {
  readonly connection: DedicatedConnection
  /**
   * The statement's columns (names, types as PostgreSQL names them, size class) and
   * parameter types, without running it: Parse and Describe, then pg_type. A parameter
   * whose type nothing decides (`SELECT :label`) is taken as text.
   */
  describe(text: string, values: Array<string | null>): Promise<StatementShape>
  /** Open a cursor (the extended protocol: one statement, bind parameters); values arrive as text. */
  cursor(text: string, values: Array<string | null>, opts?: CursorOptions): ResultCursor
  /** Stop reading from the server until resume() (TCP backpressure: the server waits to send). */
  pause(): void
  resume(): void
  /** Throws CANCELLED once the caller cancelled or the store is closing (checked between reads). */
  throwIfCancelled(): void
  /** Stop the running statement on the server (our side failed, or has read enough); the transaction still ends cleanly. */
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

/** Every value as PostgreSQL's text: the callers parse by the statement's own column types. */
const RAW_TYPES: CustomTypesConfig = { getTypeParser: (() => (v: string) => v) as CustomTypesConfig['getTypeParser'] }

/**
 * pg-cursor with parameter types in its Parse message (0 lets the server infer
 * one from the statement, as for a literal), and rows handed over one by one as
 * they arrive. pg-cursor sends Parse without types, so the one call is wrapped
 * while it submits.
 */
class TypedCursor extends Cursor {
  constructor(
    text: string,
    values: Array<string | null>,
    config: Cursor.CursorQueryConfig,
    private readonly paramTypes: number[],
    private readonly onRow?: (row: Array<string | null>) => boolean,
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

  /** pg-cursor's own keeps every row of the batch; with onRow the caller decides. */
  handleDataRow(msg: { fields: Array<string | null> }): void {
    if (!this.onRow) {
      ;(Cursor.prototype as unknown as { handleDataRow(m: unknown): void }).handleDataRow.call(this, msg)
      return
    }
    const row = msg.fields
    if (this.onRow(row)) (this as unknown as { _rows: unknown[] })._rows.push(row)
  }
}

const batch = (cursor: Cursor, rows: number) =>
  new Promise<CursorBatch>((resolve, reject) => {
    cursor.read(rows, (err, got, result) => (err ? reject(err) : resolve({ rows: got as CursorBatch['rows'], fields: result?.fields ?? [] })))
  })

/** "$3" of PostgreSQL's "could not determine data type of parameter $3" (SQLSTATE 42P18). */
function indeterminateParam(e: unknown): number | null {
  const err = e as { code?: string; message?: string }
  const m = err?.code === '42P18' ? /\$(\d+)/.exec(err.message ?? '') : null
  return m ? Number(m[1]) : null
}

/**
 * Parse and Describe of the unnamed statement, then Sync: the result's columns
 * and the parameters' types, and nothing executed. (node-postgres has no call
 * for it; this is what pg-cursor does, minus Bind and Execute.)
 */
class DescribeStatement {
  fields: FieldDef[] = []
  paramTypes: number[] = []
  private error: unknown = null
  private finished = false
  private connection: { removeListener(e: string, f: unknown): void } | null = null
  private readonly onParameters = (msg: { dataTypeIDs: number[] }) => (this.paramTypes = msg.dataTypeIDs)
  readonly done: Promise<void>
  private settle!: (err: unknown) => void

  constructor(
    private readonly text: string,
    private readonly types: number[],
  ) {
    this.done = new Promise((resolve, reject) => (this.settle = (err) => (err ? reject(err) : resolve())))
  }

  submit(connection: {
    on(e: string, f: unknown): void
    removeListener(e: string, f: unknown): void
    parse(q: unknown): void
    describe(q: unknown): void
    sync(): void
  }): void {
    this.connection = connection
    connection.on('parameterDescription', this.onParameters)
    connection.parse({ text: this.text, types: this.types })
    connection.describe({ type: 'S', name: '' })
    connection.sync()
  }
  handleRowDescription(msg: { fields: FieldDef[] }): void {
    this.fields = msg.fields
  }
  handleError(err: unknown): void {
    // node-postgres forgets this query on an error (its ReadyForQuery goes to nobody): answer now. The
    // server skips to our Sync, and the client queues what comes next until it is ready again.
    this.error = err
    this.finish()
  }
  handleReadyForQuery(): void {
    this.finish()
  }
  handleDataRow(): void {}
  handleCommandComplete(): void {}
  handleEmptyQuery(): void {}
  handlePortalSuspended(): void {}
  private finish(): void {
    if (this.finished) return
    this.finished = true
    this.connection?.removeListener('parameterDescription', this.onParameters)
    this.connection = null
    this.settle(this.error)
  }
}

/**
 * The statement's columns and parameter types. A parameter whose type nothing in
 * the statement decides is sent as text on a second try, after a savepoint (an
 * error would otherwise abort the transaction); statements without parameters
 * pay no extra round trip.
 */
async function describeStatement(conn: DedicatedConnection, text: string, values: Array<string | null>): Promise<{ fields: FieldDef[]; paramTypes: number[] }> {
  const types = values.map(() => 0)
  const once = async () => {
    const d = new DescribeStatement(text, types)
    conn.client.query(d as unknown as pg.Submittable)
    await d.done
    return { fields: d.fields, paramTypes: d.paramTypes.length === values.length ? d.paramTypes : types }
  }
  if (values.length === 0) return once()
  await conn.client.query('SAVEPOINT desk_parameters')
  for (;;) {
    try {
      // The savepoint stays: it costs nothing, and ends with the transaction.
      return await once()
    } catch (e) {
      const n = indeterminateParam(e)
      if (n === null || types[n - 1] === TEXT_OID) throw e
      await conn.client.query('ROLLBACK TO SAVEPOINT desk_parameters')
      types[n - 1] = TEXT_OID
    }
  }
}

/** Names, PostgreSQL's names of the types, and their size class, in one catalog query. */
async function resultColumns(conn: DedicatedConnection, fields: FieldDef[]): Promise<ResultColumn[]> {
  if (fields.length === 0) return []
  const { rows } = await conn.client.query<{ type: string | null; category: string | null; typlen: number | null }>({
    text: `SELECT format_type(u.o, u.m) AS type, t.typcategory AS category, t.typlen::int AS typlen
             FROM unnest($1::oid[], $2::int[]) WITH ORDINALITY AS u(o, m, i) LEFT JOIN pg_type t ON t.oid = u.o ORDER BY u.i`,
    values: [fields.map((f) => f.dataTypeID), fields.map((f) => f.dataTypeModifier)],
  })
  return fields.map((f, i) => ({
    name: f.name,
    oid: f.dataTypeID,
    typmod: f.dataTypeModifier,
    type: rows[i]?.type ?? 'unknown',
    category: columnCategory(f.dataTypeID, rows[i]?.category ?? ''),
    typlen: rows[i]?.typlen ?? -1,
    typcategory: rows[i]?.category ?? '',
  }))
}

/**
 * A cursor over the statement. Without paramTypes, a parameter whose type
 * nothing decides is retried as text after a savepoint, as describe() does.
 */
function openCursor(conn: DedicatedConnection, text: string, values: Array<string | null>, opts: CursorOptions, open: Set<Cursor>): ResultCursor {
  const types = opts.paramTypes ? [...opts.paramTypes] : values.map(() => 0)
  let cursor: Cursor | null = null
  const start = () => {
    cursor = conn.client.query(new TypedCursor(text, values, { rowMode: 'array', types: RAW_TYPES }, types, opts.onRow))
    open.add(cursor)
    return cursor
  }
  // A server error in a wrapper points into the user's text through the wrapper's own mapping.
  const mapped = (e: unknown) => (opts.sent && !isAppError(e) && (e as { severity?: string })?.severity ? toQueryError(e, conn, opts.sent) : e)
  // After an error the server has dropped the statement, and node-postgres stops telling this cursor
  // anything (waiting for its close would wait forever): a failed cursor is just forgotten.
  const failed = (c: Cursor) => (e: unknown) => {
    open.delete(c)
    throw mapped(e)
  }
  return {
    async read(rows) {
      if (cursor) return batch(cursor, rows).catch(failed(cursor))
      if (values.length === 0 || opts.paramTypes) return batch(start(), rows).catch(failed(cursor!))
      await conn.client.query('SAVEPOINT desk_parameters')
      for (;;) {
        const c = start()
        try {
          return await batch(c, rows)
        } catch (e) {
          open.delete(c)
          const n = indeterminateParam(e)
          if (n === null || types[n - 1] === TEXT_OID) throw mapped(e)
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
  const conn = await store.checkout(opts.signal)
  const open = new Set<Cursor>()
  let cancelSent: Promise<void> | null = null
  const isCancelled = () => !!opts.signal?.aborted || conn.closing.aborted
  const onAbort = () => void (cancelSent ??= conn.cancel())
  opts.signal?.addEventListener('abort', onAbort)
  conn.closing.addEventListener('abort', onAbort)
  let broken = false
  const socket = (conn.client as unknown as { connection: { stream: Socket } }).connection.stream
  let paused = false
  try {
    if (isCancelled()) throw cancelled()
    // Results are rendered the same everywhere: ISO dates in UTC, bytea as hex.
    await conn.begin({ timeoutMs: opts.timeoutMs, extra: { TimeZone: 'UTC', DateStyle: 'ISO, YMD', bytea_output: 'hex' } })
    return await fn({
      connection: conn,
      describe: async (text, values) => {
        const { fields, paramTypes } = await describeStatement(conn, text, values)
        return { columns: await resultColumns(conn, fields), paramTypes }
      },
      cursor: (text, values, opts = {}) => openCursor(conn, text, values, opts, open),
      pause: () => {
        if (!paused) socket.pause()
        paused = true
      },
      resume: () => {
        if (paused) socket.resume()
        paused = false
      },
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
    // A reader that stopped the flow (its writer failed) must not leave the answers to what follows waiting.
    if (paused) socket.resume()
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
