import { readFile } from 'node:fs/promises'
import { basename, extname, resolve } from 'node:path'
import type { Command } from 'commander'
import { DEFAULT_QUERY_ROWS, EXPORT_VALUE_BYTES, MAX_QUERY_ROWS, MAX_VALUE_BYTES, MIN_VALUE_BYTES, PARAM_NAME, formatByteLimit } from '@shared/api/queryLimits'
import { AppError, isAppError } from '@shared/api/errors'
import type { CutValue } from '@shared/domain/query'
import { checkStatement, type QueryParams } from '../../services/query/queryRunner'
import { streamResult, type ExportFormat } from '../../services/query/resultExport'
import { withApi, type CliApi } from '../api'
import type { CliIO } from '../io'
import { printTable } from '../output'
import { withStore } from '../storeOptions'
import { parseIntOption } from '../validate'

export interface QueryOptions {
  sql?: string
  file?: string
  param: string[]
  format?: 'table' | 'csv' | 'json' | 'jsonl'
  maxRows?: string
  out?: string
  maxValueBytes?: string
}

/** "line 2, column 7" of a 0-based index in the text. */
function lineColumn(text: string, index: number): string {
  const before = text.slice(0, index)
  const line = before.split('\n').length
  return `line ${line}, column ${index - before.lastIndexOf('\n')}`
}

/** --param name=value (repeatable): the value is text, PostgreSQL gives it the type the statement needs. */
function parseParams(values: string[]): QueryParams {
  const params: QueryParams = {}
  for (const v of values) {
    const i = v.indexOf('=')
    const name = i > 0 ? v.slice(0, i).replace(/^:/, '') : ''
    if (!PARAM_NAME.test(name)) throw new AppError('BAD_REQUEST', `--param "${v}": expected NAME=VALUE, e.g. --param experiment_id=3.`, { field: 'param' })
    params[name] = v.slice(i + 1)
  }
  return params
}

async function readSql(opts: QueryOptions, io: CliIO): Promise<string> {
  if (opts.sql !== undefined) return opts.sql
  if (!opts.file) throw new AppError('BAD_REQUEST', 'Give the statement with --sql "..." or --file FILE (--file - reads standard input).', { field: 'sql' })
  if (opts.file === '-') return io.readStdin()
  try {
    return await readFile(opts.file, 'utf8')
  } catch (e) {
    throw new AppError('BAD_REQUEST', `--file ${opts.file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}.`, {
      field: 'file',
    })
  }
}

/** --out's format: --format when csv or jsonl, else the file's extension (.jsonl, .ndjson), else CSV. */
function outFormat(opts: QueryOptions): ExportFormat {
  if (opts.format === 'csv' || opts.format === 'jsonl') return opts.format
  if (opts.format) throw new AppError('BAD_REQUEST', `--out writes csv or jsonl, not ${opts.format}.`, { field: 'format' })
  return ['.jsonl', '.ndjson'].includes(extname(opts.out ?? '').toLowerCase()) ? 'jsonl' : 'csv'
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`

/** A table cell: a long value shows its start (the rest is in --format csv/json or --out). */
const TABLE_CELL_CHARS = 200
function tableCell(v: unknown): string | null {
  if (v === null) return null
  const s = String(v)
  return s.length > TABLE_CELL_CHARS ? `${s.slice(0, TABLE_CELL_CHARS)}…` : s
}

/** The command's console tab and export (the history and progress events name them). */
const TAB_ID = 'cli'

/** One line on stderr about values that arrived cut: how many, the first, and how to have them whole. */
function cutLine(count: number, first: (CutValue & { name: string }) | undefined, cap: number, whole: string): string {
  if (!count || !first) return ''
  const where = `row ${first.row + 1}, column ${first.name}: ${first.bytes.toLocaleString('en-US')} bytes`
  return `${count.toLocaleString('en-US')} value(s) larger than ${formatByteLimit(cap)} arrived cut to their first ${formatByteLimit(cap)} (first: ${where}); ${whole}.`
}

export async function query(io: CliIO, opts: QueryOptions, cmd: Command): Promise<void> {
  const sql = await readSql(opts, io)
  const params = parseParams(opts.param)
  const maxRows = parseIntOption('--max-rows', opts.maxRows) ?? DEFAULT_QUERY_ROWS
  if (maxRows < 1 || maxRows > MAX_QUERY_ROWS) throw new AppError('BAD_REQUEST', `--max-rows: between 1 and ${MAX_QUERY_ROWS}.`, { field: 'max-rows' })
  const format = opts.out ? outFormat(opts) : (opts.format ?? 'table')
  const maxValueBytes = parseIntOption('--max-value-bytes', opts.maxValueBytes)
  if (maxValueBytes !== undefined && (maxValueBytes < MIN_VALUE_BYTES || maxValueBytes > MAX_VALUE_BYTES)) {
    throw new AppError('BAD_REQUEST', `--max-value-bytes: between ${MIN_VALUE_BYTES} and ${MAX_VALUE_BYTES} (${formatByteLimit(MAX_VALUE_BYTES)}).`, {
      field: 'max-value-bytes',
    })
  }
  try {
    if (!opts.out && (format === 'csv' || format === 'jsonl')) await streamToStdout(io, cmd, { sql, params, format, maxRows, maxValueBytes })
    else if (opts.out)
      await withApi(cmd, io, (api) => exportToFile(io, api, opts, { sql, params, maxValueBytes }), { chooseExportPath: async () => resolve(opts.out!) })
    else await withApi(cmd, io, (api) => runToTable(io, api, format, { sql, params, maxRows, maxValueBytes }))
  } catch (e) {
    // One line that says where: "... (line 2, column 7)".
    if (!isAppError(e)) throw e
    const message = e.message.replace(/\s*\n\s*/g, ' ')
    const pos = e.details?.position
    throw new AppError(e.code, pos === undefined ? message : `${message.replace(/\.$/, '')} (${lineColumn(sql, pos)}).`, e.details)
  }
}

interface Statement {
  sql: string
  params: QueryParams
  maxValueBytes: number | undefined
}

/** The console's query:run: a table, or its answer as JSON. */
async function runToTable(io: CliIO, api: CliApi, format: string, q: Statement & { maxRows: number }): Promise<void> {
  const r = await api.call('query:run', { tab_id: TAB_ID, sql: q.sql, params: q.params, max_rows: q.maxRows, max_value_bytes: q.maxValueBytes })
  if (format === 'json') io.out(JSON.stringify(r, null, 2))
  else
    printTable(
      io,
      r.columns.map((c) => c.name),
      r.rows.map((row) => row.map(tableCell)),
    )
  const more =
    r.stopped_by === 'bytes'
      ? `; the rows stopped at ${formatByteLimit(r.max_result_bytes)} of values, more exist (--out FILE for all of them)`
      : r.truncated
        ? '; more exist (raise --max-rows, or --out FILE for all of them)'
        : ''
  io.err(`${r.row_count_shown} row(s) in ${r.duration_ms} ms${more}.`)
  const first = r.cut_values[0]
  const cut = cutLine(
    r.cut_values.length,
    first && { ...first, name: r.columns[first.column].name },
    r.max_value_bytes,
    `raise --max-value-bytes (up to ${formatByteLimit(MAX_VALUE_BYTES)}), or --out FILE.csv to have them whole`,
  )
  if (cut) io.err(cut)
}

/** The console's query:export, to --out (the desktop app asks with a save dialog): every row, streamed to the file. */
async function exportToFile(io: CliIO, api: CliApi, opts: QueryOptions, q: Statement): Promise<void> {
  const path = resolve(opts.out!)
  const format = outFormat(opts)
  // The name only labels the export (a dialog would suggest it); --out says where.
  const fileName =
    basename(path)
      .replace(/[/\\:*?"<>|\u0000-\u001f\u007f]/g, '_')
      .replace(/^\.+|\.{2,}/g, '') || `result.${format}`
  let lastLine = performance.now()
  const stop = api.events.subscribe((event, payload) => {
    const p = payload as { export_id: string; rows: number; bytes: number; done: boolean }
    if (event !== 'query:export-progress' || p.export_id !== TAB_ID || p.done || performance.now() - lastLine < 5000) return
    lastLine = performance.now()
    io.err(`… ${p.rows.toLocaleString('en-US')} rows, ${mb(p.bytes)}`)
  })
  try {
    const r = await api.call('query:export', { export_id: TAB_ID, sql: q.sql, params: q.params, format, file_name: fileName, max_value_bytes: q.maxValueBytes })
    io.err(`Wrote ${r.rows.toLocaleString('en-US')} row(s), ${mb(r.bytes)}, to ${r.path} in ${(r.duration_ms / 1000).toFixed(1)} s.`)
    const cut = cutLine(
      r.cut_values,
      r.cut_examples[0],
      q.maxValueBytes ?? EXPORT_VALUE_BYTES,
      'a CSV of a statement without parameters writes every value whole',
    )
    if (cut) io.err(cut)
  } finally {
    stop()
  }
}

/**
 * CSV or JSON Lines on standard output, streamed as the rows arrive. No API call answers with a
 * stream to its caller (query:export writes a file), so this one path reads the store itself.
 */
async function streamToStdout(io: CliIO, cmd: Command, q: Statement & { format: ExportFormat; maxRows: number }): Promise<void> {
  // Ctrl-C sends PostgreSQL's cancel request; the command then fails with CANCELLED.
  const controller = new AbortController()
  const unsubscribe = io.onInterrupt?.(() => controller.abort())
  try {
    // A refused statement or a missing parameter is answered before any store is opened (or a demo server started).
    await checkStatement(q.sql, q.params)
    await withStore(cmd, io, async (store) => {
      const r = await streamResult(
        store,
        { sql: q.sql, params: q.params, format: q.format, maxRows: q.maxRows, signal: controller.signal, maxValueBytes: q.maxValueBytes },
        async (chunk) => {
          io.out(chunk.toString())
          return Buffer.byteLength(chunk)
        },
      )
      if (r.truncated) io.err(`First ${r.rows} rows shown; more exist (raise --max-rows, or --out FILE for all of them).`)
      const cut = cutLine(
        r.cut_values,
        r.cut_examples[0],
        q.maxValueBytes ?? EXPORT_VALUE_BYTES,
        '--out FILE.csv of a statement without parameters writes every value whole',
      )
      if (cut) io.err(cut)
    })
  } finally {
    unsubscribe?.()
  }
}
