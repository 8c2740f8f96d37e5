import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { explainQuery } from '../../electron/services/query/explainPlan'
import { runQuery } from '../../electron/services/query/queryRunner'
import { withReadTransaction } from '../../electron/services/query/readTransaction'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { storeChecksums } from '../helpers/tableChecksums'

/**
 * Raw SQL cannot hurt the store. Each refused class is tried against a real
 * MLflow-written store — as a superuser, so nothing but our own layers stands
 * in the way — and every table, sequence and object is checksummed before and
 * after. Then the layers behind the guard are tried on their own.
 */
describe('raw SQL that would change the store is refused, and the store is unchanged', () => {
  let store: StoreHandle
  let admin: pg.Client
  let before: Record<string, string>

  beforeAll(async () => {
    const db = await createDatabase('audit_guard', FIXTURES.small.template)
    admin = adminClient(db)
    await admin.connect()
    // A function that writes, which the guard cannot know about: the server must refuse it.
    await admin.query(
      `CREATE FUNCTION desk_sneaky_write() RETURNS int LANGUAGE sql AS $$ INSERT INTO experiment_tags (key, value, experiment_id) VALUES ('sneaky', 'x', 0) RETURNING 1 $$`,
    )
    await admin.query(`CREATE TABLE desk_lock_target (x int)`)
    store = await openStore(targetFor(db), { statementTimeoutMs: 10_000 })
    before = await storeChecksums(admin)
  })
  afterAll(async () => {
    await store?.close()
    await admin?.end()
  })

  const unchanged = async () => expect(await storeChecksums(admin)).toEqual(before)

  /** Refused before anything is sent, with a message containing `why`; then the store is compared. */
  async function refusedAndUnchanged(sql: string, why: string | RegExp) {
    const err = await runQuery(store, { sql, params: {}, max_rows: 10 }).catch((e) => e)
    expect(err, sql).toMatchObject({ code: 'QUERY_REFUSED' })
    expect(err.message, sql).toMatch(why)
    await unchanged()
  }

  it.each([
    ['COMMIT; DROP TABLE runs CASCADE', /COMMIT is not a read/],
    ['SELECT 1; DROP TABLE runs CASCADE', /One statement at a time/],
    ['; SET transaction_read_only = off', /SET is not a read/],
    ['SELECT 1; SET transaction_read_only = off; DELETE FROM params', /One statement at a time/],
    ['SELECT 1 -- a comment\n; DELETE FROM params', /One statement at a time/],
    ['SELECT 1 /* ; */ ; DELETE FROM params', /One statement at a time/],
    ['SELECT $$ ; $$; DELETE FROM tags', /One statement at a time/],
    ['SELECT $x$ $$ ; $x$; TRUNCATE metrics CASCADE', /One statement at a time/],
  ])('hidden second statements: %s', async (sql, why) => refusedAndUnchanged(sql, why))

  it.each([
    ['WITH d AS (DELETE FROM params RETURNING *) SELECT count(*) FROM d', /data-modifying DELETE/],
    ["WITH u AS (UPDATE runs SET status = 'FAILED' RETURNING 1) SELECT count(*) FROM u", /data-modifying UPDATE/],
    ["WITH i AS (INSERT INTO experiment_tags VALUES ('k', 'v', 0) RETURNING 1) SELECT 1", /data-modifying INSERT/],
    ['SELECT * FROM (WITH d AS (DELETE FROM tags RETURNING *) SELECT * FROM d) x', /data-modifying DELETE/],
  ])('data-modifying CTEs: %s', async (sql, why) => refusedAndUnchanged(sql, why))

  it.each([
    ['SELECT * FROM runs FOR UPDATE', /FOR UPDATE locks rows/],
    ['SELECT * FROM runs FOR NO KEY UPDATE', /FOR NO KEY UPDATE/],
    ['SELECT * FROM runs FOR SHARE', /FOR SHARE/],
    ['SELECT * FROM (SELECT * FROM runs FOR KEY SHARE) x', /FOR KEY SHARE/],
    ['SELECT * INTO stolen_runs FROM runs', /SELECT \.\.\. INTO/],
    ['SELECT * INTO TEMP stolen_runs FROM runs', /SELECT \.\.\. INTO/],
  ])('row locks and SELECT INTO: %s', async (sql, why) => refusedAndUnchanged(sql, why))

  it.each([
    ['CALL some_procedure()', /CALL is not a read/],
    ['DO $$ BEGIN DELETE FROM params; END $$', /DO is not a read/],
    ["COPY (SELECT 1) TO PROGRAM 'touch /tmp/desk-pwned'", /COPY is not a read/],
    ["COPY params FROM PROGRAM 'echo x'", /COPY is not a read/],
    ['CREATE TEMP TABLE t AS SELECT * FROM runs', /CREATE TEMP TABLE is not a read/],
    ['CREATE TABLE t (x int)', /CREATE TABLE is not a read/],
    ['DROP TABLE runs CASCADE', /DROP TABLE is not a read/],
    ["UPDATE runs SET status = 'FAILED'", /UPDATE is not a read/],
    ['DELETE FROM metrics', /DELETE FROM is not a read/],
    ['TRUNCATE latest_metrics', /TRUNCATE is not a read/],
    ['LOCK TABLE desk_lock_target', /LOCK TABLE is not a read/],
    ["NOTIFY desk, 'x'", /NOTIFY is not a read/],
    ['SET transaction_read_only = off', /SET is not a read/],
    ["ALTER SYSTEM SET log_statement = 'none'", /ALTER SYSTEM SET is not a read/],
    ['EXPLAIN ANALYZE DELETE FROM params', /only a read may be analyzed/],
    ['EXPLAIN ANALYZE WITH d AS (DELETE FROM params RETURNING *) SELECT * FROM d', /data-modifying DELETE/],
  ])('statements that are not reads: %s', async (sql, why) => refusedAndUnchanged(sql, why))

  it.each([
    ['SELECT pg_terminate_backend(pid) FROM pg_stat_activity', /pg_terminate_backend\(\) is not allowed/],
    ["SELECT set_config('transaction_read_only', 'off', true)", /set_config\(\) is not allowed/],
    ["SELECT pg_catalog.set_config('transaction_read_only', 'off', false), count(*) FROM runs", /set_config\(\) is not allowed/],
    ["SELECT nextval('experiments_experiment_id_seq')", /nextval\(\) is not allowed/],
    ["SELECT setval('experiments_experiment_id_seq', 1000)", /setval\(\) is not allowed/],
    ["SELECT lo_import('/etc/hostname')", /lo_import\(\) is not allowed/],
    ["SELECT * FROM runs WHERE name = pg_read_file('/etc/hostname')", /pg_read_file\(\) is not allowed/],
    ['SELECT pg_advisory_lock(42)', /pg_advisory_lock\(\) is not allowed/],
    ["SELECT pg_notify('desk', 'x')", /pg_notify\(\) is not allowed/],
    ["SELECT query_to_xml('DELETE FROM params RETURNING 1', true, true, '')", /query_to_xml\(\) is not allowed/],
    ['WITH x AS (SELECT txid_current()) SELECT * FROM x', /txid_current\(\) is not allowed/],
    ['SELECT pg_sleep(5)', /pg_sleep\(\) is not allowed/],
  ])('side-effect functions: %s', async (sql, why) => refusedAndUnchanged(sql, why))

  it("refuses the store's own function, and behind the guard the server refuses its write once the profile allows it", async () => {
    await refusedAndUnchanged('SELECT desk_sneaky_write()', /desk_sneaky_write\(\) is not allowed in an audit query: it is not built into PostgreSQL/)
    const allowing = await openStore(targetFor(store.target.database), { statementTimeoutMs: 10_000, consoleAllowedFunctions: ['public.desk_sneaky_write'] })
    try {
      await expect(runQuery(allowing, { sql: 'SELECT desk_sneaky_write()', params: {}, max_rows: 10 })).rejects.toMatchObject({ code: 'READ_ONLY' })
      await expect(explainQuery(allowing, { sql: 'SELECT desk_sneaky_write()', params: {}, analyze: true })).rejects.toMatchObject({ code: 'READ_ONLY' })
    } finally {
      await allowing.close()
    }
    await unchanged()
  })

  it('the read-only transaction alone refuses writes, even a statement the guard would refuse, and always rolls back', async () => {
    for (const sql of [
      "UPDATE runs SET status = 'FAILED'",
      'DELETE FROM params',
      'CREATE TEMP TABLE t (x int)',
      "SELECT nextval('experiments_experiment_id_seq')",
    ]) {
      const err = await withReadTransaction(store, { timeoutMs: 5000 }, async (tx) => tx.cursor(sql, []).read(1)).catch((e) => e)
      expect(err, sql).toMatchObject({ code: 'READ_ONLY' })
    }
    // Lifting read-only inside the transaction is refused by PostgreSQL too.
    const lift = await withReadTransaction(store, { timeoutMs: 5000 }, async (tx) => {
      const first = tx.cursor('SELECT 1', [])
      await first.read(1)
      await first.close()
      return tx.cursor('SET transaction_read_only = off', []).read(1)
    }).catch((e) => e)
    expect(lift.code).toMatch(/QUERY_FAILED|READ_ONLY/)
    await unchanged()
    // The pooled connection is clean and still read-only afterwards.
    const rows = await store.select<{ transaction_read_only: string }>('SHOW transaction_read_only')
    expect(rows[0]).toEqual({ transaction_read_only: 'on' })
  })

  it('a plain EXPLAIN of a write only plans it: nothing changes', async () => {
    const r = await runQuery(store, { sql: "EXPLAIN UPDATE runs SET status = 'FAILED'", params: {}, max_rows: 100 })
    expect(r.statement_kind).toBe('explain')
    expect(String(r.rows[0][0])).toMatch(/Update on runs/)
    await unchanged()
  })
})
