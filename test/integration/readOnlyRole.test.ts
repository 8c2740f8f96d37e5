import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../electron/services/api/dispatch'
import { createAppContext } from '../../electron/services/appContext'
import { testConnection } from '../../electron/services/connections/connectionTest'
import { parseConnectionUrl } from '../../electron/services/connections/connectionUrl'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import type { ConnectionTestResult } from '@shared/domain/profiles'
import { pgInfo } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { loadPlainDump } from '../helpers/pgDump'
import { startTestServer, type TestServer } from '../helpers/pgVersions'
import { storeFacingSuite } from '../helpers/storeFacing'

/**
 * Least privilege, visible (#13, part 2), on a server of our own (roles are
 * server-wide): the MLflow-written store restored by "mlflow_owner", the role an
 * MLflow tracking server would use. The app tells superuser, writer and reader
 * apart; the SQL it recommends, run by the superuser, gives a role with which
 * everything in the app works and every write fails — even with the session made
 * writable — and that still reads the tables a later MLflow upgrade adds.
 */
describe('a dedicated read-only role, from the SQL the app recommends', () => {
  let s: TestServer
  const major = pgInfo().major
  const OWNER_PW = 'owner-pw-Zr8'
  const READER_PW = 'reader-pw-Kq2'
  let superuser: ConnectionTestResult
  const url = (user: string, password: string) => `postgresql://${user}:${encodeURIComponent(password)}@127.0.0.1:${s.cluster.port}/store?sslmode=disable`
  const test = (user: string, password: string) => testConnection(parseConnectionUrl(url(user, password)))

  async function as<T>(user: string, password: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const c = new pg.Client({ connectionString: url(user, password).replace(/\?.*$/, '') })
    await c.connect()
    try {
      return await fn(c)
    } finally {
      await c.end()
    }
  }

  /** Every table MLflow's store has, and one column of each (for an UPDATE). */
  async function tables(): Promise<Array<{ t: string; col: string }>> {
    const c = await s.client('store')
    try {
      const { rows } = await c.query(
        `SELECT c.relname AS t, (SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum LIMIT 1) AS col
           FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r' ORDER BY 1`,
      )
      return rows
    } finally {
      await c.end()
    }
  }

  beforeAll(async () => {
    s = await startTestServer(major)
    const admin = await s.client('postgres')
    await admin.query(`CREATE ROLE mlflow_owner LOGIN PASSWORD '${OWNER_PW}'`)
    await admin.query('CREATE DATABASE store OWNER mlflow_owner')
    await admin.end()
    await as('mlflow_owner', OWNER_PW, (c) => loadPlainDump(c, FIXTURES.small.dump))
    superuser = await testConnection(parseConnectionUrl(s.url('store')))
    const sql = superuser.write_access!.read_only_role_sql.replace("'choose-a-password'", `'${READER_PW}'`)
    const su = await s.client('store')
    await su.query(sql)
    await su.end()
  }, 180_000)
  afterAll(() => s?.stop())

  it('the superuser is reported as "superuser"; the SQL names the store, its schema and the owner of its tables', () => {
    expect(superuser.ok).toBe(true)
    expect(superuser.write_access).toMatchObject({ level: 'superuser', superuser: true, can_write: true, role: 'postgres' })
    const sql = superuser.write_access!.read_only_role_sql
    expect(sql).toContain("CREATE ROLE mlflow_desk_reader LOGIN PASSWORD 'choose-a-password';")
    expect(sql).toContain('GRANT CONNECT ON DATABASE "store" TO mlflow_desk_reader;')
    expect(sql).toContain('GRANT USAGE ON SCHEMA "public" TO mlflow_desk_reader;')
    expect(sql).toContain('GRANT SELECT ON ALL TABLES IN SCHEMA "public" TO mlflow_desk_reader;')
    expect(sql).toContain('ALTER DEFAULT PRIVILEGES FOR ROLE "mlflow_owner" IN SCHEMA "public" GRANT SELECT ON TABLES TO mlflow_desk_reader;')
    expect(sql).toContain('ALTER ROLE mlflow_desk_reader SET default_transaction_read_only = on;')
    // Before PostgreSQL 15 every role may create in schema public: the SQL takes that back, keeping it for MLflow's role.
    if (major < 15) expect(sql).toContain('REVOKE CREATE ON SCHEMA "public" FROM PUBLIC;')
    else expect(sql).not.toContain('REVOKE')
  })

  it('the role MLflow writes with is reported as "can write", with what it can do', async () => {
    const w = await test('mlflow_owner', OWNER_PW)
    expect(w.ok).toBe(true)
    expect(w.write_access).toMatchObject({ level: 'can-write', superuser: false, can_write: true, create_in_schema: true })
    expect(w.write_access!.tables).toEqual(expect.arrayContaining(['runs', 'metrics', 'params', 'tags', 'experiments', 'alembic_version']))
    expect(w.write_access!.writable.find((x) => x.table === 'runs')!.privileges).toEqual(['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'])
    expect(w.write_access!.reasons).toEqual(
      expect.arrayContaining([expect.stringMatching(/^INSERT, UPDATE, DELETE, TRUNCATE on \d+ of MLflow's tables$/), 'CREATE in schema public']),
    )
  })

  it('the new role is reported as "read-only role"', async () => {
    const r = await test('mlflow_desk_reader', READER_PW)
    expect(r.ok, JSON.stringify(r.error)).toBe(true)
    expect(r.write_access).toMatchObject({
      level: 'read-only',
      can_write: false,
      superuser: false,
      tables: [],
      server_roles: [],
      create_in_schema: false,
      createrole: false,
      default_read_only: true,
      reasons: [],
    })
    expect(r.mlflow).toMatchObject({ is_store: true, runs: superuser.mlflow!.runs, experiments: superuser.mlflow!.experiments })
  })

  it('the session the sidebar shows says so too', async () => {
    const home = await mkdtemp(join(tmpdir(), 'desk-ro-session-'))
    const app = await createAppContext({
      home,
      env: {},
      cipher: aesGcmCipher(Buffer.alloc(32, 2), 'k'),
      choice: { url: url('mlflow_desk_reader', READER_PW) },
      transport: 'http',
    })
    try {
      const call = { window: await app.workspace.window('w'), signal: new AbortController().signal, openWindow: async () => null }
      const d = await dispatch(app.handlers, 'session:describe', {}, call)
      expect(d).toMatchObject({ ok: true, data: { role_access: { level: 'read-only', role: 'mlflow_desk_reader' } } })
    } finally {
      await app.workspace.dispose()
      await rm(home, { recursive: true, force: true })
    }
  })

  it("every write fails for it: INSERT, UPDATE, DELETE, TRUNCATE on each of MLflow's tables, CREATE in the schema — read-only session or not", async () => {
    const all = await tables()
    expect(all.length).toBeGreaterThan(20)
    const attempts = all.flatMap(({ t, col }) => [
      `INSERT INTO public.${pg.escapeIdentifier(t)} DEFAULT VALUES`,
      `UPDATE public.${pg.escapeIdentifier(t)} SET ${pg.escapeIdentifier(col)} = ${pg.escapeIdentifier(col)}`,
      `DELETE FROM public.${pg.escapeIdentifier(t)}`,
      `TRUNCATE public.${pg.escapeIdentifier(t)}`,
    ])
    attempts.push(
      'CREATE TABLE public.desk_probe (i int)',
      'CREATE FUNCTION public.desk_probe() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$',
      'CREATE VIEW public.desk_probe AS SELECT 1 AS i',
    )
    const outcomes = await as('mlflow_desk_reader', READER_PW, async (c) => {
      const out: Array<{ sql: string; readOnly: string | null; writable: string | null }> = []
      for (const sql of attempts) {
        // As the role's sessions start: read-only by default.
        const readOnly = await c.query(sql).then(
          () => null,
          (e: { code: string }) => e.code,
        )
        // Made writable by the session itself (anyone can): the privileges still say no.
        await c.query('SET default_transaction_read_only = off')
        const writable = await c.query(sql).then(
          () => null,
          (e: { code: string }) => e.code,
        )
        await c.query('RESET default_transaction_read_only')
        out.push({ sql, readOnly, writable })
      }
      return out
    })
    for (const o of outcomes) {
      expect(o.readOnly, o.sql).not.toBeNull()
      expect(o.writable, o.sql).toBe('42501') // insufficient_privilege
    }
    const rows = await s.client('store').then(async (c) => {
      const r = (await c.query('SELECT count(*)::int AS n FROM runs')).rows[0].n
      await c.end()
      return r
    })
    expect(rows).toBe(superuser.mlflow!.runs)
  })

  it('a table a later MLflow upgrade adds is readable (default privileges), and not writable', async () => {
    await as('mlflow_owner', OWNER_PW, (c) => c.query('CREATE TABLE public.future_feature (id int PRIMARY KEY); INSERT INTO public.future_feature VALUES (1)'))
    const read = await as('mlflow_desk_reader', READER_PW, (c) => c.query('SELECT id FROM public.future_feature'))
    expect(read.rows).toEqual([{ id: 1 }])
    const write = await as('mlflow_desk_reader', READER_PW, async (c) => {
      await c.query('SET default_transaction_read_only = off')
      return c.query('INSERT INTO public.future_feature VALUES (2)').then(
        () => null,
        (e: { code: string }) => e.code,
      )
    })
    expect(write).toBe('42501')
    await as('mlflow_owner', OWNER_PW, (c) => c.query('DROP TABLE public.future_feature'))
  })

  it('membership in a predefined role that reaches the server is "can write", named', async () => {
    const su = await s.client('store')
    await su.query(`CREATE ROLE desk_signaller LOGIN PASSWORD 'sig-pw-1' IN ROLE mlflow_desk_reader`)
    await su.query('GRANT pg_signal_backend, pg_read_server_files TO desk_signaller')
    await su.end()
    const r = await test('desk_signaller', 'sig-pw-1')
    expect(r.write_access).toMatchObject({ level: 'can-write', tables: [], server_roles: ['pg_read_server_files', 'pg_signal_backend'] })
    expect(r.write_access!.reasons).toEqual([
      "member of pg_read_server_files (can read the server's files)",
      'member of pg_signal_backend (can end other sessions)',
    ])
  })

  describe('with that role, everything in the app works', () => {
    storeFacingSuite(async () => ({ url: url('mlflow_desk_reader', READER_PW), referenceUrl: s.url('store'), major }))
  })
})
