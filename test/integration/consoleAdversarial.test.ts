import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { runQuery } from '../../electron/services/query/queryRunner'
import { pgInfo } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { loadPlainDump } from '../helpers/pgDump'
import { startTestServer, type TestServer } from '../helpers/pgVersions'
import { storeChecksums } from '../helpers/tableChecksums'

/**
 * The console turned against the server: statements that would run SQL hidden
 * in text, read server files, take advisory locks, reset statistics, switch the
 * WAL, reload the configuration, kill sessions, or call the store's own code
 * (an IMMUTABLE function that does all of that, behind operators, casts, views
 * and row-level security). Each goes through the console as a superuser, as a
 * role that may write the store, and as a read-only role, on a server of its
 * own; after each, the store, the WAL position, the configuration's load time,
 * the statistics' reset times, the advisory locks, the large objects, the
 * replication slots and a sentinel session (listening for notifications) are
 * compared with before.
 */

/** The store's own trap: declared IMMUTABLE, it tries everything (each step on its own, so one refusal does not stop the rest). */
const EVIL = `
  CREATE FUNCTION desk_evil() RETURNS int IMMUTABLE LANGUAGE plpgsql AS $$
  BEGIN
    BEGIN PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'desk-sentinel'; EXCEPTION WHEN OTHERS THEN NULL; END;
    BEGIN PERFORM pg_advisory_lock(4242); EXCEPTION WHEN OTHERS THEN NULL; END;
    BEGIN PERFORM pg_stat_reset(); EXCEPTION WHEN OTHERS THEN NULL; END;
    BEGIN PERFORM pg_reload_conf(); EXCEPTION WHEN OTHERS THEN NULL; END;
    BEGIN PERFORM pg_notify('desk_channel', 'evil'); EXCEPTION WHEN OTHERS THEN NULL; END;
    RETURN 1;
  END $$;
  CREATE FUNCTION desk_evil_bool(int) RETURNS boolean IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN RETURN desk_evil() = $1; END $$;
  CREATE FUNCTION desk_evil_cmp(int, int) RETURNS boolean IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN RETURN desk_evil() = 1 AND $1 = $2; END $$;
  CREATE OPERATOR ~~~ (LEFTARG = int, RIGHTARG = int, FUNCTION = desk_evil_cmp);
  CREATE DOMAIN desk_evil_domain AS int CHECK (desk_evil_bool(VALUE));
  CREATE VIEW desk_evil_view AS SELECT desk_evil() AS x;
  CREATE VIEW desk_evil_view2 AS SELECT * FROM desk_evil_view;
  CREATE TABLE desk_rls (x int);
  INSERT INTO desk_rls VALUES (1);
  ALTER TABLE desk_rls ENABLE ROW LEVEL SECURITY;
  CREATE POLICY desk_rls_policy ON desk_rls USING (desk_evil_bool(x));
  CREATE FUNCTION desk_evil_rows() RETURNS SETOF int LANGUAGE sql AS $$ SELECT desk_evil() $$;
  CREATE FUNCTION desk_evil_default(a int DEFAULT desk_evil()) RETURNS int LANGUAGE sql IMMUTABLE AS $$ SELECT a $$;
`

const STATEMENTS: string[] = [
  // SQL given as text, or over relations handed in
  "SELECT ts_rewrite('a'::tsquery, 'SELECT ''a''::tsquery, ''b''::tsquery FROM pg_stat_activity WHERE pg_terminate_backend(pid)')",
  "SELECT * FROM ts_stat('SELECT to_tsvector(pg_reload_conf()::text)')",
  "SELECT * FROM ts_stat('SELECT to_tsvector(pg_advisory_lock(1)::text)', 'a')",
  "SELECT query_to_xml('SELECT pg_terminate_backend(pid) FROM pg_stat_activity', true, false, '')",
  "SELECT query_to_xmlschema('SELECT pg_switch_wal()', true, false, '')",
  "SELECT query_to_xml_and_xmlschema('SELECT pg_advisory_lock(7)', true, false, '')",
  "SELECT cursor_to_xml('c', 1, true, false, '')",
  "SELECT cursor_to_xmlschema('c', true, false, '')",
  "SELECT table_to_xml('desk_evil_view', true, false, '')",
  "SELECT table_to_xml_and_xmlschema('desk_evil_view2', true, false, '')",
  "SELECT schema_to_xml('public', true, false, '')",
  "SELECT database_to_xml(true, false, '')",
  "SELECT pg_input_is_valid('1', 'desk_evil_domain')",
  "SELECT * FROM pg_input_error_info('1', 'desk_evil_domain')",
  // server files
  "SELECT pg_read_file('postgresql.conf')",
  "SELECT pg_read_file('PG_VERSION', 0, 10)",
  "SELECT pg_read_file('PG_VERSION', 0, 10, true)",
  "SELECT pg_read_file('/etc/passwd', true)",
  "SELECT pg_read_file_old('PG_VERSION', 0, 10)",
  "SELECT pg_read_binary_file('PG_VERSION')",
  "SELECT pg_read_binary_file('PG_VERSION', 0, 10, true)",
  "SELECT * FROM pg_ls_dir('.')",
  "SELECT * FROM pg_ls_dir('.', true, false)",
  'SELECT * FROM pg_ls_logdir()',
  'SELECT * FROM pg_ls_waldir()',
  'SELECT * FROM pg_ls_tmpdir()',
  'SELECT * FROM pg_ls_archive_statusdir()',
  "SELECT * FROM pg_stat_file('PG_VERSION')",
  "SELECT * FROM pg_stat_file('nothing', true)",
  "SELECT lo_import('/etc/hostname')",
  "SELECT lo_export(0, '/tmp/desk-pwned')",
  'SELECT pg_current_logfile()',
  'SELECT * FROM pg_hba_file_rules',
  'SELECT * FROM pg_config()',
  // advisory locks, every form
  'SELECT pg_advisory_lock(42)',
  'SELECT pg_advisory_lock(4, 2)',
  'SELECT pg_advisory_lock_shared(42)',
  'SELECT pg_try_advisory_lock(42)',
  'SELECT pg_try_advisory_lock_shared(4, 2)',
  'SELECT pg_advisory_xact_lock(42)',
  'SELECT pg_advisory_xact_lock_shared(42)',
  'SELECT pg_try_advisory_xact_lock(42)',
  'SELECT pg_try_advisory_xact_lock_shared(4, 2)',
  'SELECT pg_advisory_unlock(42)',
  'SELECT pg_advisory_unlock_shared(42)',
  'SELECT pg_advisory_unlock_all()',
  'SELECT count(*) FROM runs WHERE pg_try_advisory_lock(hashtext(run_uuid))',
  // statistics resets
  'SELECT pg_stat_reset()',
  "SELECT pg_stat_reset_shared('bgwriter')",
  "SELECT pg_stat_reset_shared('archiver')",
  "SELECT pg_stat_reset_single_table_counters('runs'::regclass)",
  'SELECT pg_stat_reset_single_function_counters(0)',
  'SELECT pg_stat_reset_slru(NULL)',
  'SELECT pg_stat_statements_reset()',
  // WAL, restore points, configuration, logs, backends
  'SELECT pg_switch_wal()',
  "SELECT pg_create_restore_point('desk')",
  'SELECT pg_reload_conf()',
  'SELECT pg_rotate_logfile()',
  'SELECT pg_log_backend_memory_contexts(pg_backend_pid())',
  'SELECT pg_promote(false)',
  'SELECT pg_wal_replay_pause()',
  "SELECT pg_backup_start('desk')",
  "SELECT pg_start_backup('desk')",
  "SELECT pg_create_physical_replication_slot('desk_slot')",
  "SELECT pg_create_logical_replication_slot('desk_slot', 'test_decoding')",
  "SELECT pg_logical_emit_message(true, 'desk', 'x')",
  "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'desk-sentinel'",
  "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE application_name = 'desk-sentinel'",
  "SELECT set_config('transaction_read_only', 'off', true)",
  "SELECT pg_catalog.set_config('work_mem', '1GB', false)",
  "SELECT pg_notify('desk_channel', 'x')",
  "SELECT nextval('experiments_experiment_id_seq')",
  "SELECT setval('experiments_experiment_id_seq', 1000)",
  'SELECT txid_current()',
  'SELECT pg_current_xact_id()',
  'SELECT pg_export_snapshot()',
  "SELECT pg_import_system_collations('public')",
  'SELECT lo_creat(-1)',
  'SELECT setseed(0.5)',
  'SELECT pg_sleep(30)',
  "SELECT dblink_exec('dbname=postgres', 'DROP TABLE runs')",
  // the store's own code, wherever it hides
  'SELECT desk_evil()',
  'SELECT 1 FROM runs WHERE desk_evil() = 1',
  'SELECT run_uuid FROM runs ORDER BY desk_evil_bool(1)',
  'SELECT * FROM runs r, LATERAL (SELECT desk_evil()) x',
  'WITH x AS (SELECT desk_evil()) SELECT * FROM x',
  'SELECT (SELECT desk_evil())',
  'SELECT * FROM desk_evil_rows()',
  'SELECT desk_evil_default()',
  'EXPLAIN SELECT desk_evil()',
  'SELECT 1 ~~~ 1',
  'SELECT 1 WHERE 1 ~~~ ANY (ARRAY[1])',
  "SELECT '1'::desk_evil_domain",
  'SELECT CAST(1 AS desk_evil_domain)',
  'SELECT * FROM desk_evil_view',
  'TABLE desk_evil_view2',
  'SELECT * FROM desk_rls',
]

interface Harm {
  store: Record<string, string>
  server: Record<string, unknown>
}

describe('the SQL console cannot be turned against the server', () => {
  let server: TestServer
  let admin: pg.Client
  let sentinel: pg.Client
  let sentinelPid: number
  const notifications: string[] = []
  let serverSql: string
  let before: Harm
  const stores: Record<string, StoreHandle> = {}

  beforeAll(async () => {
    // wal_level=minimal: with replica (the default) the background writer logs a standby snapshot 15 s after
    // any WAL, moving the WAL position by itself whenever the suite outlasts that (it did under load).
    server = await startTestServer(pgInfo().major, 'adversarial-password', ['-c', 'wal_level=minimal', '-c', 'max_wal_senders=0'])
    const boot = await server.client('postgres')
    // Nothing of the server's own may move the WAL or the statistics while the suite watches.
    await boot.query(`ALTER SYSTEM SET autovacuum = off`)
    await boot.query(`ALTER SYSTEM SET checkpoint_timeout = '1d'`)
    await boot.query('SELECT pg_reload_conf()')
    await boot.query('CREATE DATABASE store')
    await boot.end()
    const loader = await server.client('store')
    await loadPlainDump(loader, FIXTURES.small.dump) // (a dump empties its session's search_path: a client of its own)
    await loader.end()
    admin = await server.client('store')
    await admin.query(EVIL)
    await admin.query(`
      CREATE ROLE desk_writer LOGIN PASSWORD 'writer-pw';
      GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA public TO desk_writer;
      GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA public TO desk_writer;
      CREATE ROLE desk_reader LOGIN PASSWORD 'reader-pw';
      GRANT SELECT ON ALL TABLES IN SCHEMA public TO desk_reader;
      ALTER ROLE desk_reader SET default_transaction_read_only = on;
      CHECKPOINT;
    `)
    sentinel = new pg.Client({
      host: '127.0.0.1',
      port: server.cluster.port,
      user: 'postgres',
      password: 'adversarial-password',
      database: 'store',
      application_name: 'desk-sentinel',
    })
    await sentinel.connect()
    sentinel.on('notification', (n) => notifications.push(`${n.channel}: ${n.payload}`))
    sentinel.on('error', () => undefined)
    await sentinel.query('LISTEN desk_channel')
    sentinelPid = (await sentinel.query('SELECT pg_backend_pid() AS pid')).rows[0].pid
    const has = async (rel: string) => (await admin.query('SELECT to_regclass($1) IS NOT NULL AS ok', [rel])).rows[0].ok as boolean
    // What each server version can say about itself (pg_stat_slru from 13, pg_stat_wal from 14, pg_stat_checkpointer from 17).
    serverSql = `SELECT pg_walfile_name(pg_current_wal_insert_lsn()) AS wal_segment,
        CASE WHEN current_setting('data_checksums') = 'off' THEN pg_current_wal_insert_lsn()::text END AS wal_position,
        pg_conf_load_time() AS conf_loaded,
        (SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()) AS database_stats_reset,
        (SELECT stats_reset FROM pg_stat_bgwriter) AS bgwriter_stats_reset,
        (SELECT stats_reset FROM pg_stat_archiver) AS archiver_stats_reset,
        ${(await has('pg_stat_slru')) ? '(SELECT max(stats_reset) FROM pg_stat_slru)' : 'NULL'} AS slru_stats_reset,
        ${(await has('pg_stat_wal')) ? '(SELECT stats_reset FROM pg_stat_wal)' : 'NULL'} AS wal_stats_reset,
        ${(await has('pg_stat_checkpointer')) ? '(SELECT stats_reset FROM pg_stat_checkpointer)' : 'NULL'} AS checkpointer_stats_reset,
        (SELECT count(*)::int FROM pg_locks WHERE locktype = 'advisory') AS advisory_locks,
        (SELECT count(*)::int FROM pg_replication_slots) AS replication_slots,
        (SELECT count(*)::int FROM pg_stat_activity WHERE application_name = 'desk-sentinel') AS sentinels`
    for (const [role, user, password] of [
      ['superuser', 'postgres', 'adversarial-password'],
      ['writer', 'desk_writer', 'writer-pw'],
      ['read-only', 'desk_reader', 'reader-pw'],
    ]) {
      stores[role] = await openStore(
        { host: '127.0.0.1', port: server.cluster.port, user, password, database: 'store', ssl: { mode: 'disable', root_cert: null, cert: null, key: null } },
        { statementTimeoutMs: 5000 },
      )
    }
    // Up to PostgreSQL 14 the statistics collector creates the database's entry (and its stats_reset) a moment after
    // its first activity, asynchronously: wait for it, so that a timestamp appearing later is a reset, not the entry's birth.
    if ((await admin.query(`SELECT current_setting('server_version_num')::int AS v`)).rows[0].v < 150000) {
      for (let i = 0; i < 100; i++) {
        await admin.query('SELECT pg_stat_clear_snapshot()')
        if ((await admin.query(`SELECT stats_reset IS NOT NULL AS born FROM pg_stat_database WHERE datname = current_database()`)).rows[0]?.born) break
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    before = await harm()
  }, 120_000)

  afterAll(async () => {
    for (const s of Object.values(stores)) await s.close()
    await sentinel?.end().catch(() => undefined)
    await admin?.end()
    await server?.stop()
  })

  async function harm(): Promise<Harm> {
    return { store: await storeChecksums(admin), server: (await admin.query(serverSql)).rows[0] }
  }

  const counts: Record<string, { refused: number; absent: number }> = {}

  describe.each(['superuser', 'writer', 'read-only'])('as %s', (role) => {
    it.each(STATEMENTS.map((s) => [s]))('%s', async (sql) => {
      const err = await runQuery(stores[role], { sql, params: {}, max_rows: 10 }).then(
        () => null,
        (e) => e,
      )
      // Refused by the guard before anything is sent; or, for a function this server version does not have, refused by the server as unknown.
      const absent = err?.code === 'QUERY_FAILED' && /does not exist/.test(err.message)
      expect(err?.code === 'QUERY_REFUSED' || absent, `${sql} → ${err ? `${err.code}: ${err.message}` : 'it ran'}`).toBe(true)
      const c = (counts[role] ??= { refused: 0, absent: 0 })
      if (absent) c.absent++
      else c.refused++
      expect(await harm()).toEqual(before)
      // The sentinel session is the one it was, and heard nothing.
      expect((await sentinel.query('SELECT pg_backend_pid() AS pid')).rows[0].pid).toBe(sentinelPid)
      expect(notifications).toEqual([])
    })
  })

  it('the suite is what it says: every statement was tried under every role, and the trap does harm when run without the console', async () => {
    expect(STATEMENTS.length).toBeGreaterThanOrEqual(90)
    for (const role of ['superuser', 'writer', 'read-only']) expect(counts[role].refused + counts[role].absent, role).toBe(STATEMENTS.length)
    console.log(`console adversarial suite on PostgreSQL ${pgInfo().major}: ${JSON.stringify(counts)}`)
    // Without the guard the store's IMMUTABLE function takes an advisory lock and kills the sentinel: the refusals above are not vacuous.
    const direct = await server.client('store')
    try {
      await direct.query('BEGIN READ ONLY')
      await direct.query('SELECT 1 ~~~ 1')
      expect((await admin.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'`)).rows[0].n).toBe(1)
      await direct.query('ROLLBACK')
    } finally {
      await direct.end()
    }
    await new Promise((r) => setTimeout(r, 200))
    expect((await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'desk-sentinel'`)).rows[0].n).toBe(0)
  })
})
