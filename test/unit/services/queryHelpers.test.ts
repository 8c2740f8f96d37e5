import { describe, expect, it } from 'vitest'
import { missingCapability, queryLibrary, queryLibraryFor, parseLibraryFile } from '../../../electron/services/query/queryLibrary'
import { ALL_CAPABILITIES, type StoreCapabilities } from '../../../electron/services/mlflowSchema/capabilities'
import { safeExportName } from '../../../electron/services/query/exportTarget'
import { writeError } from '../../../electron/services/query/resultExport'
import { OID, resultTypes } from '../../../electron/services/query/resultValues'
import { RunningJobs } from '../../../electron/services/api/runningJobs'

const parse = (oid: number, text: string) => (resultTypes('json').getTypeParser as (oid: number) => (v: string) => unknown)(oid)(text)

describe('result values for the grid and JSON Lines', () => {
  it('keeps every digit of bigint and numeric that a double cannot hold', () => {
    expect(parse(OID.int8, '42')).toBe(42)
    expect(parse(OID.int8, '-9007199254740991')).toBe(-9007199254740991)
    expect(parse(OID.int8, '9007199254740993')).toBe('9007199254740993')
    expect(parse(OID.numeric, '0.001230')).toBe(0.00123)
    expect(parse(OID.numeric, '123456789012345')).toBe(123456789012345)
    expect(parse(OID.numeric, '1234567890123456')).toBe('1234567890123456')
    expect(parse(OID.numeric, '0.1234567890123456789')).toBe('0.1234567890123456789')
    expect(parse(OID.numeric, 'NaN')).toBe('NaN')
    expect(parse(OID.numeric, 'Infinity')).toBe('Infinity')
  })

  it('writes NaN and infinities as strings, timestamps as ISO 8601', () => {
    expect(parse(OID.float8, 'NaN')).toBe('NaN')
    expect(parse(OID.float4, '-Infinity')).toBe('-Infinity')
    expect(parse(OID.float8, '1.7976931348623157e+308')).toBe(1.7976931348623157e308)
    expect(parse(OID.timestamptz, '2026-01-05 12:34:56.5+00')).toBe('2026-01-05T12:34:56.5Z')
    expect(parse(OID.timestamptz, '2026-01-05 12:34:56+05:30')).toBe('2026-01-05T12:34:56+05:30')
    expect(parse(OID.timestamp, '2026-01-05 12:34:56')).toBe('2026-01-05T12:34:56')
    expect(parse(OID.timestamptz, 'infinity')).toBe('infinity')
    expect(parse(OID.timestamp, '0044-03-15 12:00:00 BC')).toBe('0044-03-15 12:00:00 BC')
    expect(parse(OID.bool, 't')).toBe(true)
    expect(parse(OID.jsonb, '{"a": 1}')).toBe('{"a": 1}')
  })

  it('gives CSV PostgreSQL’s own text for every type', () => {
    const text = (resultTypes('text').getTypeParser as (oid: number) => (v: string) => unknown)(OID.bool)
    expect(text('t')).toBe('t')
  })
})

describe('export file names over HTTP', () => {
  it('takes a bare name and adds the extension', () => {
    expect(safeExportName('runs', 'csv')).toBe('runs.csv')
    expect(safeExportName('runs.CSV', 'csv')).toBe('runs.CSV')
    expect(safeExportName('metrics 2026-01', 'jsonl')).toBe('metrics 2026-01.jsonl')
  })

  it('refuses folders, parent references, hidden names and reserved characters', () => {
    for (const bad of ['', ' ', '../x', 'a/b', 'a\\b', '/etc/passwd', '..', 'x..y', '.bashrc', 'C:x', 'a*b', 'a\nb', 'a\u0000b']) {
      expect(() => safeExportName(bad, 'csv'), JSON.stringify(bad)).toThrow(expect.objectContaining({ code: 'BAD_REQUEST', details: { field: 'file_name' } }))
    }
  })
})

describe('write errors say what happened, in words', () => {
  it('names the file and the reason', () => {
    const err = (code: string) => Object.assign(new Error(`${code}: raw`), { code })
    expect(writeError(err('ENOSPC'), '/data/x.csv').message).toBe('Cannot write the export to /data/x.csv: the disk is full (ENOSPC). Nothing was written.')
    expect(writeError(err('EACCES'), '/x.csv').message).toContain('permission denied (EACCES)')
    expect(writeError(err('EROFS'), '/x.csv')).toMatchObject({ code: 'WRITE_FAILED', message: expect.stringContaining('read-only') })
  })
})

describe('the audit library', () => {
  it('reads the header of each file: title, description, parameters with defaults', () => {
    const q = parseLibraryFile(
      'x',
      '-- title: A title\n-- description: What it finds.\n-- param: days = 30 | How far back\n-- param: user\nSELECT :days, :user\n',
    )
    expect(q).toEqual({
      id: 'x',
      title: 'A title',
      description: 'What it finds.',
      sql: 'SELECT :days, :user',
      params: [
        { name: 'days', default: '30', description: 'How far back' },
        { name: 'user', default: null, description: null },
      ],
      needs: [],
      unavailable: null,
    })
    expect(() => parseLibraryFile('bad', 'SELECT 1')).toThrow('no "-- title:" line')
  })

  it('reads which store capabilities a query needs, and refuses a name that is none', () => {
    expect(parseLibraryFile('x', '-- title: T\n-- needs: traceSpans, assessments\nSELECT 1').needs).toEqual(['traceSpans', 'assessments'])
    expect(() => parseLibraryFile('y', '-- title: T\n-- needs: spans\nSELECT 1')).toThrow('y.sql: "-- needs: spans" is not a capability')
  })

  it('says what a store lacks for a query, naming the tables and the MLflow that brought them', () => {
    const none = Object.fromEntries(Object.keys(ALL_CAPABILITIES).map((k) => [k, false])) as unknown as StoreCapabilities
    const spans = queryLibraryFor(none).find((q) => q.id === 'slowest-span-names')!
    expect(spans.unavailable).toBe('This store lacks the table spans (written by MLflow 3.3 and later).')
    expect(queryLibraryFor(ALL_CAPABILITIES).every((q) => q.unavailable === null)).toBe(true)
    expect(queryLibraryFor(null).every((q) => q.unavailable === null)).toBe(true)
    expect(missingCapability('tracePreviews')).toBe(
      'This store lacks the columns trace_info.client_request_id, trace_info.request_preview, trace_info.response_preview (written by MLflow 3.2 and later).',
    )
  })

  it('ships at least the eight queries the issue asks for', () => {
    const ids = queryLibrary().map((q) => q.id)
    expect(ids).toEqual(
      expect.arrayContaining([
        'deleted-runs',
        'runs-per-user-week',
        'zombie-runs',
        'param-drift',
        'model-versions-aliases',
        'artifacts-outside-experiment',
        'nan-inf-metrics',
        'inactive-experiments',
      ]),
    )
  })
})

describe('running jobs per window', () => {
  it('a new job on the same key cancels the old one first; cancelAll stops a window’s jobs only', async () => {
    const running = new RunningJobs()
    const win = {}
    const other = {}
    const until = (signal: AbortSignal) => new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('aborted')))
    const first = running.run(win, 'tab:a', until)
    const second = running.run(win, 'tab:a', async () => 'second')
    expect(await first).toBe('aborted')
    expect(await second).toBe('second')
    const a = running.run(win, 'tab:b', until)
    const b = running.run(other, 'tab:b', until)
    running.cancelAll(win)
    expect(await a).toBe('aborted')
    expect(running.cancel(other, 'tab:b')).toBe(true)
    expect(await b).toBe('aborted')
    expect(running.cancel(other, 'tab:b')).toBe(false)
  })
})
