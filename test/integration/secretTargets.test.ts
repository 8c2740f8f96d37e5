import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Channel, ChannelRequest, ChannelResponse } from '@shared/api/contract'
import { dispatch } from '../../electron/services/api/dispatch'
import type { CallContext } from '../../electron/services/api/handlers'
import { createAppContext, type AppSetup } from '../../electron/services/appContext'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import { cli } from '../helpers/cliRunner'
import { createDatabase, pgInfo } from '../helpers/databases'
import { startFakePostgres, type FakePostgres } from '../helpers/fakePostgres'
import { FIXTURES } from '../helpers/fixtures'

/**
 * Secrets go only where they were given (#13, part 5). A fake PostgreSQL on loopback
 * asks every client for its password in clear and writes down what it gets: pointed
 * at it by a changed host or port — through profiles:test, profiles:save then a
 * connection, copy_secrets_from, a pasted URI, a hand-edited profiles file, the CLI —
 * it never receives a stored secret. Typed in for it, a secret does reach it (the
 * fake works). The real server keeps working with the secret saved for it.
 */
describe('a stored secret never goes to a changed target', () => {
  let fake: FakePostgres
  let app: AppSetup
  let call: CallContext
  let home: string
  let db: string
  /** The real server's password, as stored in the profiles: what the fake must never see. */
  const stored = () => pgInfo().password
  const TYPED = 'typed-for-the-fake-Qx7'

  const real = () => ({ name: 'real', host: pgInfo().host, port: pgInfo().port, database: db, user: pgInfo().user, ssl: { mode: 'disable' as const } })
  const toFake = (over: object = {}) => ({ ...real(), host: fake.host, port: fake.port, ...over })

  async function api<C extends Channel>(channel: C, req: ChannelRequest<C>): Promise<ChannelResponse<C>> {
    const r = await dispatch(app.handlers, channel, req, call)
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code, details: r.error.details })
    return r.data as ChannelResponse<C>
  }

  function editFile(id: string, edit: (p: Record<string, unknown>) => void): void {
    const file = join(home, 'profiles.json')
    const doc = JSON.parse(readFileSync(file, 'utf8'))
    edit(doc.profiles.find((p: { id: string }) => p.id === id))
    writeFileSync(file, JSON.stringify(doc, null, 2))
  }

  beforeAll(async () => {
    fake = await startFakePostgres()
    db = await createDatabase('secret_targets', FIXTURES.small.template)
    home = await mkdtemp(join(tmpdir(), 'desk-secret-targets-'))
    const p = pgInfo()
    app = await createAppContext({
      home,
      env: {},
      cipher: aesGcmCipher(Buffer.alloc(32, 11), 'a test key'),
      choice: { url: `postgresql://${p.user}:${encodeURIComponent(p.password)}@${p.host}:${p.port}/${db}?sslmode=disable` },
      transport: 'http',
    })
    call = { window: await app.workspace.window('secret-targets'), signal: new AbortController().signal, openWindow: async () => null }
  })
  afterAll(async () => {
    await app?.workspace.dispose()
    await fake?.close()
    if (home) await rm(home, { recursive: true, force: true })
  })

  it('the fake server works: a password typed in for it reaches it', async () => {
    const r = await api('profiles:test', { settings: toFake({ name: 'typed' }), secrets: { password: TYPED } })
    expect(r).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED' } })
    expect(fake.passwords()).toEqual([TYPED])
  })

  it('profiles:test with a saved profile and a changed host or port is refused before connecting, naming the secret', async () => {
    const { profile } = await api('profiles:save', { settings: real(), secrets: { password: stored() } })
    const before = fake.logins.length
    await expect(api('profiles:test', { id: profile.id, settings: toFake() })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      details: { field: 'secrets.password' },
      message: expect.stringMatching(
        /Enter the database password again: it was saved for .*:\d+\/secret_targets_\w+, and this profile would now send it to postgres@127\.0\.0\.1:\d+/,
      ),
    })
    expect(fake.logins.length).toBe(before)
    // Unchanged target: the stored password still works against the real server.
    expect(await api('profiles:test', { id: profile.id, settings: { ...real(), statement_timeout_s: 45 } })).toMatchObject({ ok: true })
    expect(await api('profiles:test', { id: profile.id })).toMatchObject({ ok: true })
  })

  it('profiles:save with a changed target is refused; the profile still connects where it was saved for', async () => {
    const { profile } = await api('profiles:save', { settings: { ...real(), name: 'save-then-connect' }, secrets: { password: stored() } })
    await expect(api('profiles:save', { id: profile.id, settings: toFake({ name: 'save-then-connect' }) })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      details: { field: 'secrets.password' },
    })
    const switched = await api('profiles:switch', { id: profile.id })
    expect(switched.error).toBeNull()
    expect(switched.description?.connection.display).toContain(`:${pgInfo().port}/`)
    // Typed again, it goes there (to the fake, which refuses it) — a deliberate choice.
    await api('profiles:save', { id: profile.id, settings: toFake({ name: 'save-then-connect' }), secrets: { password: TYPED } })
    const again = await api('profiles:switch', { id: profile.id })
    expect(again.error).toMatchObject({ code: 'AUTH_FAILED' })
    await api('profiles:switch', { id: 'url' }).catch(() => undefined)
  })

  it('a hand-edited profiles file cannot send the stored password to another host', async () => {
    const { profile } = await api('profiles:save', { settings: { ...real(), name: 'hand-edited' }, secrets: { password: stored() } })
    editFile(profile.id, (p) => {
      p.host = fake.host
      p.port = fake.port
    })
    const before = fake.logins.length
    await expect(api('profiles:test', { id: profile.id })).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE', details: { field: 'secrets.password' } })
    const switched = await api('profiles:switch', { id: profile.id })
    expect(switched.error).toMatchObject({ code: 'SECRET_UNAVAILABLE', message: expect.stringContaining('not sent there') })
    await expect(api('profiles:save', { id: profile.id, settings: toFake({ name: 'hand-edited' }) })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    expect(fake.logins.length).toBe(before)
    await api('profiles:switch', { id: 'url' })
  })

  it('copy_secrets_from follows the same rule, from a saved profile and from --url', async () => {
    const { profile } = await api('profiles:save', { settings: { ...real(), name: 'copy-source' }, secrets: { password: stored() } })
    const before = fake.logins.length
    for (const from of [profile.id, 'url']) {
      await expect(api('profiles:test', { settings: toFake({ name: 'copy' }), copy_secrets_from: from })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        details: { field: 'secrets.password' },
      })
      await expect(api('profiles:save', { settings: toFake({ name: 'copy' }), copy_secrets_from: from })).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        details: { field: 'secrets.password' },
      })
    }
    expect(fake.logins.length).toBe(before)
    // To the same target, copying works.
    expect(await api('profiles:test', { settings: { ...real(), name: 'copy' }, copy_secrets_from: 'url' })).toMatchObject({ ok: true })
    const { profile: copy } = await api('profiles:save', { settings: { ...real(), name: 'copy-of-source' }, copy_secrets_from: profile.id })
    expect(copy.secrets.password).toBe(true)
    expect(await api('profiles:test', { id: copy.id })).toMatchObject({ ok: true })
  })

  it("a pasted URI's password goes only to that URI's target", async () => {
    const p = pgInfo()
    const uri = `postgresql://${p.user}:${encodeURIComponent(p.password)}@${p.host}:${p.port}/${db}`
    await expect(api('profiles:test', { settings: toFake({ name: 'pasted' }), password_from_url: uri })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    expect(await api('profiles:test', { settings: { ...real(), name: 'pasted' }, password_from_url: uri })).toMatchObject({ ok: true })
  })

  it('profiles:list never shows a secret', async () => {
    const { profiles } = await api('profiles:list', {})
    expect(profiles.length).toBeGreaterThan(3)
    expect(JSON.stringify(profiles)).not.toContain(stored())
  })

  it('the CLI: --update to another target without the password, a hand-edited file, --profile: nothing reaches the fake', async () => {
    const cliHome = await mkdtemp(join(tmpdir(), 'desk-secret-targets-cli-'))
    const env = { MLFLOW_DESK_SECRET_STORE: 'keyfile' }
    const p = pgInfo()
    const realUrl = `postgresql://${p.user}@${p.host}:${p.port}/${db}?sslmode=disable`
    const fakeUrl = `postgresql://${p.user}@${fake.host}:${fake.port}/${db}?sslmode=disable`
    expect((await cli(['profiles', 'add', 'cli-prof', '--url', realUrl, '--password-stdin'], env, cliHome, stored() + '\n')).code).toBe(0)
    const before = fake.logins.length

    const upd = await cli(['profiles', 'add', 'cli-prof', '--url', fakeUrl, '--update'], env, cliHome)
    expect(upd.code).toBe(2)
    expect(upd.stderr).toMatch(/Enter the database password again: .* Give it with --password-stdin\./)
    expect((await cli(['profiles', 'test', 'cli-prof'], env, cliHome)).code).toBe(0)

    const file = join(cliHome, 'profiles.json')
    writeFileSync(file, readFileSync(file, 'utf8').replace(`"port": ${p.port}`, `"port": ${fake.port}`))
    const test = await cli(['profiles', 'test', 'cli-prof'], env, cliHome)
    expect(test.code).toBe(1)
    expect(test.stderr).toMatch(/Profile "cli-prof", database password: it was saved for .*\. The profile's target changed/)
    expect((await cli(['experiments', 'list', '--profile', 'cli-prof'], env, cliHome)).code).toBe(1)
    expect(fake.logins.length).toBe(before)

    // Typed for the fake on the command line, it goes there.
    await cli(['profiles', 'add', 'cli-fake', '--url', fakeUrl, '--password-stdin'], env, cliHome, TYPED + '\n')
    expect((await cli(['profiles', 'test', 'cli-fake'], env, cliHome)).code).toBe(1)
    expect(fake.logins.length).toBe(before + 1)
    await rm(cliHome, { recursive: true, force: true })
  })

  it('in all of it, the fake received typed passwords only, never a stored one', () => {
    expect(fake.passwords().length).toBeGreaterThanOrEqual(2)
    expect(new Set(fake.passwords())).toEqual(new Set([TYPED]))
    expect(fake.passwords()).not.toContain(stored())
  })
})
