import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { explainQuery } from '../../electron/services/query/explainPlan'
import { runQuery } from '../../electron/services/query/queryRunner'
import { describeSchema } from '../../electron/services/query/schemaCatalog'
import type { PlanNode } from '@shared/domain/query'
import { createDatabase, targetFor } from '../helpers/databases'
import { FIXTURES, readManifest } from '../helpers/fixtures'

const run = (store: StoreHandle, sql: string, params: Record<string, string | number | null> = {}, max_rows = 1000) =>
  runQuery(store, { sql, params, max_rows })

function nodes(plan: PlanNode): PlanNode[] {
  return [plan, ...plan.children.flatMap(nodes)]
}

describe('running audit queries', () => {
  let store: StoreHandle
  let slow: StoreHandle

  beforeAll(async () => {
    const db = await createDatabase('audit_run', FIXTURES.small.template)
    store = await openStore(targetFor(db), { statementTimeoutMs: 20_000 })
    slow = await openStore(targetFor(db), { statementTimeoutMs: 700 })
  })
  afterAll(async () => {
    await store?.close()
    await slow?.close()
  })

  it('returns columns with PostgreSQL type names and JSON-safe values', async () => {
    const r = await run(
      store,
      `SELECT 1::int2 AS i2, 2 AS i4, 9007199254740993::int8 AS big8, 42::int8 AS small8, 1.5::float8 AS f, 'NaN'::float8 AS nan,
              '-Infinity'::float4 AS ninf, 12345678901234567890.5 AS bignum, 2.25::numeric(6,2) AS num, true AS b, NULL::text AS nothing,
              '\\x0a0b'::bytea AS bin, '2026-01-05 12:34:56.123456+02'::timestamptz AS tz, '2026-01-05 12:34:56'::timestamp AS ts,
              '2026-01-05'::date AS d, '{"a": [1, 2]}'::jsonb AS j, ARRAY[1, 2] AS arr, 'x'::varchar(10) AS v, 'a'::text AS v`,
    )
    expect(r.columns.map((c) => [c.name, c.type, c.category])).toEqual([
      ['i2', 'smallint', 'number'],
      ['i4', 'integer', 'number'],
      ['big8', 'bigint', 'number'],
      ['small8', 'bigint', 'number'],
      ['f', 'double precision', 'number'],
      ['nan', 'double precision', 'number'],
      ['ninf', 'real', 'number'],
      ['bignum', 'numeric', 'number'],
      ['num', 'numeric(6,2)', 'number'],
      ['b', 'boolean', 'boolean'],
      ['nothing', 'text', 'string'],
      ['bin', 'bytea', 'binary'],
      ['tz', 'timestamp with time zone', 'datetime'],
      ['ts', 'timestamp without time zone', 'datetime'],
      ['d', 'date', 'datetime'],
      ['j', 'jsonb', 'json'],
      ['arr', 'integer[]', 'array'],
      ['v', 'character varying(10)', 'string'],
      ['v', 'text', 'string'],
    ])
    expect(r.rows).toEqual([
      [
        1,
        2,
        '9007199254740993',
        42,
        1.5,
        'NaN',
        '-Infinity',
        '12345678901234567890.5',
        2.25,
        true,
        null,
        '\\x0a0b',
        '2026-01-05T10:34:56.123456Z',
        '2026-01-05T12:34:56',
        '2026-01-05',
        '{"a": [1, 2]}',
        '{1,2}',
        'x',
        'a',
      ],
    ])
    expect(JSON.parse(JSON.stringify(r.rows))).toEqual(r.rows)
    expect(r).toMatchObject({ row_count_shown: 1, truncated: false, statement_kind: 'select' })
    expect(r.duration_ms).toBeGreaterThanOrEqual(0)
  })

  it('reads only max_rows (and says more exist), from the real store', async () => {
    const manifest = readManifest('small') as { runs: unknown[] }
    const all = await run(store, 'SELECT run_uuid FROM runs ORDER BY run_uuid')
    expect(all.row_count_shown).toBe(manifest.runs.length)
    const some = await run(store, 'SELECT run_uuid FROM runs ORDER BY run_uuid', {}, 5)
    expect(some).toMatchObject({ row_count_shown: 5, truncated: true })
    expect(some.rows).toEqual(all.rows.slice(0, 5))
    expect((await run(store, 'SELECT g FROM generate_series(1, 5) g', {}, 5)).truncated).toBe(false)
  })

  it('binds :named parameters as values, never as SQL text', async () => {
    const [exp] = (await run(store, 'SELECT experiment_id FROM runs GROUP BY 1 ORDER BY count(*) DESC LIMIT 1')).rows[0]
    const r = await run(store, 'SELECT count(*) AS n, :label AS label FROM runs WHERE experiment_id = :exp AND :exp::int >= 0', {
      exp: String(exp),
      label: "it's; DROP TABLE runs",
    })
    const expected = (await store.select<{ n: number }>('SELECT count(*)::int AS n FROM runs WHERE experiment_id = $1', [exp]))[0].n
    expect(r.rows).toEqual([[expected, "it's; DROP TABLE runs"]])
    expect((await run(store, 'SELECT :v::int + 1', { v: 41 })).rows).toEqual([[42]])
    expect((await run(store, 'SELECT :v IS NULL', { v: null })).rows).toEqual([[true]])
    await expect(run(store, 'SELECT :missing')).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringContaining(':missing'),
      details: { field: 'params.missing' },
    })
  })

  it('runs VALUES, TABLE, SHOW and EXPLAIN as typed', async () => {
    expect((await run(store, 'VALUES (1, $$a$$), (2, NULL)')).rows).toEqual([
      [1, 'a'],
      [2, null],
    ])
    expect((await run(store, 'TABLE experiments')).columns.map((c) => c.name)).toContain('artifact_location')
    expect((await run(store, 'SHOW transaction_read_only')).rows).toEqual([['on']])
    expect((await run(store, 'SHOW TimeZone')).rows).toEqual([['UTC']])
    const explained = await run(store, 'EXPLAIN ANALYZE SELECT count(*) FROM params')
    expect(explained.rows.map((r) => r[0]).join('\n')).toMatch(/actual time=.*Execution Time/s)
  })

  it('reports a server error in the statement with PostgreSQL’s words, pointing into the text as typed', async () => {
    const sql = 'SELECT :p::int + 1 AS x,\n       no_such_column FROM runs'
    const err = await run(store, sql, { p: 1 }).catch((e) => e)
    expect(err).toMatchObject({ code: 'QUERY_FAILED', message: expect.stringContaining('column "no_such_column" does not exist') })
    expect(sql.slice(err.details.position)).toMatch(/^no_such_column/)
    const typed = await run(store, "SELECT 'é' || nope FROM runs").catch((e) => e)
    expect("SELECT 'é' || nope FROM runs".slice(typed.details.position)).toMatch(/^nope/)
    await expect(run(store, 'SELECT 1 / 0')).rejects.toMatchObject({ code: 'QUERY_FAILED', message: expect.stringContaining('division by zero') })
  })

  it('stops at the statement timeout, and the connection is usable again', async () => {
    await expect(run(slow, 'SELECT count(*) FROM generate_series(1, 300000000)')).rejects.toMatchObject({ code: 'TIMEOUT' })
    expect((await run(slow, 'SELECT 1')).rows).toEqual([[1]])
  })

  it('cancels with an AbortSignal: the server stops the statement, the connection stays', async () => {
    const controller = new AbortController()
    const started = Date.now()
    const pending = run(store, 'SELECT count(*) FROM generate_series(1, 300000000)').catch((e) => e)
    const pending2 = runQuery(store, { sql: 'SELECT count(*) FROM generate_series(1, 300000001)', params: {}, max_rows: 1 }, controller.signal).catch((e) => e)
    await new Promise((r) => setTimeout(r, 300))
    controller.abort()
    expect(await pending2).toMatchObject({ code: 'CANCELLED' })
    expect(Date.now() - started).toBeLessThan(5000)
    // The other statement was not touched by that cancel: only that backend was signalled.
    const other = await Promise.race([pending, new Promise((r) => setTimeout(() => r('still running'), 200))])
    expect(other).toBe('still running')
    await store.cancelAll()
    expect(await pending).toMatchObject({ code: 'CANCELLED' })
    expect((await run(store, 'SELECT 2')).rows).toEqual([[2]])
  })

  it('explains a read as a tree with costs, and with analyze, measured times', async () => {
    const sql = 'SELECT r.run_uuid, count(*) FROM runs r JOIN params p ON p.run_uuid = r.run_uuid WHERE r.experiment_id = :exp GROUP BY 1 ORDER BY 2 DESC'
    const plain = await explainQuery(store, { sql, params: { exp: '1' }, analyze: false })
    const all = nodes(plain.plan)
    expect(all.map((n) => n.relation)).toEqual(expect.arrayContaining(['runs', 'params']))
    expect(plain.plan.total_cost).toBeGreaterThan(0)
    expect(all.some((n) => n.details.some((d) => d.startsWith('Sort Key: ')))).toBe(true)
    expect(plain).toMatchObject({ analyzed: false, execution_ms: null })
    expect(plain.plan.actual_total_ms).toBeNull()
    expect(JSON.parse(plain.raw_json)[0].Plan['Node Type']).toBe(plain.plan.node_type)

    const analyzed = await explainQuery(store, { sql, params: { exp: '1' }, analyze: true })
    expect(analyzed.analyzed).toBe(true)
    expect(analyzed.execution_ms).toBeGreaterThan(0)
    expect(analyzed.plan.actual_total_ms).not.toBeNull()
    expect(nodes(analyzed.plan).find((n) => n.relation === 'runs')?.actual_rows).toBeGreaterThan(0)

    await expect(explainQuery(store, { sql: 'SHOW search_path', params: {}, analyze: false })).rejects.toMatchObject({ code: 'QUERY_REFUSED' })
    await expect(explainQuery(store, { sql: 'EXPLAIN SELECT 1', params: {}, analyze: true })).rejects.toMatchObject({ code: 'QUERY_REFUSED' })
    await expect(explainQuery(store, { sql: 'DELETE FROM runs', params: {}, analyze: true })).rejects.toMatchObject({ code: 'QUERY_REFUSED' })
  })

  it('describes the store’s tables and columns for autocomplete', async () => {
    const s = await describeSchema(store)
    expect(s.schema).toBe('public')
    const runs = s.tables.find((t) => t.name === 'runs')
    expect(runs?.kind).toBe('table')
    expect(runs?.columns).toEqual(
      expect.arrayContaining([
        { name: 'run_uuid', type: 'character varying(32)' },
        { name: 'start_time', type: 'bigint' },
      ]),
    )
    expect(s.tables.map((t) => t.name)).toEqual(expect.arrayContaining(['experiments', 'metrics', 'latest_metrics', 'params', 'tags', 'model_versions']))
  })
})
