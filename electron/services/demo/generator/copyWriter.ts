import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type pg from 'pg'
import { from as copyFrom } from 'pg-copy-streams'

/** A cell as the generator produces it. null/undefined become SQL NULL. */
export type CopyValue = string | number | boolean | null | undefined

/** MLflow stores +-infinity as the largest finite double. */
export const MAX_DOUBLE = 1.7976931348623157e308

const NEEDS_ESCAPE = /[\\\t\n\r]/
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }

/**
 * One cell in COPY's text format. Backslash first matters: it is the escape
 * character, so a literal "\N" in a value becomes "\\N" and stays text.
 */
export function encodeCell(v: CopyValue): string {
  if (v === null || v === undefined) return '\\N'
  if (typeof v === 'string') return NEEDS_ESCAPE.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : v
  if (typeof v === 'boolean') return v ? 't' : 'f'
  // JS prints the shortest string that reads back as the same double, which is
  // also what PostgreSQL parses exactly; non-finite values have no MLflow form.
  if (!Number.isFinite(v)) throw new Error(`COPY cell: ${v} must be mapped to MLflow's stored form first`)
  return String(v)
}

/** A whole line (with its newline) for one row. */
export function encodeRow(values: readonly CopyValue[]): string {
  let line = encodeCell(values[0])
  for (let i = 1; i < values.length; i++) line += '\t' + encodeCell(values[i])
  return line + '\n'
}

/** Lines are batched into chunks of about this many characters before they reach the socket. */
const CHUNK_CHARS = 256 * 1024

/** Synchronous on purpose: an async generator would cost a promise per row, millions of them. */
function* chunked(lines: Iterable<string>): Generator<string> {
  let buf = ''
  for (const line of lines) {
    buf += line
    if (buf.length >= CHUNK_CHARS) {
      yield buf
      buf = ''
    }
  }
  if (buf) yield buf
}

export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"'
}

/**
 * Stream encoded lines into `table` with COPY FROM STDIN. pipeline() gives the
 * backpressure: the generator is only pulled when the socket has drained, so
 * lazily generated millions of rows never pile up in memory.
 * Returns the row count the server reports.
 */
export async function copyLines(client: pg.Client, table: string, columns: readonly string[], lines: Iterable<string>): Promise<number> {
  const sql = `COPY ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) FROM STDIN`
  const stream = client.query(copyFrom(sql))
  await pipeline(Readable.from(chunked(lines), { objectMode: false, highWaterMark: 4 * CHUNK_CHARS }), stream)
  return stream.rowCount
}

/** copyLines for rows given as arrays of cells. */
export async function copyRows(client: pg.Client, table: string, columns: readonly string[], rows: Iterable<readonly CopyValue[]>): Promise<number> {
  function* lines() {
    for (const r of rows) {
      if (r.length !== columns.length) throw new Error(`COPY ${table}: row has ${r.length} cells for ${columns.length} columns`)
      yield encodeRow(r)
    }
  }
  return copyLines(client, table, columns, lines())
}
