import { readFileSync, writeFileSync } from 'node:fs'
import { chmod, mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testConnection } from '../../electron/services/connections/connectionTest'
import { createWorkspace } from '../../electron/services/appContext'
import { ProfileService } from '../../electron/services/profiles/profileService'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import type { Workspace } from '../../electron/services/workspace'
import { adminClient, createDatabase, pgInfo, targetFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES } from '../helpers/fixtures'

const SSL_OFF = { mode: 'disable' as const }

describe('connection profiles against a real PostgreSQL', () => {
  let db: string
  let home: string
  let profiles: ProfileService

  beforeAll(async () => {
    db = await createDatabase('prof', FIXTURES.small.template)
    home = await mkdtemp(join(tmpdir(), 'desk-prof-'))
    profiles = new ProfileService(home, aesGcmCipher(Buffer.alloc(32, 5), 'a test key'))
  })

  const settings = (name: string, extra: object = {}) => ({
    name,
    host: pgInfo().host,
    port: pgInfo().port,
    database: db,
    user: pgInfo().user,
    ssl: SSL_OFF,
    ...extra,
  })

  it('test connection: server, latency, MLflow revision and counts, and a write warning for this superuser', async () => {
    const r = await testConnection(targetFor(db))
    expect(r.ok).toBe(true)
    expect(r.server_version).toMatch(/^\d+\.\d+/)
    expect(r.latency_ms).toBeGreaterThan(0)
    expect(r.tls).toBe(false)
    expect(r.mlflow).toMatchObject({ is_store: true, revision: 'bf29a5ff90ea', mlflow_versions: 'MLflow 3.5 or later' })
    expect(r.mlflow!.experiments).toBe(dumpRows(FIXTURES.small.dump, 'experiments').length)
    expect(r.mlflow!.runs).toBe(dumpRows(FIXTURES.small.dump, 'runs').length)
    expect(r.write_access).toMatchObject({ can_write: true, superuser: true })
  })

  it('the read-only role SQL it recommends works: that role tests clean and cannot write', async () => {
    const r = await testConnection(targetFor(db))
    const sql = r.write_access!.read_only_role_sql.replace("'choose-a-password'", "'reader-pw-123'")
    const admin = adminClient(db)
    await admin.connect()
    await admin.query('DROP ROLE IF EXISTS mlflow_desk_reader').catch(() => undefined)
    await admin.query(sql)
    await admin.end()
    const reader = await testConnection({ ...targetFor(db), user: 'mlflow_desk_reader', password: 'reader-pw-123' })
    expect(reader.ok).toBe(true)
    expect(reader.write_access).toMatchObject({ can_write: false, superuser: false, tables: [] })
    expect(reader.mlflow!.runs).toBe(r.mlflow!.runs)
  })

  it('a non-MLflow database and a wrong password are results, not exceptions', async () => {
    const empty = await testConnection(targetFor(await createDatabase('prof_empty')))
    expect(empty).toMatchObject({ ok: false, error: { code: 'NOT_MLFLOW_STORE' }, mlflow: { is_store: false } })
    const wrong = await testConnection({ ...targetFor(db), password: 'not-the-password-42' })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } })
    expect(JSON.stringify(wrong)).not.toContain('not-the-password-42')
  })

  it('password from ~/.pgpass (PGPASSFILE), as libpq does', async () => {
    const file = join(home, 'pgpass')
    writeFileSync(file, `# host:port:db:user:password\n${pgInfo().host}:${pgInfo().port}:*:${pgInfo().user}:${pgInfo().password}\n`)
    await chmod(file, 0o600)
    const saved = await profiles.save({ settings: settings('via-pgpass', { password_source: 'pgpass' }) })
    const before = process.env.PGPASSFILE
    process.env.PGPASSFILE = file
    try {
      const { target } = await profiles.target(saved.id)
      expect(target.password).toBeUndefined()
      expect((await testConnection(target)).ok).toBe(true)
    } finally {
      if (before === undefined) delete process.env.PGPASSFILE
      else process.env.PGPASSFILE = before
    }
  })

  describe('switching in the workspace', () => {
    let ws: Workspace
    afterAll(() => ws?.dispose())

    it('switches a window without restart, cancelling its running query on the server', async () => {
      const a = await profiles.save({ settings: settings('store-a'), secrets: { password: pgInfo().password } })
      const other = await createDatabase('prof_b', FIXTURES.old.template)
      const b = await profiles.save({ settings: { ...settings('store-b'), database: other }, secrets: { password: pgInfo().password } })
      ws = await createWorkspace({ profile: a.id }, { env: {}, home, profiles })
      const win = await ws.window('w1')
      const storeA = await win.store()
      const slow = storeA.select('SELECT pg_sleep(20)').then(
        () => 'finished',
        (e) => e.code,
      )
      await new Promise((r) => setTimeout(r, 300))
      const t0 = Date.now()
      await win.switchTo(b.id)
      expect(await slow).toBe('CANCELLED')
      expect(Date.now() - t0).toBeLessThan(5000)
      expect((await win.describe()).store.revision).toBe('97727af70f4d')
      // The other profile's pool is closed: a query on the old handle fails.
      await expect(storeA.select('SELECT 1')).rejects.toBeTruthy()
    })

    it('two windows on one profile share its pool; one switching away leaves the other working', async () => {
      const [a, b] = await Promise.all([profiles.get('store-a'), profiles.get('store-b')])
      const w2 = await ws.window('w2')
      const w3 = await ws.window('w3')
      expect([w2.profileId, w3.profileId]).toEqual([a.id, a.id])
      const shared = await w2.store()
      expect(await w3.store()).toBe(shared)
      await w3.switchTo(b.id)
      expect(w2.profileId).toBe(a.id)
      expect(await shared.select<{ n: number }>('SELECT 1 AS n')).toEqual([{ n: 1 }])
      expect((await w3.describe()).store.revision).toBe('97727af70f4d')
      expect((await w2.describe()).store.revision).toBe('bf29a5ff90ea')
    })

    it('editing a profile reconnects the windows that show it', async () => {
      const w = await ws.window('w4')
      const first = await w.store()
      const id = w.profileId
      const stored = await profiles.get(id)
      await profiles.save({ id, settings: { ...stored, statement_timeout_s: 12 } })
      await ws.invalidate(id)
      const second = await w.store()
      expect(second).not.toBe(first)
      const [{ statement_timeout }] = await second.select<{ statement_timeout: string }>('SHOW statement_timeout')
      expect(statement_timeout).toBe('12s')
    })
  })

  it('nothing in the profiles file is a secret in clear', () => {
    const text = readFileSync(join(home, 'profiles.json'), 'utf8')
    expect(text).not.toContain(pgInfo().password)
  })
})
