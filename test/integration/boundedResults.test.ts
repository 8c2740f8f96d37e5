import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { runQuery } from '../../electron/services/query/queryRunner'
import { exportResult } from '../../electron/services/query/resultExport'
import { parserFor } from '../../electron/services/query/resultValues'
import { loadValue } from '../../electron/services/query/wholeValue'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'

const MiB = 1024 * 1024
/** 600 MB of text: above Node's string limit (~512 Mi characters), which used to throw inside the driver and end the process. */
const HUGE = "SELECT 1 AS n, repeat('x', 600000000) AS big, 'after' AS s"

/** Peak RSS growth (MB) while `work` runs, sampled as auditExport.test.ts does. */
/** A bound on memory growth that still proves a 600 MB value was never held whole (a JS string of it alone is 600 MB). */
const HALF_THE_VALUE_MB = 300

async function rssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; mb: number }> {
  const baseline = process.memoryUsage().rss
  let peak = baseline
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  try {
    const result = await work()
    return { result, mb: (peak - baseline) / 1024 / 1024 }
  } finally {
    clearInterval(sampler)
  }
}

/** The first and last bytes of a file far bigger than a test should read. */
function ends(path: string, n = 40): { head: string; tail: string } {
  const fd = openSync(path, 'r')
  try {
    const size = statSync(path).size
    const head = Buffer.alloc(Math.min(n, size))
    const tail = Buffer.alloc(Math.min(n, size))
    readSync(fd, head, 0, head.length, 0)
    readSync(fd, tail, 0, tail.length, size - tail.length)
    return { head: head.toString('utf8'), tail: tail.toString('utf8') }
  } finally {
    closeSync(fd)
  }
}

describe('bounded results: no value, row or result can overwhelm the app', () => {
  let store: StoreHandle
  let admin: pg.Client
  let dir: string

  beforeAll(async () => {
    const db = await createDatabase('bounded', FIXTURES.small.template)
    // A long statement timeout: the statement must be allowed to finish, so that it is the app's reading that is tested.
    store = await openStore(targetFor(db), { statementTimeoutMs: 600_000 })
    admin = adminClient(db)
    await admin.connect()
    dir = await mkdtemp(join(tmpdir(), 'desk-bounded-'))
    // Warm up (JIT, driver buffers): what is measured is what the values add.
    await runQuery(store, { sql: "SELECT repeat('x', 3000000) AS w", params: {}, max_rows: 10 })
  })
  afterAll(async () => {
    await store?.close()
    await admin?.end()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('a 600 MB value reaches the grid as its first MiB with its full size; the process lives on, memory stays flat', async () => {
    const { result: r, mb } = await rssGrowth(() => runQuery(store, { sql: HUGE, params: {}, max_rows: 1000 }))
    console.log(`600 MB value in the grid: peak RSS growth ${mb.toFixed(1)} MB, ${r.duration_ms} ms`)
    expect(r.columns.map((c) => [c.name, c.type])).toEqual([
      ['n', 'integer'],
      ['big', 'text'],
      ['s', 'text'],
    ])
    expect(r.rows).toHaveLength(1)
    expect(r.rows[0][0]).toBe(1)
    expect(r.rows[0][1]).toBe('x'.repeat(MiB))
    expect(r.rows[0][2]).toBe('after')
    expect(r.cut_values).toEqual([{ row: 0, column: 1, bytes: 600_000_000 }])
    expect(r).toMatchObject({ truncated: false, stopped_by: null, max_value_bytes: MiB })
    expect(mb).toBeLessThan(100)
    // The same connection pool answers the next statement.
    expect((await runQuery(store, { sql: 'SELECT 2 AS two', params: {}, max_rows: 1 })).rows).toEqual([[2]])
  }, 180_000)

  it('exports of the 600 MB value: CSV through COPY writes it whole as a stream; JSON Lines cuts it at 16 MiB and says so; the cell alone is written whole', async () => {
    const csv = join(dir, 'huge.csv')
    const copied = await rssGrowth(() => exportResult(store, { sql: HUGE, params: {}, format: 'csv', path: csv }))
    console.log(`600 MB value, CSV through COPY: peak RSS growth ${copied.mb.toFixed(1)} MB, ${copied.result.duration_ms} ms`)
    expect(copied.result).toMatchObject({ rows: 1, cut_values: 0 })
    expect(statSync(csv).size).toBe('n,big,s\n'.length + '1,'.length + 600_000_000 + ',after\n'.length)
    expect(ends(csv)).toEqual({ head: `n,big,s\n1,${'x'.repeat(30)}`, tail: `${'x'.repeat(33)},after\n` })
    expect(copied.mb).toBeLessThan(100)

    const jsonl = join(dir, 'huge.jsonl')
    const cut = await rssGrowth(() => exportResult(store, { sql: HUGE, params: {}, format: 'jsonl', path: jsonl }))
    console.log(`600 MB value, JSON Lines through a cursor (cut at 16 MiB): peak RSS growth ${cut.mb.toFixed(1)} MB, ${cut.result.duration_ms} ms`)
    expect(cut.result).toMatchObject({ rows: 1, cut_values: 1, cut_examples: [{ row: 0, column: 1, name: 'big', bytes: 600_000_000 }] })
    const line = JSON.parse(readFileSync(jsonl, 'utf8'))
    expect(line).toEqual({ n: 1, big: 'x'.repeat(16 * MiB), s: 'after' })
    expect(cut.mb).toBeLessThan(HALF_THE_VALUE_MB)

    const cell = join(dir, 'cell.jsonl')
    const whole = await rssGrowth(() => exportResult(store, { sql: HUGE, params: {}, format: 'jsonl', path: cell, value: { row: 0, column: 1 } }))
    console.log(`600 MB value alone, whole, in chunks: peak RSS growth ${whole.mb.toFixed(1)} MB, ${whole.result.duration_ms} ms`)
    expect(whole.result).toMatchObject({ rows: 1, cut_values: 0 })
    expect(statSync(cell).size).toBe('{"big":"'.length + 600_000_000 + '"}\n'.length)
    expect(ends(cell)).toEqual({ head: `{"big":"${'x'.repeat(32)}`, tail: `${'x'.repeat(37)}"}\n` })
    // Bounded by the chunks in flight, never the value (600 MB): 21–160 MB seen across PostgreSQL 12–18 and machines
    // (how many freed chunks the process keeps before a GC varies), so the bound is half the value: holding it would be 600.
    expect(whole.mb).toBeLessThan(HALF_THE_VALUE_MB)
    expect(readdirSync(dir).sort()).toEqual(['cell.jsonl', 'huge.csv', 'huge.jsonl'])
  }, 300_000)

  it('"load whole value" fetches one value in chunks, up to 64 MiB, and says when it is not all of it', async () => {
    const { result: big, mb } = await rssGrowth(() => loadValue(store, { sql: HUGE, params: {}, row: 0, column: 1 }))
    console.log(`load whole value of 600 MB: ${mb.toFixed(1)} MB peak RSS growth, ${big.duration_ms} ms`)
    expect(big).toMatchObject({ bytes: 600_000_000, complete: false })
    expect(big.value).toBe('x'.repeat(64 * MiB))
    expect(mb).toBeLessThan(400)

    const sql = `SELECT g, repeat('é', 700000) || g AS t, decode(repeat('ab', 600000), 'hex') AS b, NULL::jsonb AS j, (g * 1.5)::numeric AS x
                   FROM generate_series(1, 3) AS g ORDER BY g DESC`
    // The same value the grid cut, whole: UTF-8 across chunk boundaries, bytea as hex; typed as the grid types it.
    const grid = await runQuery(store, { sql, params: {}, max_rows: 10 })
    expect(grid.cut_values).toEqual([
      { row: 0, column: 1, bytes: 1_400_001 },
      { row: 0, column: 2, bytes: 600_000 },
      { row: 1, column: 1, bytes: 1_400_001 },
      { row: 1, column: 2, bytes: 600_000 },
      { row: 2, column: 1, bytes: 1_400_001 },
      { row: 2, column: 2, bytes: 600_000 },
    ])
    const text = await loadValue(store, { sql, params: {}, row: 1, column: 1 })
    expect(text).toMatchObject({ value: `${'é'.repeat(700000)}2`, bytes: 1_400_001, complete: true })
    expect(String(grid.rows[1][1]).startsWith('é'.repeat(1000))).toBe(true)
    const bin = await loadValue(store, { sql, params: {}, row: 2, column: 2 })
    expect(bin).toMatchObject({ value: `\\x${'ab'.repeat(600000)}`, bytes: 600_000, complete: true })
    expect(await loadValue(store, { sql, params: {}, row: 0, column: 3 })).toMatchObject({ value: null, bytes: null, complete: true })
    expect(await loadValue(store, { sql, params: {}, row: 0, column: 4 })).toMatchObject({ value: 4.5, complete: true })
    // Up to max_bytes, cut at a character: é is two bytes.
    expect(await loadValue(store, { sql, params: {}, row: 0, column: 1, max_bytes: 1025 })).toMatchObject({
      value: 'é'.repeat(512),
      bytes: 1_400_001,
      complete: false,
    })
    await expect(loadValue(store, { sql, params: {}, row: 7, column: 1 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('fewer than 8 rows'),
    })
    await expect(loadValue(store, { sql, params: {}, row: 0, column: 9 })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
  }, 180_000)

  it('values below the cap arrive exactly as the statement alone gives them: types, NULLs, arrays, bytea, json, records, padding', async () => {
    const sql = `SELECT 1::int2 AS i2, 9007199254740993::int8 AS big, 'NaN'::float8 AS nan, 12345678901234567890.5 AS num, true AS b, NULL::text AS nothing,
        'x'::char(4) AS padded, 'a"b\\c'::text AS quoted, 'naïve 🙂'::varchar AS uni, '\\x00ff0a'::bytea AS bin, NULL::bytea AS nobin,
        '{"a": [1, "é"], "b": null}'::jsonb AS jb, '{"z": 1,  "a": 2}'::json AS js, ARRAY['a,b', NULL, 'c"d'] AS arr, ARRAY[[1, 2], [3, 4]] AS nested,
        ROW(1, 'two', NULL) AS rec, int4range(1, 10) AS rng, 'a fat cat'::tsvector AS tsv, '<a>b</a>'::xml AS doc,
        '2026-01-05 12:34:56.5+02'::timestamptz AS tz, interval '1 day 2 hours' AS span, '192.168.0.1/24'::inet AS ip,
        (SELECT array_agg(g) FROM generate_series(1, 1000) g) AS many, repeat('é', 1000) AS long_text`
    const r = await runQuery(store, { sql, params: {}, max_rows: 10 })
    expect(r.cut_values).toEqual([])
    // The statement alone, as the driver receives it (every value as text), in the console's settings.
    const c = await store.checkout()
    try {
      await c.begin({ extra: { TimeZone: 'UTC', DateStyle: 'ISO, YMD', bytea_output: 'hex' } })
      const raw = await c.client.query({ text: sql, rowMode: 'array', types: { getTypeParser: () => (v: string) => v } })
      await c.client.query('ROLLBACK')
      const expected = raw.rows[0].map((v: string | null, i: number) => (v === null ? null : parserFor(raw.fields[i].dataTypeID, 'json')(v)))
      expect(r.rows[0]).toEqual(expected)
      expect(r.columns.map((col) => col.type)).toEqual([
        'smallint',
        'bigint',
        'double precision',
        'numeric',
        'boolean',
        'text',
        'character(4)',
        'text',
        'character varying',
        'bytea',
        'bytea',
        'jsonb',
        'json',
        'text[]',
        'integer[]',
        'record',
        'int4range',
        'tsvector',
        'xml',
        'timestamp with time zone',
        'interval',
        'inet',
        'integer[]',
        'text',
      ])
    } finally {
      await c.release()
    }
    expect(r.rows[0].slice(6, 13)).toEqual(['x   ', 'a"b\\c', 'naïve 🙂', '\\x00ff0a', null, '{"a": [1, "é"], "b": null}', '{"z": 1,  "a": 2}'])
    expect(r.rows[0].slice(13, 16)).toEqual(['{"a,b",NULL,"c\\"d"}', '{{1,2},{3,4}}', '(1,two,)'])
  })

  it('values above the cap are cut at a character boundary and sized in bytes, whatever their type; a value exactly at the cap is whole', async () => {
    const cap = 1024
    const sql = `SELECT repeat('é', 600) AS two_bytes, repeat('a', 1024) AS at_cap, repeat('a', 1025) AS over, decode(repeat('01', 2000), 'hex') AS bin,
        (SELECT jsonb_agg(g) FROM generate_series(1, 500) g) AS doc, (SELECT array_agg(md5(g::text)) FROM generate_series(1, 100) g) AS arr,
        repeat('z', 5000)::char(5000) AS fixed, 'short' AS fine`
    const r = await runQuery(store, { sql, params: {}, max_rows: 5, max_value_bytes: cap })
    const [twoBytes, atCap, over, bin, doc, arr, fixed, fine] = r.rows[0] as string[]
    expect(twoBytes).toBe('é'.repeat(512))
    expect(atCap).toBe('a'.repeat(1024))
    expect(over).toBe('a'.repeat(1024))
    expect(bin).toBe(`\\x${'01'.repeat(511)}`)
    expect(doc.startsWith('[1, 2, 3')).toBe(true)
    expect(Buffer.byteLength(doc)).toBe(1024)
    expect(arr.startsWith('{')).toBe(true)
    expect(fixed).toBe('z'.repeat(1024))
    expect(fine).toBe('short')
    const docBytes = Number((await admin.query('SELECT octet_length((SELECT jsonb_agg(g) FROM generate_series(1, 500) g)::text) AS n')).rows[0].n)
    expect(r.cut_values).toEqual([
      { row: 0, column: 0, bytes: 1200 },
      { row: 0, column: 2, bytes: 1025 },
      { row: 0, column: 3, bytes: 2000 },
      { row: 0, column: 4, bytes: docBytes },
      { row: 0, column: 5, bytes: 100 * 33 + 1 },
      { row: 0, column: 6, bytes: 5000 },
    ])
  })

  it('the grid stops at its byte budget, says so, and the server stops producing the rest', async () => {
    const sql = 'SELECT g, repeat(md5(g::text), 6000) AS wide FROM generate_series(1, 100000) AS g'
    const started = Date.now()
    const r = await runQuery(store, { sql, params: {}, max_rows: 100_000, max_result_bytes: 4 * MiB })
    // Each row holds about 192 kB: the budget takes 21 of them, not the 100,000 asked for (19 GB).
    expect(r).toMatchObject({ stopped_by: 'bytes', truncated: true, max_result_bytes: 4 * MiB })
    expect(r.row_count_shown).toBe(21)
    expect(r.rows.map((row) => row[0])).toEqual(Array.from({ length: 21 }, (_, i) => i + 1))
    expect(r.result_bytes).toBeLessThanOrEqual(4 * MiB)
    expect(Date.now() - started).toBeLessThan(20_000)
    // Cancelled on the server, not read to the end; the pool's connection is clean and usable.
    const { rows } = await admin.query(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%repeat(md5(g::text), 6000)%' AND pid <> pg_backend_pid()",
    )
    expect(rows[0].n).toBe(0)
    expect((await runQuery(store, { sql: 'SELECT 3 AS three', params: {}, max_rows: 1 })).rows).toEqual([[3]])
    // The row cap still says "rows".
    expect(await runQuery(store, { sql: 'SELECT g FROM generate_series(1, 10) g', params: {}, max_rows: 4 })).toMatchObject({
      stopped_by: 'rows',
      truncated: true,
      row_count_shown: 4,
    })
  }, 60_000)

  it('the wrapper keeps what the statement means: its ORDER BY, repeated names, a trailing comment, parameters, errors where they were typed', async () => {
    const ordered = await runQuery(store, {
      sql: 'SELECT md5(g::text) AS h, g AS h FROM generate_series(1, 50) g ORDER BY g DESC -- newest first',
      params: {},
      max_rows: 100,
      max_value_bytes: 1024,
    })
    expect(ordered.columns.map((c) => c.name)).toEqual(['h', 'h'])
    expect(ordered.rows.map((row) => row[1])).toEqual(Array.from({ length: 50 }, (_, i) => 50 - i))
    const params = await runQuery(store, {
      sql: 'SELECT repeat(:s, :n::int) AS r, :label AS label',
      params: { s: 'ab', n: 3, label: 'untyped' },
      max_rows: 1,
      max_value_bytes: 1024,
    })
    expect(params.rows).toEqual([['ababab', 'untyped']])
    const err = await runQuery(store, { sql: 'SELECT md5(g::text),\n       no_such_column FROM generate_series(1, 3) g', params: {}, max_rows: 5 }).catch(
      (e) => e,
    )
    expect(err).toMatchObject({ code: 'QUERY_FAILED', details: { position: 28 } })
    const late = await runQuery(store, { sql: 'SELECT md5(g::text) AS h, 10 / (g - 2) AS q FROM generate_series(1, 3) g', params: {}, max_rows: 5 }).catch(
      (e) => e,
    )
    expect(late).toMatchObject({ code: 'QUERY_FAILED', message: expect.stringContaining('division by zero') })
    // SHOW and EXPLAIN cannot be wrapped; they answer as before.
    expect((await runQuery(store, { sql: 'SHOW bytea_output', params: {}, max_rows: 1 })).rows).toEqual([['hex']])
  })
})
