import { StringDecoder } from 'node:string_decoder'
import type { QueryValueResponse } from '@shared/api/contract'
import { MAX_VALUE_BYTES } from '@shared/api/queryLimits'
import { AppError } from '@shared/api/errors'
import type { StoreHandle } from '../connections/storeConnection'
import { VALUE_CHUNK_BYTES, cutUtf8, valueChunksStatement, type ResultColumn } from './boundedValues'
import { bindValues, guardOrRefuse, type QueryParams } from './queryRunner'
import { withReadTransaction, type ReadTransaction } from './readTransaction'
import { OID, parserFor } from './resultValues'
import type { GuardedSql } from './sqlGuard'

/** Where a value is: a cell of the statement's result, 0-based as query:run numbered it. */
export interface CellAddress {
  row: number
  column: number
}

/** What the chunks of one value are: its column, and its whole size (null: the value is NULL). */
export interface ValueHead {
  column: ResultColumn
  /** Bytes: of its text in UTF-8, or for bytea of the binary value. */
  total: number | null
}

/**
 * Read one value of the statement's result in chunks the server cuts (a MiB of
 * bytes each, hex on the wire), calling `onChunk` with each as it comes; it
 * answers false to stop (the rest is never produced). The statement is only
 * described first (nothing runs), then runs once, numbered row by row as it
 * comes: the value at `at.row` is the grid's, as long as the statement returns
 * its rows in the same order (an ORDER BY makes sure).
 */
export async function readValueChunks(
  tx: ReadTransaction,
  guarded: GuardedSql,
  values: Array<string | null>,
  at: CellAddress,
  onChunk: (chunk: Buffer, head: ValueHead) => boolean | Promise<boolean>,
): Promise<ValueHead> {
  if (guarded.kind !== 'select' && guarded.kind !== 'values')
    throw new AppError('BAD_REQUEST', 'Only the values of a SELECT, VALUES or TABLE can be fetched one by one; run it again instead.')
  const shape = await tx.describe(guarded.text, values)
  const column = shape.columns[at.column]
  if (!column) throw new AppError('BAD_REQUEST', `The result has ${shape.columns.length} column(s); there is no column ${at.column + 1}.`, { field: 'column' })
  const stmt = valueChunksStatement(guarded.text, shape.columns, at.column, at.row)
  const sent = { text: stmt.text, toOriginal: (i: number) => guarded.toOriginal(Math.max(0, i - stmt.offset)) }
  const cursor = tx.cursor(stmt.text, values, { paramTypes: shape.paramTypes, sent })
  let head: ValueHead | null = null
  try {
    for (;;) {
      // A chunk per round trip: a MiB, two on the wire; the next is made only when asked for.
      const { rows } = await cursor.read(1)
      for (const [chunk, total] of rows) {
        head ??= { column, total: total === null ? null : Number(total) }
        if (chunk === null) continue
        // bytea's text: "\x" and two hex digits a byte.
        if (!(await onChunk(Buffer.from(chunk.slice(2), 'hex'), head))) return head
      }
      if (rows.length < 1) break
      tx.throwIfCancelled()
    }
  } finally {
    await cursor.close()
  }
  if (!head)
    throw new AppError('NOT_FOUND', `The statement returned fewer than ${at.row + 1} rows this time, so row ${at.row + 1} cannot be fetched: run it again.`)
  return head
}

/**
 * A value's chunks back to its text, as the grid shows it: UTF-8 decoded across
 * chunk boundaries; bytea as "\x" and hex. Stops at `maxBytes` of text.
 */
export function valueText(column: ResultColumn, maxBytes: number): { push(chunk: Buffer): boolean; text(): string; cut: boolean } {
  const parts: string[] = []
  let size = 0
  let cut = false
  if (column.oid === OID.bytea) {
    parts.push('\\x')
    size = 2
    return {
      push(chunk) {
        const room = Math.floor((maxBytes - size) / 2)
        if (chunk.length > room) cut = true
        const part = chunk.subarray(0, Math.max(0, room)).toString('hex')
        parts.push(part)
        size += part.length
        return !cut
      },
      text: () => parts.join(''),
      get cut() {
        return cut
      },
    }
  }
  const decoder = new StringDecoder('utf8')
  return {
    push(chunk) {
      const room = maxBytes - size
      if (chunk.length >= room) {
        // The last piece: cut at a character, as the grid cuts.
        const s = cutUtf8(decoder.write(chunk.subarray(0, Math.min(chunk.length, room + 3))), room)
        parts.push(s)
        size += Buffer.byteLength(s)
        cut = chunk.length > room
        return !cut
      }
      parts.push(decoder.write(chunk))
      size += chunk.length
      return true
    },
    text: () => parts.join('') + (cut ? '' : decoder.end()),
    get cut() {
      return cut
    },
  }
}

/**
 * query:value: one value of the statement's result, whole up to max_bytes.
 * The statement runs again (same guard, same read-only transaction); the value
 * comes in chunks, so its size never matters here, and the server stops making
 * chunks once max_bytes are in.
 */
export async function loadValue(
  store: StoreHandle,
  req: { sql: string; params: QueryParams; row: number; column: number; max_bytes?: number },
  signal?: AbortSignal,
): Promise<QueryValueResponse> {
  const guarded = await guardOrRefuse(req.sql, store)
  const values = bindValues(guarded, req.params)
  const maxBytes = Math.min(req.max_bytes ?? MAX_VALUE_BYTES, MAX_VALUE_BYTES)
  return withReadTransaction(store, { timeoutMs: store.statementTimeoutMs, signal, sent: guarded }, async (tx) => {
    const started = performance.now()
    let collect: ReturnType<typeof valueText> | null = null
    const head = await readValueChunks(tx, guarded, values, req, (chunk, h) => (collect ??= valueText(h.column, maxBytes)).push(chunk))
    const duration_ms = Math.round(performance.now() - started)
    if (head.total === null) return { value: null, bytes: null, complete: true, duration_ms }
    const got = collect as ReturnType<typeof valueText> | null
    const text = got?.text() ?? (head.column.oid === OID.bytea ? '\\x' : '')
    const complete = !got?.cut && head.total <= (head.column.oid === OID.bytea ? Math.floor((maxBytes - 2) / 2) : maxBytes)
    return { value: complete ? parserFor(head.column.oid, 'json')(text) : text, bytes: head.total, complete, duration_ms }
  })
}

export { VALUE_CHUNK_BYTES }
