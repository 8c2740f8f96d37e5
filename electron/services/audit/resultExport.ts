import { randomBytes } from 'node:crypto'
import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { FieldDef } from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import type { QueryExportResponse } from '@shared/api/contract'
import { AppError } from '@shared/api/errors'
import type { StoreHandle } from '../connections/storeConnection'
import { bindValues, guardOrRefuse, type QueryParams } from './queryRunner'
import { COPY_PREFIX, copyCsvStatement } from './copyStatement'
import { withReadTransaction, type ReadTransaction } from './readTransaction'
import { OID } from './resultValues'

export type ExportFormat = 'csv' | 'jsonl'

export interface ExportProgress {
  rows: number
  bytes: number
  elapsed_ms: number
  done: boolean
}

export interface ExportRequest extends Omit<StreamRequest, 'maxRows' | 'onBatch'> {
  /** The file to write (absolute). It appears only once complete. */
  path: string
  onProgress?: (p: ExportProgress) => void
}

/** Rows per cursor read: big enough for throughput, small enough that two batches in flight stay a few MB. */
const BATCH_ROWS = 5000
const PROGRESS_EVERY_MS = 250

/** CSV as PostgreSQL's COPY writes it: NULL is an empty field, an empty string is "". */
function csvField(v: unknown, singleColumn: boolean): string {
  if (v === null || v === undefined) return ''
  const s = String(v)
  if (s === '' || /[",\r\n]/.test(s) || (singleColumn && s === '\\.')) return `"${s.replace(/"/g, '""')}"`
  return s
}

/** How one batch of rows becomes text, given the result's columns. */
function serializer(format: ExportFormat, fields: FieldDef[]): { header: string; rows(rows: unknown[][]): string } {
  if (format === 'csv') {
    const single = fields.length === 1
    return {
      header: fields.map((f) => csvField(f.name, single)).join(',') + '\n',
      rows: (rows) => {
        let out = ''
        for (const r of rows) out += r.map((v) => csvField(v, single)).join(',') + '\n'
        return out
      },
    }
  }
  // JSON Lines: one object per row; repeated column names get _2, _3; json/jsonb values are embedded as JSON.
  const seen = new Map<string, number>()
  const keys = fields.map((f) => {
    const n = (seen.get(f.name) ?? 0) + 1
    seen.set(f.name, n)
    return JSON.stringify(n === 1 ? f.name : `${f.name}_${n}`) + ':'
  })
  const isJson = fields.map((f) => f.dataTypeID === OID.json || f.dataTypeID === OID.jsonb)
  return {
    header: '',
    rows: (rows) => {
      let out = ''
      for (const r of rows) {
        let line = '{'
        for (let i = 0; i < keys.length; i++) line += (i ? ',' : '') + keys[i] + (isJson[i] && r[i] !== null ? (r[i] as string) : JSON.stringify(r[i]))
        out += line + '}\n'
      }
      return out
    },
  }
}

const WRITE_REASONS: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOENT: 'the folder does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  ENAMETOOLONG: 'the name is too long',
}

/** A file system error as WRITE_FAILED naming the file and the reason in words. */
export function writeError(e: unknown, path: string): AppError {
  const code = (e as NodeJS.ErrnoException)?.code ?? ''
  const reason = WRITE_REASONS[code] ?? (e instanceof Error ? e.message : String(e))
  return new AppError('WRITE_FAILED', `Cannot write the export to ${path}: ${reason}${code ? ` (${code})` : ''}. Nothing was written.`)
}

export interface StreamRequest {
  sql: string
  params: QueryParams
  format: ExportFormat
  /** Stop after this many rows (the CLI without --out); default: every row. */
  maxRows?: number
  /** statement_timeout for the whole stream (it is one statement), ms. Default: the store's. */
  timeoutMs?: number
  signal?: AbortSignal
  /** After each batch, with the rows and bytes so far. */
  onBatch?: (rows: number, bytes: number) => void
}

/** Writes text or bytes, resolving with the bytes written. */
export type ResultWriter = (chunk: string | Buffer) => Promise<number>

/** Through a cursor: BATCH_ROWS at a time, the next read in flight while a batch is written. */
async function viaCursor(tx: ReadTransaction, text: string, values: Array<string | null>, req: StreamRequest, write: ResultWriter): Promise<StreamCounts> {
  const limit = req.maxRows ?? Number.POSITIVE_INFINITY
  const counts = { rows: 0, bytes: 0, truncated: false }
  const cursor = tx.cursor(text, values, req.format === 'csv' ? 'text' : 'json')
  // One more than the limit tells whether rows were left out.
  const size = () => Math.min(BATCH_ROWS, limit - counts.rows + 1)
  let batch = await cursor.read(size())
  const out = serializer(req.format, batch.fields)
  let pending = out.header
  while (batch.rows.length > 0) {
    const asked = batch.rows.length
    const take = batch.rows.length > limit - counts.rows ? batch.rows.slice(0, limit - counts.rows) : batch.rows
    counts.truncated = take.length < batch.rows.length
    const next = !counts.truncated && asked === BATCH_ROWS ? cursor.read(size()) : null
    // A rejected read is awaited below; keep it from counting as unhandled while we write.
    next?.catch(() => undefined)
    counts.bytes += await write(pending + out.rows(take))
    pending = ''
    counts.rows += take.length
    req.onBatch?.(counts.rows, counts.bytes)
    tx.throwIfCancelled()
    batch = next ? await next : { rows: [], fields: batch.fields }
  }
  if (pending) counts.bytes += await write(pending)
  await cursor.close()
  return counts
}

/** Through COPY ... TO STDOUT (CSV without parameters): PostgreSQL writes the CSV, we pass the bytes on, with backpressure. */
function viaCopy(tx: ReadTransaction, copyText: string, req: StreamRequest, write: ResultWriter): Promise<StreamCounts> {
  const stream = tx.connection.client.query(copyTo(copyText))
  const counts = { rows: 0, bytes: 0, truncated: false }
  let newlines = 0
  return new Promise((resolve, reject) => {
    let failure: unknown = null
    stream.on('data', (chunk: Buffer) => {
      if (failure) return
      stream.pause()
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++
      write(chunk).then(
        (n) => {
          counts.bytes += n
          // Progress counts lines (minus the header); a value with a line break makes it a little high.
          req.onBatch?.(Math.max(0, newlines - 1), counts.bytes)
          if (req.signal?.aborted || tx.connection.closing.aborted) failure = new AppError('CANCELLED', 'The query was cancelled.')
          stream.resume()
        },
        (e) => {
          // Our side failed: stop the statement on the server and drain what is on its way, so the transaction ends cleanly.
          failure = e
          tx.cancelStatement()
          stream.resume()
        },
      )
    })
    stream.on('error', (e) => reject(failure ?? e))
    stream.on('end', () => (failure ? reject(failure) : resolve({ ...counts, rows: stream.rowCount })))
  })
}

interface StreamCounts {
  rows: number
  bytes: number
  truncated: boolean
}

/**
 * Stream the result of one read statement as CSV or JSON Lines to `write`,
 * with flat memory whatever the row count. A CSV of every row of a statement
 * without parameters goes through COPY (PostgreSQL formats it, as psql's
 * \copy has it); everything else through a cursor that writes the same CSV.
 */
export async function streamResult(store: StoreHandle, req: StreamRequest, write: ResultWriter): Promise<StreamCounts> {
  const guarded = await guardOrRefuse(req.sql, store)
  const values = bindValues(guarded, req.params)
  const copyText = req.format === 'csv' && req.maxRows === undefined ? await copyCsvStatement(guarded) : null
  const sent = copyText ? { text: copyText, toOriginal: (i: number) => guarded.toOriginal(Math.max(0, i - COPY_PREFIX.length)) } : guarded
  return withReadTransaction(store, { timeoutMs: req.timeoutMs ?? store.statementTimeoutMs, signal: req.signal, sent }, (tx) =>
    copyText ? viaCopy(tx, copyText, req, write) : viaCursor(tx, guarded.text, values, req, write),
  )
}

/**
 * Stream the FULL result of one read statement to a file. The rows go to a
 * temp file beside the target, which is renamed over it only when complete: a
 * cancelled or failed export leaves no file behind, and never a half-written
 * one under the real name. Progress about four times a second.
 */
export async function exportResult(store: StoreHandle, req: ExportRequest): Promise<QueryExportResponse> {
  await guardOrRefuse(req.sql, store)
  const started = performance.now()
  const tmp = join(dirname(req.path), `.${basename(req.path)}.${process.pid}-${randomBytes(4).toString('hex')}.part`)
  let fh: FileHandle
  try {
    fh = await open(tmp, 'wx', 0o644)
  } catch (e) {
    throw writeError(e, req.path)
  }
  let lastProgress = 0
  let counts = { rows: 0, bytes: 0 }
  const progress = (done: boolean) => req.onProgress?.({ ...counts, elapsed_ms: Math.round(performance.now() - started), done })
  const write = async (chunk: string | Buffer) => {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk
    try {
      await fh.write(buf)
    } catch (e) {
      throw writeError(e, req.path)
    }
    return buf.length
  }
  try {
    const onBatch = (rows: number, bytes: number) => {
      counts = { rows, bytes }
      if (performance.now() - lastProgress < PROGRESS_EVERY_MS) return
      lastProgress = performance.now()
      progress(false)
    }
    counts = await streamResult(store, { ...req, onBatch }, write)
    try {
      await fh.sync()
      await fh.close()
    } catch (e) {
      throw writeError(e, req.path)
    }
    await rename(tmp, req.path).catch((e) => {
      throw writeError(e, req.path)
    })
  } catch (e) {
    await fh.close().catch(() => undefined)
    await rm(tmp, { force: true })
    progress(true)
    throw e
  }
  progress(true)
  return { path: req.path, rows: counts.rows, bytes: counts.bytes, duration_ms: Math.round(performance.now() - started) }
}
