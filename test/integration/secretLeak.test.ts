import { readdirSync, readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { dispatch } from '../../electron/services/api/dispatch'
import type { CallContext } from '../../electron/services/api/handlers'
import { createAppContext, type AppSetup } from '../../electron/services/appContext'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import { adminClient, createDatabase, pgInfo } from '../helpers/databases'
import { cli } from '../helpers/cliRunner'
import { FIXTURES } from '../helpers/fixtures'

/**
 * Secrets never reach the renderer, a log or an error message. Canary secrets
 * go in through every door (save, test, pasted URIs, wrong passwords, the CLI);
 * everything that comes out — every API envelope, every console line, every CLI
 * output, the files written — is searched for them.
 */
const CANARIES = {
  db: 'Canary-DB-pw-4f7Q',
  wrong: 'Canary-wrong-pw-8Kx',
  ssh: 'Canary-ssh-pw-2Zr',
  passphrase: 'Canary-passphrase-6Hm',
  url: 'Canary-url-pw-1Tn',
}

describe('no secret leaves the main process', () => {
  const outputs: string[] = []
  let app: AppSetup
  let home: string
  let db: string
  let call: CallContext
  const spies: Array<ReturnType<typeof vi.spyOn>> = []

  beforeAll(async () => {
    db = await createDatabase('leak', FIXTURES.small.template)
    const admin = adminClient(db)
    await admin.connect()
    await admin.query(`DROP ROLE IF EXISTS leak_reader`)
    await admin.query(`CREATE ROLE leak_reader LOGIN PASSWORD '${CANARIES.db}'; GRANT SELECT ON ALL TABLES IN SCHEMA public TO leak_reader`)
    await admin.end()
    home = await mkdtemp(join(tmpdir(), 'desk-leak-'))
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      spies.push(vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void outputs.push(args.map(String).join(' '))))
    }
    app = await createAppContext({ home, env: {}, cipher: aesGcmCipher(Buffer.alloc(32, 2), 'a test key'), choice: {}, transport: 'http' })
    call = { window: await app.workspace.window('leak'), signal: new AbortController().signal, openWindow: async () => 'http://127.0.0.1/x' }
  })
  afterAll(async () => {
    spies.forEach((s) => s.mockRestore())
    await app?.workspace.dispose()
  })

  const api = async (channel: string, body: unknown) => {
    const env = await dispatch(app.handlers, channel, body, call)
    outputs.push(JSON.stringify(env))
    return env as { ok: boolean; data: any; error?: { code: string; message: string } }
  }

  it('through every profile channel, success and failure', async () => {
    const base = { host: pgInfo().host, port: pgInfo().port, database: db, user: 'leak_reader', ssl: { mode: 'disable' } }
    const saved = await api('profiles:save', { settings: { ...base, name: 'leaky' }, secrets: { password: CANARIES.db } })
    expect(saved.ok).toBe(true)
    const id = saved.data.profile.id
    await api('profiles:save', {
      settings: { ...base, name: 'leaky-ssh', ssh: { enabled: true, host: '127.0.0.1', port: 1, user: 'x', auth: 'password' } },
      secrets: { password: CANARIES.db, ssh_password: CANARIES.ssh, ssh_passphrase: CANARIES.passphrase },
    })
    expect((await api('profiles:list', {})).data.profiles.find((p: { id: string }) => p.id === id).secrets.password).toBe(true)
    expect((await api('profiles:test', { id })).data.ok).toBe(true)
    expect((await api('profiles:test', { settings: { ...base, name: 'draft' }, secrets: { password: CANARIES.wrong } })).data.error.code).toBe('AUTH_FAILED')
    expect((await api('profiles:test', { settings: { ...base, name: 'draft', user: 'nobody-here' }, secrets: { password: CANARIES.wrong } })).data.ok).toBe(
      false,
    )
    await api('profiles:test', { id: (await api('profiles:list', {})).data.profiles.find((p: { name: string }) => p.name === 'leaky-ssh').id })
    const pasted = `postgresql://leak_reader:${CANARIES.url}@${pgInfo().host}:${pgInfo().port}/${db}?sslmode=disable`
    expect((await api('profiles:parse-url', { url: pasted })).data.has_password).toBe(true)
    const fromUrl = await api('profiles:save', { settings: { ...base, name: 'from-url' }, password_from_url: pasted })
    expect(fromUrl.data.profile.secrets.password).toBe(true)
    await api('profiles:parse-url', { url: `mysql://u:${CANARIES.url}@h/db` })
    await api('profiles:switch', { id })
    await api('session:describe', {})
    await api('experiments:list', { view: 'all' })
    await api('profiles:export', {})
    await api('profiles:save', { settings: { ...base, name: 'bad', port: 99999 }, secrets: { password: CANARIES.db } })
    await api('profiles:switch', { id: fromUrl.data.profile.id })
    await api('session:describe', {})
  })

  it('through the CLI: outputs and errors', async () => {
    const url = `postgresql://leak_reader:${CANARIES.wrong}@${pgInfo().host}:${pgInfo().port}/${db}?sslmode=disable`
    for (const args of [
      ['experiments', 'list', '--url', url],
      ['profiles', 'list', '--json'],
      ['profiles', 'test', 'leaky'],
      ['profiles', 'test', 'leaky', '--json'],
      ['profiles', 'export'],
      ['profiles', 'add', 'cli-leak', '--url', url.replace(CANARIES.wrong, CANARIES.url)],
      ['runs', 'search', '--experiment-ids', '1', '--url', `postgresql://leak_reader:${CANARIES.url}@no-such-host.invalid/db`],
    ]) {
      const r = await cli(args, {}, home)
      outputs.push(r.stdout, r.stderr)
    }
  })

  it('none of the canaries appears in anything that came out, nor in clear in any file written', () => {
    const files = readdirSync(home).map((f) => readFileSync(join(home, f), 'utf8'))
    const haystack = [...outputs, ...files].join('\n')
    expect(outputs.length).toBeGreaterThan(20)
    for (const [what, secret] of Object.entries(CANARIES)) {
      expect(haystack.includes(secret), `${what} secret leaked`).toBe(false)
    }
  })
})
