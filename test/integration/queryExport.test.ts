import { execFileSync } from 'node:child_process'
import { createReadStream, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { exportResult, type ExportProgress } from '../../electron/services/query/resultExport'
import { createDatabase, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'

const FIVE_MILLION = 'SELECT g AS id, md5(g::text) AS hash, g * 0.5 AS half FROM generate_series(1, 5000000) AS g'
const RSS_BOUND_MB = 150

/** Lines and the last line of a file, read as a stream (the file is far bigger than what a test should hold). */
async function scanLines(path: string): Promise<{ lines: number; last: string }> {
  let lines = 0
  let tail = ''
  for await (const chunk of createReadStream(path)) {
    const buf = chunk as Buffer
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) lines++
    tail = (tail + buf.subarray(Math.max(0, buf.length - 200)).toString('utf8')).slice(-400)
  }
  return { lines, last: tail.trimEnd().split('\n').at(-1) ?? '' }
}

describe('exporting the full result of a query', () => {
  let store: StoreHandle
  let dir: string

  beforeAll(async () => {
    store = await openStore(targetFor(await createDatabase('audit_export', FIXTURES.small.template)), { statementTimeoutMs: 300_000 })
    dir = await mkdtemp(join(tmpdir(), 'desk-export-'))
  })
  afterAll(async () => {
    await store?.close()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it(`streams 5,000,000 rows to CSV with flat memory (RSS grows < ${RSS_BOUND_MB} MB), every row written, nothing temporary left`, async () => {
    const path = join(dir, 'five-million.csv')
    // Warm up first (JIT, driver buffers, allocator arenas): what is measured is what the rows add.
    await exportResult(store, { sql: FIVE_MILLION.replace('5000000', '300000'), params: {}, format: 'csv', path })
    const baseline = process.memoryUsage().rss
    let peak = baseline
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
    const seen: ExportProgress[] = []
    try {
      const r = await exportResult(store, { sql: FIVE_MILLION, params: {}, format: 'csv', path, onProgress: (p) => seen.push(p) })
      expect(r).toMatchObject({ path, rows: 5_000_000 })
      expect(r.bytes).toBeGreaterThan(200 * 1024 * 1024)
    } finally {
      clearInterval(sampler)
    }
    const growthMb = (peak - baseline) / 1024 / 1024
    console.log(`5M-row CSV export: peak RSS growth ${growthMb.toFixed(1)} MB`)
    expect(growthMb).toBeLessThan(RSS_BOUND_MB)
    const { lines, last } = await scanLines(path)
    expect(lines).toBe(5_000_001)
    expect(last).toBe(`5000000,${execFileSync('sh', ['-c', 'printf 5000000 | md5sum']).toString().split(' ')[0]},2500000.0`)
    expect(readFileSync(path, { encoding: 'utf8', flag: 'r' }).slice(0, 60).split('\n')[0]).toBe('id,hash,half')
    expect(seen.filter((p) => !p.done).length).toBeGreaterThan(2)
    expect(seen.at(-1)).toMatchObject({ done: true, rows: 5_000_000 })
    expect(readdirSync(dir)).toEqual(['five-million.csv'])
  }, 240_000)

  it('writes CSV as PostgreSQL’s COPY does, and JSON Lines with typed values', async () => {
    const sql = `SELECT * FROM (VALUES (1, 'plain', NULL::text, true, '{"k": [1]}'::jsonb, 9007199254740993::int8, 'NaN'::float8),
                                      (2, 'a,b "q"' || E'\\n' || 'line', '', false, NULL, 1, 0.25)) AS t(id, text, empty, flag, doc, big, f)`
    const csv = join(dir, 'types.csv')
    await exportResult(store, { sql, params: {}, format: 'csv', path: csv })
    expect(readFileSync(csv, 'utf8')).toBe('id,text,empty,flag,doc,big,f\n1,plain,,t,"{""k"": [1]}",9007199254740993,NaN\n2,"a,b ""q""\nline","",f,,1,0.25\n')
    const jsonl = join(dir, 'types.jsonl')
    const r = await exportResult(store, { sql, params: {}, format: 'jsonl', path: jsonl })
    expect(r.rows).toBe(2)
    const rows = readFileSync(jsonl, 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(rows).toEqual([
      { id: 1, text: 'plain', empty: null, flag: true, doc: { k: [1] }, big: '9007199254740993', f: 'NaN' },
      { id: 2, text: 'a,b "q"\nline', empty: '', flag: false, doc: null, big: 1, f: 0.25 },
    ])
    const dup = join(dir, 'dup.jsonl')
    await exportResult(store, { sql: 'SELECT 1 AS a, 2 AS a, 3 AS a', params: {}, format: 'jsonl', path: dup })
    expect(JSON.parse(readFileSync(dup, 'utf8'))).toEqual({ a: 1, a_2: 2, a_3: 3 })
  })

  it('CSV through a cursor (a statement with parameters) is byte for byte what COPY writes', async () => {
    const select = (x: string) => `SELECT g, 'a,b "q"' || E'\\n' || g AS text, NULLIF('', '') AS nothing, '' AS empty, g % 2 = 0 AS even, g / 3.0 AS third,
        g::float8 / 7 AS f, '2026-01-05 12:34:56.5+02'::timestamptz + g * interval '1 day' AS at, '\\x00ff'::bytea AS bin,
        jsonb_build_object('g', g) AS doc, ARRAY[g, NULL] AS arr, 'NaN'::float8 AS nan, '\\.' AS dot
      FROM generate_series(1, ${x}) AS g`
    const viaCopy = join(dir, 'copy.csv')
    const viaCursor = join(dir, 'cursor.csv')
    await exportResult(store, { sql: select('12000'), params: {}, format: 'csv', path: viaCopy })
    await exportResult(store, { sql: select(':n'), params: { n: '12000' }, format: 'csv', path: viaCursor })
    const copied = readFileSync(viaCopy, 'utf8')
    expect(copied.split('\n')[1]).toBe('1,"a,b ""q""')
    expect(readFileSync(viaCursor, 'utf8')).toBe(copied)
  })

  it('streams 1,000,000 rows to JSON Lines through a cursor with flat memory', async () => {
    const path = join(dir, 'million.jsonl')
    const sql = 'SELECT g AS id, md5(g::text) AS hash, g % 7 = 0 AS seventh FROM generate_series(1, :n) AS g'
    await exportResult(store, { sql, params: { n: 100_000 }, format: 'jsonl', path })
    const baseline = process.memoryUsage().rss
    let peak = baseline
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
    const r = await exportResult(store, { sql, params: { n: 1_000_000 }, format: 'jsonl', path }).finally(() => clearInterval(sampler))
    expect(r.rows).toBe(1_000_000)
    expect((peak - baseline) / 1024 / 1024).toBeLessThan(RSS_BOUND_MB)
    const { lines, last } = await scanLines(path)
    expect(lines).toBe(1_000_000)
    expect(JSON.parse(last)).toEqual({ id: 1_000_000, hash: expect.stringMatching(/^[0-9a-f]{32}$/), seventh: false })
  }, 120_000)

  it('a cancelled export stops on the server and leaves nothing behind, not even a temp file', async () => {
    const sub = join(dir, 'cancel')
    mkdirSync(sub)
    const controller = new AbortController()
    const path = join(sub, 'never.csv')
    const pending = exportResult(store, {
      sql: FIVE_MILLION,
      params: {},
      format: 'csv',
      path,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.rows > 100_000) controller.abort()
      },
    }).catch((e) => e)
    expect(await pending).toMatchObject({ code: 'CANCELLED' })
    expect(readdirSync(sub)).toEqual([])
    // The store is fine afterwards.
    const again = await exportResult(store, { sql: 'SELECT 1 AS ok', params: {}, format: 'csv', path })
    expect(again.rows).toBe(1)
  })

  it('a failed statement leaves nothing, and an existing file is only replaced by a complete export', async () => {
    const path = join(dir, 'keep.csv')
    writeFileSync(path, 'previous content\n')
    await expect(exportResult(store, { sql: 'SELECT 1 / (g - 3000) FROM generate_series(1, 10000) g', params: {}, format: 'csv', path })).rejects.toMatchObject(
      { code: 'QUERY_FAILED' },
    )
    expect(readFileSync(path, 'utf8')).toBe('previous content\n')
    await expect(exportResult(store, { sql: 'DELETE FROM runs', params: {}, format: 'csv', path })).rejects.toMatchObject({ code: 'QUERY_REFUSED' })
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([])
  })

  it('says clearly when the file cannot be written: no such folder, not a folder', async () => {
    await expect(exportResult(store, { sql: 'SELECT 1', params: {}, format: 'csv', path: join(dir, 'no-such-folder', 'x.csv') })).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      message: expect.stringMatching(/no-such-folder\/x\.csv: the folder does not exist \(ENOENT\)/),
    })
    writeFileSync(join(dir, 'a-file'), '')
    await expect(exportResult(store, { sql: 'SELECT 1', params: {}, format: 'csv', path: join(dir, 'a-file', 'x.csv') })).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      message: expect.stringContaining('a part of the path is not a folder (ENOTDIR)'),
    })
  })

  it('says clearly when the disk is full, and removes what it had written', async () => {
    // A real full disk: a 1 MB tmpfs (the tests run as root, as CI does).
    const small = join(dir, 'small-disk')
    mkdirSync(small)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small])
    try {
      const err = await exportResult(store, {
        sql: 'SELECT g, md5(g::text) FROM generate_series(1, 200000) g',
        params: {},
        format: 'csv',
        path: join(small, 'big.csv'),
      }).catch((e) => e)
      expect(err).toMatchObject({ code: 'WRITE_FAILED', message: expect.stringContaining('the disk is full (ENOSPC)') })
      expect(readdirSync(small)).toEqual([])
    } finally {
      execFileSync('umount', [small])
    }
  })
})
