import { randomBytes } from 'node:crypto'
import { open, rename, rm, type FileHandle } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { StringDecoder } from 'node:string_decoder'
import { to as copyTo } from 'pg-copy-streams'
import type { QueryExportResponse } from '@shared/api/contract'
import { EXPORT_VALUE_BYTES } from '@shared/api/queryLimits'
import { AppError } from '@shared/api/errors'
import type { CutValue, QueryCell, QueryExportProgress } from '@shared/domain/query'
import type { StoreHandle } from '../connections/storeConnection'
import { rawSize, rowDecoder, type ResultColumn } from './boundedValues'
import { bindValues, boundedRead, guardOrRefuse, type QueryParams } from './queryRunner'
import { COPY_PREFIX, copyCsvStatement } from './copyStatement'
import { withReadTransaction, type ReadTransaction } from './readTransaction'
import { OID, parserFor } from './resultValues'
import type { GuardedSql } from './sqlGuard'
import { VALUE_CHUNK_BYTES, readValueChunks, type CellAddress } from './wholeValue'

export type ExportFormat = 'csv' | 'jsonl'

/** How far a console export is (the query:export-progress event's shape). */
export type ExportProgress = QueryExportProgress

export interface ExportRequest extends Omit<StreamRequest, 'maxRows' | 'onBatch'> {
  /** The file to write (absolute). It appears only once complete. */
  path: string
  onProgress?: (p: ExportProgress) => void
}

/**
 * Rows per cursor read. Rows are handed over (and written) one by one as they
 * arrive, so a read needs no room for its batch: this only sets how often the
 * stream pauses for a round trip.
 */
const BATCH_ROWS = 20_000
const PROGRESS_EVERY_MS = 250
/** Text gathered before it is handed to the writer, and how much may be on its way to it before the server is made to wait. */
const FLUSH_CHARS = 256 * 1024
const HIGH_WATER_BYTES = 16 * 1024 * 1024
const LOW_WATER_BYTES = 4 * 1024 * 1024
/** Rows held (as the driver gave them) before they are turned into text in one go: young objects die young. */
const HELD_ROWS = 2000
const HELD_CHARS = 4 * 1024 * 1024
/** Cut values named in the report (the rest are counted). */
const CUT_EXAMPLES = 5

/** CSV as PostgreSQL's COPY writes it: NULL is an empty field, an empty string is "". */
function csvField(v: unknown, singleColumn: boolean): string {
  if (v === null || v === undefined) return ''
  const s = String(v)
  if (s === '' || /[",\r\n]/.test(s) || (singleColumn && s === '\\.')) return `"${s.replace(/"/g, '""')}"`
  return s
}

/** JSON Lines keys: repeated column names get _2, _3. */
function jsonKeys(names: string[]): string[] {
  const seen = new Map<string, number>()
  return names.map((name) => {
    const n = (seen.get(name) ?? 0) + 1
    seen.set(name, n)
    return JSON.stringify(n === 1 ? name : `${name}_${n}`) + ':'
  })
}

/** How one row becomes a line, given the result's columns. */
function serializer(format: ExportFormat, columns: ResultColumn[]): { header: string; row(cells: QueryCell[], cut?: ReadonlySet<number>): string } {
  if (format === 'csv') {
    const single = columns.length === 1
    return {
      header: columns.map((c) => csvField(c.name, single)).join(',') + '\n',
      row: (cells) => cells.map((v) => csvField(v, single)).join(',') + '\n',
    }
  }
  // JSON Lines: one object per row; json/jsonb values are embedded as JSON (a cut one, no longer JSON, as a string).
  const keys = jsonKeys(columns.map((c) => c.name))
  const isJson = columns.map((c) => c.oid === OID.json || c.oid === OID.jsonb)
  return {
    header: '',
    row: (cells, cut) => {
      let line = '{'
      for (let i = 0; i < keys.length; i++) {
        const v = cells[i]
        line += (i ? ',' : '') + keys[i] + (isJson[i] && v !== null && !cut?.has(i) ? (v as string) : JSON.stringify(v))
      }
      return line + '}\n'
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
  /** Through a cursor, values above this many bytes are cut (and counted in the report); default 16 MiB. */
  maxValueBytes?: number
  /** Only this cell of the result, whole whatever its size (its column's name and value, one row). */
  value?: CellAddress
  /** statement_timeout for the whole stream (it is one statement), ms. Default: the store's. */
  timeoutMs?: number
  signal?: AbortSignal
  /** As the writing goes, with the rows and bytes so far. */
  onBatch?: (rows: number, bytes: number) => void
}

/** Writes text or bytes, resolving with the bytes written. */
export type ResultWriter = (chunk: string | Buffer) => Promise<number>

/**
 * Text handed to the writer in order, as bytes (off the JS heap at once), with
 * backpressure: once more than HIGH_WATER_BYTES wait for the writer, the socket
 * stops being read (the server waits to send), and reading resumes below
 * LOW_WATER_BYTES. A write failure stops the statement on the server; drain()
 * throws it.
 */
function pacedWriter(tx: ReadTransaction, write: ResultWriter, onWritten: (bytes: number) => void) {
  let pending = ''
  let queue: Buffer[] = []
  let queued = 0
  let writing: Promise<void> | null = null
  let failure: unknown = null
  const pump = async () => {
    while (queue.length && !failure) {
      const parts = queue
      queue = []
      const buf = parts.length === 1 ? parts[0] : Buffer.concat(parts)
      try {
        onWritten(await write(buf))
      } catch (e) {
        // Our side failed (the disk is full): stop the statement on the server, let what is on its way drain.
        failure ??= e
        tx.cancelStatement()
      } finally {
        queued -= buf.length
      }
      if (queued <= LOW_WATER_BYTES) tx.resume()
    }
    if (failure) tx.resume()
    writing = null
  }
  const flush = () => {
    if (!pending || failure) return
    const buf = Buffer.from(pending, 'utf8')
    pending = ''
    queue.push(buf)
    queued += buf.length
    if (queued > HIGH_WATER_BYTES) tx.pause()
    writing ??= pump()
  }
  return {
    get failed() {
      return failure !== null
    },
    add(text: string) {
      if (failure) return
      pending += text
      if (pending.length >= FLUSH_CHARS) flush()
    },
    async drain(): Promise<void> {
      flush()
      while (writing) await writing
      if (failure) throw failure
    },
    /** Everything added so far is written (or failed): the next chunk can come. */
    async caughtUp(): Promise<void> {
      flush()
      while (writing) await writing
    },
    /** After the read failed: the writes already started end before the transaction does. */
    async settle(): Promise<void> {
      while (writing) await writing.catch(() => undefined)
    },
  }
}

/**
 * Through a cursor: the statement wrapped so the server cuts values above the
 * cap (a 600 MB text cannot reach the driver: Node's strings end at ~512 Mi
 * characters), rows written as they arrive, the socket paused while the
 * writer is behind. Memory stays flat whatever the rows or values.
 */
async function viaCursor(
  tx: ReadTransaction,
  guarded: GuardedSql,
  values: Array<string | null>,
  req: StreamRequest,
  write: ResultWriter,
): Promise<StreamCounts> {
  const limit = req.maxRows ?? Number.POSITIVE_INFINITY
  const { shape, stmt, sent } = await boundedRead(tx, guarded, values, req.maxValueBytes ?? EXPORT_VALUE_BYTES)
  const decode = rowDecoder(shape.columns, stmt, req.format === 'csv' ? 'text' : 'json')
  const out = serializer(req.format, shape.columns)
  const counts: StreamCounts = { rows: 0, bytes: 0, truncated: false, cut_values: 0, cut_examples: [] }
  const writer = pacedWriter(tx, write, (n) => {
    counts.bytes += n
    req.onBatch?.(counts.rows, counts.bytes)
  })
  writer.add(out.header)
  let seen = 0
  let held: Array<Array<string | null>> = []
  let heldChars = 0
  const writeHeld = () => {
    const rows = held
    held = []
    heldChars = 0
    let text = ''
    for (const raw of rows) {
      const { cells, cuts } = decode(raw, counts.rows)
      if (cuts.length) {
        counts.cut_values += cuts.length
        for (const c of cuts) if (counts.cut_examples.length < CUT_EXAMPLES) counts.cut_examples.push({ ...c, name: shape.columns[c.column].name })
      }
      text += out.row(cells, cuts.length ? new Set(cuts.map((c) => c.column)) : undefined)
      counts.rows++
    }
    writer.add(text)
  }
  const cursor = tx.cursor(stmt.text, values, {
    paramTypes: shape.paramTypes,
    sent,
    onRow: (raw) => {
      seen++
      if (writer.failed || counts.truncated) return false
      if (counts.rows + held.length >= limit) {
        counts.truncated = true
        return false
      }
      held.push(raw)
      heldChars += rawSize(raw)
      if (held.length >= HELD_ROWS || heldChars >= HELD_CHARS) writeHeld()
      return false
    },
  })
  try {
    for (;;) {
      // One more than the limit tells whether rows were left out.
      const asked = Math.min(BATCH_ROWS, limit - counts.rows + 1)
      const before = seen
      await cursor.read(asked)
      writeHeld()
      if (seen - before < asked || counts.truncated || writer.failed) break
      tx.throwIfCancelled()
    }
  } catch (e) {
    // A write failure cancelled the statement: say that, not the cancel.
    await writer.settle()
    if (writer.failed) await writer.drain()
    throw e
  }
  await writer.drain()
  await cursor.close()
  return counts
}

/** Through COPY ... TO STDOUT (CSV without parameters): PostgreSQL writes the CSV, we pass the bytes on, with backpressure. */
function viaCopy(tx: ReadTransaction, copyText: string, req: StreamRequest, write: ResultWriter): Promise<StreamCounts> {
  const stream = tx.connection.client.query(copyTo(copyText))
  const counts: StreamCounts = { rows: 0, bytes: 0, truncated: false, cut_values: 0, cut_examples: [] }
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

export interface StreamCounts {
  rows: number
  bytes: number
  truncated: boolean
  /** Values cut on the way (through a cursor: above maxValueBytes), and the first few of them. */
  cut_values: number
  /** With their column's name. */
  cut_examples: Array<CutValue & { name: string }>
}

/**
 * One cell, whole: its column's name and its value as a one-row CSV or JSON
 * Lines file, the value streamed in the chunks the server cuts (a 600 MB text
 * goes through a MiB at a time). A small value is written as the export of its
 * row would write it; a big one as text (bytea as hex, json as JSON).
 */
async function viaValue(
  tx: ReadTransaction,
  guarded: GuardedSql,
  values: Array<string | null>,
  at: CellAddress,
  req: StreamRequest,
  write: ResultWriter,
): Promise<StreamCounts> {
  const counts: StreamCounts = { rows: 1, bytes: 0, truncated: false, cut_values: 0, cut_examples: [] }
  const writer = pacedWriter(tx, write, (n) => {
    counts.bytes += n
    req.onBatch?.(1, counts.bytes)
  })
  let started = false
  let small: Buffer[] = []
  let smallBytes = 0
  let stream: { push(chunk: Buffer): void; end(): void } | null = null
  const head = await readValueChunks(tx, guarded, values, at, async (chunk, h) => {
    if (!stream && smallBytes + chunk.length <= VALUE_CHUNK_BYTES) {
      small.push(chunk)
      smallBytes += chunk.length
      return !writer.failed
    }
    stream ??= valueStream(req.format, h.column, writer, [...small])
    small = []
    stream.push(chunk)
    started = true
    // One chunk in memory at a time: the server makes the next once this one is on disk.
    await writer.caughtUp()
    return !writer.failed
  })
  if (started && stream) {
    ;(stream as { end(): void }).end()
  } else {
    // Small enough to decode as the grid does: typed values, NULL as NULL.
    const out = serializer(req.format, [head.column])
    const bytes = Buffer.concat(small)
    const text = head.total === null ? null : head.column.oid === OID.bytea ? `\\x${bytes.toString('hex')}` : bytes.toString('utf8')
    const cell = text === null ? null : parserFor(head.column.oid, req.format === 'csv' ? 'text' : 'json')(text)
    writer.add(out.header + out.row([cell]))
  }
  await writer.drain()
  return counts
}

/** A big value written as it comes: CSV quoted, JSON escaped, across chunk boundaries (UTF-8 decoded as a stream). */
function valueStream(
  format: ExportFormat,
  column: ResultColumn,
  writer: { add(text: string): void },
  first: Buffer[],
): { push(chunk: Buffer): void; end(): void } {
  const bytea = column.oid === OID.bytea
  const decoder = new StringDecoder('utf8')
  const text = (chunk: Buffer) => (bytea ? chunk.toString('hex') : decoder.write(chunk))
  const raw = format === 'jsonl' && (column.oid === OID.json || column.oid === OID.jsonb)
  const escape = format === 'csv' ? (t: string) => t.replace(/"/g, '""') : raw ? (t: string) => t : (t: string) => JSON.stringify(t).slice(1, -1)
  const open = format === 'csv' ? `${csvField(column.name, true)}\n"` : `{${jsonKeys([column.name])[0]}${raw ? '' : '"'}`
  const close = format === 'csv' ? '"\n' : `${raw ? '' : '"'}}\n`
  writer.add(open + (bytea ? '\\x' : ''))
  for (const c of first) writer.add(escape(text(c)))
  return {
    push: (chunk) => writer.add(escape(text(chunk))),
    end: () => writer.add(escape(bytea ? '' : decoder.end()) + close),
  }
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
  const copyText = req.format === 'csv' && req.maxRows === undefined && !req.value ? await copyCsvStatement(guarded) : null
  const sent = copyText ? { text: copyText, toOriginal: (i: number) => guarded.toOriginal(Math.max(0, i - COPY_PREFIX.length)) } : guarded
  return withReadTransaction(store, { timeoutMs: req.timeoutMs ?? store.statementTimeoutMs, signal: req.signal, sent }, (tx) =>
    req.value
      ? viaValue(tx, guarded, values, req.value, req, write)
      : copyText
        ? viaCopy(tx, copyText, req, write)
        : viaCursor(tx, guarded, values, req, write),
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
  let counts: Pick<StreamCounts, 'rows' | 'bytes'> = { rows: 0, bytes: 0 }
  let cuts: Pick<StreamCounts, 'cut_values' | 'cut_examples'>
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
    const done = await streamResult(store, { ...req, onBatch }, write)
    counts = done
    cuts = done
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
  return {
    path: req.path,
    rows: counts.rows,
    bytes: counts.bytes,
    duration_ms: Math.round(performance.now() - started),
    cut_values: cuts.cut_values,
    cut_examples: cuts.cut_examples,
  }
}
