import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ProfileService } from '../../electron/services/profiles/profileService'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { consolePolicy, runQuery } from '../../electron/services/query/queryRunner'
import { FIRST_NORMAL_OBJECT_ID, HARMLESS_VOLATILE, SQL_RUNNING_BUILTINS } from '../../electron/services/query/functionPolicy'
import { guardSql } from '../../electron/services/query/sqlGuard'
import { adminClient, createDatabase, pgInfo, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'

/**
 * The console's function policy, read from the server's own catalog: what it
 * refuses and why, each entry of its explicit lists checked against pg_proc and
 * shown to do what its reason says, and the store's own functions, operators,
 * casts and relations refused until a profile allows them.
 */
describe("the SQL console's function policy, from the server's catalog", () => {
  let db: string
  let admin: pg.Client
  let store: StoreHandle

  beforeAll(async () => {
    db = await createDatabase('console_functions', FIXTURES.small.template)
    admin = adminClient(db)
    await admin.connect()
    // The store's own objects. Each leaves evidence in a session setting when it runs (set_config works in a read-only transaction);
    // the functions around it are declared IMMUTABLE, as a store's function may claim to be whatever it does.
    await admin.query(`
      CREATE FUNCTION desk_evidence() RETURNS int VOLATILE LANGUAGE plpgsql AS $$ BEGIN PERFORM set_config('desk.evidence', 'ran', false); RETURN 1; END $$;
      CREATE FUNCTION desk_cmp(int, int) RETURNS boolean IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN PERFORM desk_evidence(); RETURN $1 = $2; END $$;
      CREATE OPERATOR === (LEFTARG = int, RIGHTARG = int, FUNCTION = desk_cmp);
      CREATE FUNCTION desk_positive(int) RETURNS boolean IMMUTABLE LANGUAGE plpgsql AS $$ BEGIN PERFORM desk_evidence(); RETURN $1 > 0; END $$;
      CREATE DOMAIN desk_checked AS int CHECK (desk_positive(VALUE));
      CREATE VIEW desk_view AS SELECT desk_evidence() AS x;
      CREATE VIEW desk_view_over_view AS SELECT * FROM desk_view;
      CREATE VIEW desk_plain_view AS SELECT run_uuid, status FROM runs;
      CREATE TABLE desk_guarded (x int);
      INSERT INTO desk_guarded VALUES (1);
      ALTER TABLE desk_guarded ENABLE ROW LEVEL SECURITY;
      ALTER TABLE desk_guarded FORCE ROW LEVEL SECURITY;
      CREATE POLICY desk_policy ON desk_guarded USING (desk_positive(x));
      CREATE FUNCTION desk_rows() RETURNS SETOF int LANGUAGE sql AS $$ SELECT 1 $$;
      CREATE ROLE desk_plain;
      GRANT SELECT ON desk_guarded TO desk_plain;
    `)
    store = await openStore(targetFor(db))
  })
  afterAll(async () => {
    await store?.close()
    await admin?.end()
  })

  const refusal = async (sql: string, s = store) => {
    const err = await runQuery(s, { sql, params: {}, max_rows: 10 }).catch((e) => e)
    expect(err, sql).toMatchObject({ code: 'QUERY_REFUSED' })
    return err.message as string
  }

  /**
   * Run `sql` directly (no guard) in a read-only transaction and say whether the store's code ran. As a role
   * without superuser (a superuser bypasses row-level security), for the policy's table.
   */
  async function ranStoreCode(sql: string): Promise<boolean> {
    await admin.query(`SELECT set_config('desk.evidence', '', false)`)
    // Committed (a rolled-back transaction would take the setting back with it); read-only all the same.
    await admin.query('BEGIN READ ONLY')
    try {
      if (/desk_guarded/.test(sql)) await admin.query('SET LOCAL ROLE desk_plain')
      await admin.query(sql)
      await admin.query('COMMIT')
    } catch (e) {
      await admin.query('ROLLBACK')
      throw e
    }
    return (await admin.query(`SELECT current_setting('desk.evidence', true) AS e`)).rows[0].e === 'ran'
  }

  it("PostgreSQL's own read functions, operators, casts and views run as before", async () => {
    const r = await runQuery(store, {
      sql: `SELECT count(*) AS n, max(start_time) - min(start_time) AS span, string_agg(DISTINCT status, ',' ORDER BY status) AS statuses,
                   now() > to_timestamp(0) AS later, random() < 2 AS r, pg_relation_size('runs') >= 0 AS sized, '1'::int + 1 AS two,
                   (SELECT count(*) FROM pg_stat_activity) > 0 AS active, (SELECT count(*) FROM desk_plain_view) AS via_view
              FROM runs, LATERAL jsonb_each_text(jsonb_build_object('s', status)) j WHERE name ~ '.' OR name IS NULL`,
      params: {},
      max_rows: 5,
    })
    expect(r.rows[0].slice(3)).toEqual([true, true, true, 2, true, expect.any(Number)])
  })

  it.each([
    [
      'SELECT desk_evidence()',
      /^desk_evidence\(\) is not allowed in an audit query: it is not built into PostgreSQL .* To allow it for this profile, add public\.desk_evidence/,
    ],
    ['SELECT 1 FROM runs ORDER BY desk_evidence()', /desk_evidence\(\) is not allowed/],
    ['SELECT * FROM runs r, LATERAL (SELECT desk_evidence()) x', /desk_evidence\(\) is not allowed/],
    ['WITH x AS (SELECT public.desk_evidence()) SELECT * FROM x', /public\.desk_evidence\(\) is not allowed/],
    ['SELECT * FROM desk_rows()', /desk_rows\(\) is not allowed/],
    ['EXPLAIN SELECT desk_evidence()', /desk_evidence\(\) is not allowed/],
    [
      'SELECT 1 === 1',
      /^The operator === \(public\.===, which calls public\.desk_cmp\(\)\) is not allowed in an audit query: that function is not built into PostgreSQL/,
    ],
    ['SELECT 1 WHERE 2 === ANY (ARRAY[1, 2])', /operator ===/],
    ["SELECT '1'::desk_checked", /^A value of type public\.desk_checked is not allowed in an audit query: making one calls public\.desk_positive\(\)/],
    ['SELECT CAST(2 AS desk_checked)', /type public\.desk_checked/],
    ["SELECT desk_checked('3')", /type public\.desk_checked/],
    ['SELECT * FROM desk_view', /^public\.desk_view is not allowed in an audit query: reading it calls public\.desk_evidence\(\)/],
    ['TABLE desk_view_over_view', /public\.desk_view_over_view is not allowed .* calls public\.desk_evidence\(\) \(through public\.desk_view\)/],
    ['SELECT * FROM desk_guarded', /^public\.desk_guarded is not allowed in an audit query: reading it calls public\.desk_positive\(\)/],
  ])("refuses the store's own code wherever it is called: %s", async (sql, why) => {
    expect(await refusal(sql)).toMatch(why)
  })

  it('what it refuses does run the store’s code when sent without the guard (the refusals are not vacuous)', async () => {
    for (const sql of [
      'SELECT desk_evidence()',
      'SELECT 1 === 1',
      "SELECT '1'::desk_checked",
      'SELECT * FROM desk_view',
      'TABLE desk_view_over_view',
      'SELECT * FROM desk_guarded',
    ]) {
      expect(await ranStoreCode(sql), sql).toBe(true)
    }
    expect(await ranStoreCode('SELECT count(*) FROM desk_plain_view')).toBe(false)
  })

  it('the guard points at the offending name', async () => {
    const g = await guardSql('SELECT 1,\n  desk_evidence() AS e', await consolePolicy(store))
    expect(g).toMatchObject({ ok: false, refusal: { position: 12, length: 'desk_evidence'.length } })
  })

  it("a profile's allowed functions let them through; the read-only transaction still refuses writes", async () => {
    await admin.query(`CREATE FUNCTION desk_write() RETURNS int LANGUAGE sql AS $$ INSERT INTO desk_guarded VALUES (2) RETURNING 1 $$`)
    const allowing = await openStore(targetFor(db), { consoleAllowedFunctions: ['public.desk_evidence', 'public.desk_write', 'public.desk_positive'] })
    try {
      expect((await runQuery(allowing, { sql: 'SELECT desk_evidence() AS e FROM desk_view', params: {}, max_rows: 5 })).rows).toEqual([[1]])
      expect((await runQuery(allowing, { sql: 'SELECT count(*) FROM desk_guarded', params: {}, max_rows: 5 })).rows).toEqual([[1]])
      await expect(runQuery(allowing, { sql: 'SELECT desk_write()', params: {}, max_rows: 5 })).rejects.toMatchObject({ code: 'READ_ONLY' })
      // Not listed: still refused.
      expect(await refusal('SELECT 1 === 1', allowing)).toMatch(/desk_cmp/)
    } finally {
      await allowing.close()
    }
    const wildcard = await openStore(targetFor(db), { consoleAllowedFunctions: ['public.*'] })
    try {
      expect((await runQuery(wildcard, { sql: 'SELECT 1 === 1 AS same', params: {}, max_rows: 5 })).rows).toEqual([[true]])
    } finally {
      await wildcard.close()
    }
  })

  it.each([
    ["SELECT pg_read_file('PG_VERSION')", /pg_read_file\(\) is not allowed in an audit query: it is an administrator's function/],
    ["SELECT * FROM pg_ls_dir('.')", /pg_ls_dir\(\) is not allowed/],
    ["SELECT pg_stat_file('PG_VERSION')", /pg_stat_file\(\) is not allowed/],
    ["SELECT set_config('work_mem', '1GB', false)", /set_config\(\) is not allowed in an audit query: it is VOLATILE/],
    [
      "SELECT ts_rewrite('a'::tsquery, 'SELECT ''a''::tsquery, ''b''::tsquery')",
      /ts_rewrite\(\) is not allowed in an audit query: it runs the SQL given as text/,
    ],
    ["SELECT ts_rewrite('a'::tsquery, 'a'::tsquery, 'b'::tsquery)", null],
    ["SELECT table_to_xml('desk_plain_view', true, false, '')", /table_to_xml\(\) is not allowed in an audit query: it runs a query over the relation/],
    ["SELECT pg_input_is_valid('1', 'desk_checked')", /pg_input_is_valid\(\) is not allowed|does not exist/],
    ['SELECT txid_current()', /txid_current\(\) is not allowed in an audit query: it assigns a transaction id/],
    ['SELECT clock_timestamp() > now(), timeofday() IS NOT NULL, pg_is_in_recovery(), random() < 2', null],
  ])('built-ins by the catalog: %s', async (sql, why) => {
    if (why === null) {
      await expect(runQuery(store, { sql, params: {}, max_rows: 5 })).resolves.toBeTruthy()
      return
    }
    const err = await runQuery(store, { sql, params: {}, max_rows: 5 }).catch((e) => e)
    // pg_input_is_valid arrived in PostgreSQL 16: before, the server says it does not exist.
    expect(`${err.code}: ${err.message}`, sql).toMatch(err.code === 'QUERY_FAILED' ? /does not exist/ : why)
    if (err.code !== 'QUERY_FAILED') expect(err.code).toBe('QUERY_REFUSED')
  })

  it("the explicit list is what the catalog says runs SQL: every built-in, PUBLIC, non-VOLATILE function taking a query, a cursor, a relation, a schema or a type's name is on it", async () => {
    const { rows } = await admin.query<{ name: string }>(
      `SELECT DISTINCT p.proname AS name FROM pg_proc p
        WHERE p.oid < $1 AND p.provolatile <> 'v' AND has_function_privilege('public', p.oid, 'EXECUTE')
          AND (p.proname ~ '_to_xml' OR pg_get_function_identity_arguments(p.oid) ~* '(^|, )(query|sqlquery|cursor|tbl|type_name) ')`,
      [FIRST_NORMAL_OBJECT_ID],
    )
    expect(rows.length).toBeGreaterThan(5)
    const listed = Object.keys(SQL_RUNNING_BUILTINS).map((k) => k.split('/')[0])
    for (const { name } of rows) expect(listed, name).toContain(name)
  })

  it.each(Object.entries(SQL_RUNNING_BUILTINS))('explicit entry %s: a built-in the guard refuses, which does what its reason says', async (entry, reason) => {
    const name = entry.split('/')[0]
    const { rows } = await admin.query<{ builtin: boolean; public: boolean }>(
      `SELECT p.oid < $2 AS builtin, has_function_privilege('public', p.oid, 'EXECUTE') AS public FROM pg_proc p WHERE p.proname = $1`,
      [name, FIRST_NORMAL_OBJECT_ID],
    )
    const policy = await consolePolicy(store)
    // A few arrived in later PostgreSQL releases (pg_input_is_valid in 16, pg_current_xact_id in 13): where absent there is nothing to call.
    for (const r of rows) expect(r.builtin && r.public, name).toBe(true)
    if (rows.length === 0) return expect(policy.function([name], 1)).toBeNull()
    const sqlOf: Record<string, string> = {
      query_to_xml: "SELECT query_to_xml('SELECT desk_evidence()', true, false, '')",
      // Only planned, to describe its columns: planning folds an IMMUTABLE call, so the store's code runs all the same.
      query_to_xmlschema: "SELECT query_to_xmlschema('SELECT desk_positive(1)', true, false, '')",
      query_to_xml_and_xmlschema: "SELECT query_to_xml_and_xmlschema('SELECT desk_evidence()', true, false, '')",
      ts_stat: "SELECT * FROM ts_stat('SELECT to_tsvector(desk_evidence()::text)')",
      ts_rewrite: "SELECT ts_rewrite('a'::tsquery, 'SELECT ''a''::tsquery, ''b''::tsquery FROM desk_view WHERE x = 1')",
      table_to_xml: "SELECT table_to_xml('desk_view', true, false, '')",
      table_to_xml_and_xmlschema: "SELECT table_to_xml_and_xmlschema('desk_view', true, false, '')",
      schema_to_xml: "SELECT schema_to_xml('public', true, false, '')",
      schema_to_xml_and_xmlschema: "SELECT schema_to_xml_and_xmlschema('public', true, false, '')",
      database_to_xml: "SELECT database_to_xml(true, false, '')",
      database_to_xml_and_xmlschema: "SELECT database_to_xml_and_xmlschema(true, false, '')",
      pg_input_is_valid: "SELECT pg_input_is_valid('1', 'desk_checked')",
      pg_input_error_info: "SELECT * FROM pg_input_error_info('1', 'desk_checked')",
    }
    const sql = sqlOf[name]
    if (sql) {
      // Sent without the guard, it runs the store's code; through the console it is refused.
      expect(await ranStoreCode(sql), sql).toBe(true)
      expect(await refusal(sql)).toContain(`${name}() is not allowed in an audit query: it ${reason}`)
    } else if (/transaction id/.test(reason)) {
      await admin.query('BEGIN READ ONLY')
      try {
        await admin.query(`SELECT ${name}()`)
        expect((await admin.query('SELECT txid_current_if_assigned() IS NOT NULL AS assigned')).rows[0].assigned).toBe(true)
      } finally {
        await admin.query('ROLLBACK')
      }
      expect(await refusal(`SELECT ${name}()`)).toContain(reason)
    } else {
      // The *_xmlschema forms describe the result of a query they run (the same code path as the data forms).
      expect(
        await refusal(
          `SELECT ${name}(${name.startsWith('table') ? "'desk_view', " : name.startsWith('schema') ? "'public', " : name.startsWith('cursor') ? "'c', " : ''}true, false, '')`,
        ),
      ).toContain(reason)
    }
  })

  it.each([...HARMLESS_VOLATILE].map((n) => [n]))(
    'harmless VOLATILE %s: a VOLATILE built-in for PUBLIC where this server has it, and allowed',
    async (name) => {
      const { rows } = await admin.query<{ v: string; builtin: boolean; public: boolean }>(
        `SELECT provolatile::text AS v, oid < $2 AS builtin, has_function_privilege('public', oid, 'EXECUTE') AS public FROM pg_proc WHERE proname = $1`,
        [name, FIRST_NORMAL_OBJECT_ID],
      )
      for (const r of rows) expect(r, name).toEqual({ v: 'v', builtin: true, public: true })
      expect((await consolePolicy(store)).function([name], 0)).toBeNull()
    },
  )

  it('refuses every VOLATILE built-in that is not on the short list, and every administrator’s function, reading the catalog', async () => {
    const { rows } = await admin.query<{ name: string; nargs: number }>(
      `SELECT p.proname AS name, p.pronargs AS nargs FROM pg_proc p
        WHERE p.oid < $1 AND p.prokind = 'f' AND p.pronamespace = 'pg_catalog'::regnamespace
          AND (p.provolatile = 'v' OR NOT has_function_privilege('public', p.oid, 'EXECUTE'))`,
      [FIRST_NORMAL_OBJECT_ID],
    )
    const policy = await consolePolicy(store)
    let refused = 0
    for (const { name, nargs } of rows) {
      if (HARMLESS_VOLATILE.has(name)) continue
      expect(policy.function(['pg_catalog', name], nargs), name).toMatch(/is not allowed in an audit query/)
      refused++
    }
    expect(refused).toBeGreaterThan(150)
  })
})

describe("PostgreSQL's own views in the console", () => {
  let store: StoreHandle
  beforeAll(async () => {
    store = await openStore(targetFor(await createDatabase('console_views', FIXTURES.small.template)))
  })
  afterAll(() => store?.close())

  it('every system view a read-only role may select reads, except the few that call an administrator’s function (server files, memory, I/O internals)', async () => {
    const views = await store.select<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'v' AND c.oid < 16384 ORDER BY 1, 2`,
    )
    const policy = await consolePolicy(store)
    const refused = views.filter((v) => policy.relation([v.schema, v.name])).map((v) => v.name)
    expect(views.length).toBeGreaterThan(100)
    for (const name of refused)
      expect(name, name).toMatch(
        /^pg_(aios|backend_memory_contexts|config|file_settings|hba_file_rules|ident_file_mappings|replication_origin_status|shmem_allocations|shmem_allocations_numa)$/,
      )
    expect(refused).toContain('pg_hba_file_rules')
    expect(
      (
        await runQuery(store, {
          sql: 'SELECT count(*) FROM pg_stat_activity, pg_locks, pg_settings, pg_stat_xact_user_tables, pg_prepared_xacts',
          params: {},
          max_rows: 1,
        })
      ).rows,
    ).toHaveLength(1)
    expect((await runQuery(store, { sql: 'SELECT * FROM pg_hba_file_rules', params: {}, max_rows: 1 }).catch((e) => e)).message).toMatch(
      /^pg_catalog\.pg_hba_file_rules is not allowed in an audit query: reading it calls pg_catalog\.pg_hba_file_rules\(\), which is an administrator's function/,
    )
  })
})

describe("a profile's SQL console → allowed functions", () => {
  it('reach the console of that profile (quoted and unquoted names as SQL reads them), with its work_mem; other profiles still refuse', async () => {
    const db = await createDatabase('console_profile', FIXTURES.small.template)
    const admin = adminClient(db)
    await admin.connect()
    await admin.query(
      `CREATE SCHEMA "Audit"; CREATE FUNCTION "Audit".helper() RETURNS int STABLE LANGUAGE sql AS $$ SELECT 7 $$; CREATE FUNCTION public.twice(int) RETURNS int IMMUTABLE LANGUAGE sql AS $$ SELECT $1 * 2 $$`,
    )
    await admin.end()
    const home = await mkdtemp(join(tmpdir(), 'desk-console-profile-'))
    const profiles = new ProfileService(home, aesGcmCipher(Buffer.alloc(32, 3), 'a test key'))
    const p = pgInfo()
    const base = { host: p.host, port: p.port, database: db, user: p.user, ssl: { mode: 'disable' as const } }
    const allowing = await profiles.save({
      settings: { ...base, name: 'allowing', sql_console: { allowed_functions: ['"Audit".*', 'PUBLIC.Twice'], work_mem: '96MB', max_value_bytes: null } },
      secrets: { password: p.password },
    })
    const plain = await profiles.save({ settings: { ...base, name: 'plain' }, secrets: { password: p.password } })
    const open = async (id: string) => {
      const source = await profiles.source(id)
      return openStore(await source.resolve(), source.options)
    }
    const a = await open(allowing.id)
    const b = await open(plain.id)
    try {
      const sql = 'SELECT "Audit".helper() + twice(1) AS n'
      expect((await runQuery(a, { sql, params: {}, max_rows: 1 })).rows).toEqual([[9]])
      // The profile's work_mem, in the console's transactions only.
      expect((await runQuery(a, { sql: "SELECT current_setting('work_mem')", params: {}, max_rows: 1 })).rows).toEqual([['96MB']])
      await expect(runQuery(b, { sql, params: {}, max_rows: 1 })).rejects.toMatchObject({
        code: 'QUERY_REFUSED',
        message: expect.stringContaining('Audit.helper() is not allowed'),
      })
    } finally {
      await a.close()
      await b.close()
      await rm(home, { recursive: true, force: true })
    }
  })
})
