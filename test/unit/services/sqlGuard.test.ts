import { describe, expect, it } from 'vitest'
import type { CallPolicy } from '../../../electron/services/query/consoleCatalog'
import { guardSql, type GuardedSql } from '../../../electron/services/query/sqlGuard'

/**
 * What the store's catalog would say of pg_sleep (VOLATILE): enough to check where the guard points.
 * The policy itself is tested against real catalogs (test/integration/consoleFunctions.test.ts).
 */
const POLICY: CallPolicy = {
  function: (parts) => (parts.at(-1) === 'pg_sleep' ? `${parts.join('.')}() is not allowed in an audit query: it is VOLATILE.` : null),
  operator: () => null,
  type: () => null,
  relation: () => null,
}

async function allowed(sql: string): Promise<GuardedSql> {
  const r = await guardSql(sql, POLICY)
  if (!r.ok) throw new Error(`refused ${JSON.stringify(sql)}: ${r.refusal.message}`)
  return r
}

/** The refusal, with the text it points at. */
async function refused(sql: string) {
  const r = await guardSql(sql, POLICY)
  if (r.ok) throw new Error(`not refused: ${JSON.stringify(sql)}`)
  const { position, length = 0, message } = r.refusal
  return { message, position, at: position === undefined ? undefined : sql.slice(position, position + length) }
}

describe('the SQL guard: what runs', () => {
  it('without a store (nothing to ask about functions), only the statement’s shape is checked', async () => {
    expect((await guardSql('SELECT pg_sleep(1)')).ok).toBe(true)
    expect((await guardSql('DELETE FROM runs')).ok).toBe(false)
  })

  it('lets one read through and says what kind it is', async () => {
    expect((await allowed('SELECT * FROM runs')).kind).toBe('select')
    expect((await allowed('  with x AS (SELECT 1) SELECT * FROM x;  ')).kind).toBe('select')
    expect((await allowed('VALUES (1), (2)')).kind).toBe('values')
    expect((await allowed('TABLE runs')).kind).toBe('select')
    expect((await allowed('SHOW search_path')).kind).toBe('show')
    expect((await allowed('SELECT 1 UNION ALL SELECT 2 ORDER BY 1')).kind).toBe('select')
    const explain = await allowed('EXPLAIN (ANALYZE, BUFFERS) SELECT * FROM runs')
    expect(explain).toMatchObject({ kind: 'explain', analyze: true })
    // A plain EXPLAIN only plans: even a write may be planned.
    expect(await allowed('EXPLAIN DELETE FROM runs')).toMatchObject({ kind: 'explain', analyze: false })
  })

  it('sends the statement alone: no trailing semicolon', async () => {
    expect((await allowed('SELECT 1;')).text).toBe('SELECT 1')
    expect((await allowed('SELECT 1 -- the end')).text).toBe('SELECT 1 -- the end')
  })

  it('keeps semicolons, comments and dollar quotes that are inside the one statement', async () => {
    expect((await allowed('SELECT 1 /* ; DROP TABLE runs */')).kind).toBe('select')
    expect((await allowed("SELECT '; DROP TABLE runs'")).kind).toBe('select')
    expect((await allowed('SELECT $$ ; DROP TABLE runs $$')).kind).toBe('select')
    expect((await allowed('SELECT $q$ $$ ; DELETE FROM runs $q$')).kind).toBe('select')
  })
})

describe('the SQL guard: what is refused, and where', () => {
  it('more than one statement, however it is hidden', async () => {
    for (const [sql, second] of [
      ['SELECT 1; DROP TABLE runs', 'DROP'],
      ['SELECT 1 -- harmless\n; DELETE FROM runs', 'DELETE'],
      ['SELECT 1 /* ; */ ; DELETE FROM runs', 'DELETE'],
      ['SELECT $$a$$; DROP TABLE params', 'DROP'],
      ['SELECT $x$ $$ ; $x$; TRUNCATE runs', 'TRUNCATE'],
      ['SELECT 1; SET transaction_read_only = off', 'SET'],
      ['SELECT 1;;SELECT 2', 'SELECT'],
    ]) {
      const r = await refused(sql)
      expect(r.message, sql).toContain('One statement at a time')
      expect(r.at, sql).toBe(second)
    }
  })

  it('a first statement that is not a read: named, pointed at', async () => {
    for (const [sql, label] of [
      ['COMMIT; DROP TABLE runs', 'COMMIT'],
      ['; SET transaction_read_only = off', 'SET'],
      ['CALL do_things()', 'CALL'],
      ['DO $$ BEGIN DELETE FROM runs; END $$', 'DO'],
      ["COPY (SELECT 1) TO PROGRAM 'touch /tmp/pwned'", 'COPY'],
      ["COPY runs FROM '/tmp/x'", 'COPY'],
      ['CREATE TEMP TABLE t (x int)', 'CREATE TEMP TABLE'],
      ['CREATE TABLE t AS SELECT * FROM runs', 'CREATE TABLE'],
      ["UPDATE runs SET status = 'FAILED'", 'UPDATE'],
      ['DELETE FROM runs', 'DELETE FROM'],
      ['INSERT INTO params VALUES (1)', 'INSERT INTO'],
      ['TRUNCATE runs', 'TRUNCATE'],
      ['BEGIN', 'BEGIN'],
      ['SET ROLE postgres', 'SET ROLE'],
      ['RESET ALL', 'RESET ALL'],
      ['LOCK TABLE runs', 'LOCK TABLE'],
      ["NOTIFY ch, 'x'", 'NOTIFY'],
      ['LISTEN ch', 'LISTEN'],
      ['VACUUM runs', 'VACUUM'],
      ['PREPARE p AS SELECT 1', 'PREPARE'],
      ['DECLARE c CURSOR FOR SELECT 1', 'DECLARE'],
      ["ALTER SYSTEM SET work_mem = '1GB'", 'ALTER SYSTEM SET'],
      ['GRANT ALL ON runs TO public', 'GRANT ALL ON'],
    ]) {
      const r = await refused(sql)
      expect(r.message, sql).toContain(`${label} is not a read`)
      expect(r.at, sql).toBe(sql.slice(r.position, r.position! + label.length))
    }
  })

  it('data-modifying WITH, at any depth', async () => {
    for (const sql of [
      'WITH d AS (DELETE FROM runs RETURNING *) SELECT count(*) FROM d',
      "WITH u AS (UPDATE runs SET status = 'FAILED' RETURNING 1) SELECT 1",
      "WITH i AS (INSERT INTO experiment_tags VALUES ('k', 'v', 0) RETURNING 1) SELECT 1",
      'SELECT * FROM (WITH d AS (DELETE FROM runs RETURNING *) SELECT * FROM d) x',
      'WITH m AS (MERGE INTO runs r USING runs s ON r.run_uuid = s.run_uuid WHEN MATCHED THEN DELETE RETURNING 1) SELECT 1',
    ]) {
      expect((await refused(sql)).message, sql).toMatch(/data-modifying (DELETE|UPDATE|INSERT|MERGE)/)
    }
  })

  it('row locks and SELECT INTO', async () => {
    const lock = await refused('SELECT * FROM runs FOR UPDATE')
    expect(lock).toMatchObject({ message: expect.stringContaining('FOR UPDATE locks rows'), at: 'FOR UPDATE' })
    expect((await refused('SELECT * FROM runs FOR NO KEY UPDATE SKIP LOCKED')).message).toContain('FOR NO KEY UPDATE')
    expect((await refused('SELECT * FROM runs FOR SHARE')).message).toContain('FOR SHARE')
    expect((await refused('SELECT * FROM (SELECT * FROM runs FOR KEY SHARE) x')).at).toBe('FOR KEY SHARE')
    const into = await refused('SELECT * INTO stolen FROM runs')
    expect(into.message).toContain('SELECT ... INTO')
    expect(into.position).toBe('SELECT * INTO '.length)
    expect((await refused('SELECT * INTO TEMP t FROM runs')).message).toContain('INTO')
  })

  it('EXPLAIN ANALYZE of anything but a read, and EXPLAIN of other statements', async () => {
    expect((await refused('EXPLAIN ANALYZE DELETE FROM runs')).message).toContain('only a read may be analyzed')
    expect((await refused('EXPLAIN (ANALYZE) UPDATE runs SET status = 1')).message).toContain('only a read may be analyzed')
    expect((await refused('EXPLAIN (ANALYZE false) DELETE FROM runs')).message).toContain('only a read may be analyzed')
    expect((await refused('EXPLAIN ANALYZE WITH d AS (DELETE FROM runs RETURNING *) SELECT * FROM d')).message).toContain('data-modifying DELETE')
    expect((await refused('EXPLAIN ANALYZE SELECT pg_sleep(10)')).message).toContain('pg_sleep() is not allowed')
    expect((await refused('EXPLAIN CREATE TABLE t AS SELECT 1')).message).toContain('EXPLAIN here explains a read')
  })

  it('syntax errors, with PostgreSQL’s message and position', async () => {
    const r = await refused('SELECT * FORM runs')
    expect(r.message).toBe('Syntax error at or near "FORM".')
    expect(r.at).toBe('F')
    expect((await refused("SELECT 'unterminated")).message).toContain('Unterminated quoted string')
    expect((await refused('-- nothing but a comment')).message).toContain('Nothing to run')
  })

  it('positions count characters as typed, whatever the bytes', async () => {
    const sql = "SELECT 'ééé 🙂', :p, pg_sleep(1)"
    expect((await refused(sql)).at).toBe('pg_sleep')
    expect((await refused("SELECT 'ü' FROM runs FOR UPDATE")).at).toBe('FOR UPDATE')
  })
})

describe('named parameters', () => {
  it('become $1.. in order of first appearance, each name once', async () => {
    const g = await allowed('SELECT * FROM runs WHERE experiment_id = :exp AND status = :status AND experiment_id <> :exp')
    expect(g.params).toEqual(['exp', 'status'])
    expect(g.text).toBe('SELECT * FROM runs WHERE experiment_id = $1 AND status = $2 AND experiment_id <> $1')
  })

  it('are never found inside strings, quoted names, comments, dollar quotes or ::casts', async () => {
    const g = await allowed(`SELECT ':a', "x:b", $$ :c $$, /* :d */ x::text, y::int, :e::int -- :f\nFROM t`)
    expect(g.params).toEqual(['e'])
    expect(g.text).toContain("':a'")
    expect(g.text).toContain('$1::int')
    expect(g.text).toContain('/* :d */')
  })

  it('leave array slices alone, but work inside ARRAY[...]', async () => {
    const g = await allowed('SELECT a[1:n], a[:hi], ARRAY[:first, :second] FROM t')
    expect(g.params).toEqual(['first', 'second'])
    expect(g.text).toBe('SELECT a[1:n], a[:hi], ARRAY[$1, $2] FROM t')
  })

  it('take keywords as names (:limit), and a refusal still points at the text as typed', async () => {
    expect((await allowed('SELECT * FROM runs LIMIT :limit')).params).toEqual(['limit'])
    const r = await refused('SELECT :a, :bb, pg_sleep(:c)')
    expect(r.at).toBe('pg_sleep')
  })

  it('refuse positional $1 written by hand', async () => {
    expect(await refused('SELECT * FROM runs WHERE experiment_id = $1')).toMatchObject({ at: '$1', message: expect.stringContaining('named ones') })
  })

  it('map a position back to the original text', async () => {
    const g = await allowed('SELECT :long_name + nosuch')
    const index = g.text.indexOf('nosuch')
    expect('SELECT :long_name + nosuch'.slice(g.toOriginal(index))).toBe('nosuch')
  })
})
