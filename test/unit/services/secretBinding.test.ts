import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { carriedFrom, ProfileService } from '../../../electron/services/profiles/profileService'
import { bindingFor, openBound } from '../../../electron/services/profiles/secretBinding'
import { aesGcmCipher } from '../../../electron/services/profiles/secretCipher'
import { profileSettingsSchema, SECRET_NAMES, type SecretName } from '@shared/api/profileSchemas'
import { secretTarget } from '@shared/domain/secretTargets'

const cipher = aesGcmCipher(Buffer.alloc(32, 3), 'a test key')

async function service() {
  const home = await mkdtemp(join(tmpdir(), 'desk-bind-'))
  return { home, svc: new ProfileService(home, cipher) }
}

const base = { name: 'prod', host: 'db.example.com', port: 5432, database: 'mlflow', user: 'analyst' }
const PW = 'Bound-Secret-Pw-91'

/** Edit the profiles file as a person (or malware) with a text editor would. */
function handEdit(home: string, edit: (p: Record<string, unknown> & { secrets: Record<string, unknown> }) => void): void {
  const file = join(home, 'profiles.json')
  const doc = JSON.parse(readFileSync(file, 'utf8'))
  edit(doc.profiles[0])
  writeFileSync(file, JSON.stringify(doc, null, 2))
}

describe('a stored secret is bound to the target it was saved for', () => {
  it.each([
    ['host', { host: 'evil.example.com' }],
    ['port', { port: 6543 }],
    ['database', { database: 'other' }],
    ['user', { user: 'postgres' }],
    ['SSH hop', { ssh: { enabled: true, host: 'bastion', user: 'me', auth: 'key' as const, key_path: '/k' } }],
  ])('saving with another %s without the password is refused, naming it and both targets', async (_what, change) => {
    const { svc } = await service()
    const v = await svc.save({ settings: base, secrets: { password: PW } })
    const refused = svc.save({ id: v.id, settings: { ...base, ...change } })
    await expect(refused).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'secrets.password' } })
    await expect(refused).rejects.toThrow(
      /Enter the database password again: it was saved for analyst@db\.example\.com:5432\/mlflow, and this profile would now send it to /,
    )
    // Nothing changed, and typing it again is accepted.
    expect((await svc.target(v.id)).target).toMatchObject({ host: 'db.example.com', port: 5432, password: PW })
    await svc.save({ id: v.id, settings: { ...base, ...change }, secrets: { password: 'typed-again-1' } })
    expect((await svc.target(v.id)).target.password).toBe('typed-again-1')
  })

  it("a password saved with the server's certificate checked is not sent once TLS is weakened to 'prefer'", async () => {
    const { svc } = await service()
    const verified = { ...base, ssl: { mode: 'verify-full' as const, root_cert: '/etc/ca.pem' } }
    const v = await svc.save({ settings: verified, secrets: { password: PW } })
    // As sure as before: kept.
    await svc.save({ id: v.id, settings: { ...verified, ssl: { mode: 'verify-ca' as const, root_cert: '/etc/ca.pem' } } })
    expect((await svc.target(v.id)).target.password).toBe(PW)
    const refused = svc.save({ id: v.id, settings: { ...base, ssl: { mode: 'prefer' as const } } })
    await expect(refused).rejects.toMatchObject({ code: 'BAD_REQUEST', details: { field: 'secrets.password' } })
    await expect(refused).rejects.toThrow(
      /saved for analyst@db\.example\.com:5432\/mlflow \(the server's certificate checked\), and this profile would now send it to analyst@db\.example\.com:5432\/mlflow\. /,
    )
  })

  it('the same target keeps its secrets: other settings, host case, environment, timeout, allow-list', async () => {
    const { svc } = await service()
    const v = await svc.save({ settings: base, secrets: { password: PW } })
    await svc.save({
      id: v.id,
      settings: { ...base, host: 'DB.Example.com', environment: 'prod', statement_timeout_s: 99, sql_console: { allowed_functions: ['public.f'] } },
    })
    expect((await svc.target(v.id)).target.password).toBe(PW)
  })

  it('SSH secrets are bound to the SSH host, port and user; a secret the settings no longer use does not block a save', async () => {
    const { svc } = await service()
    const ssh = { enabled: true, host: 'bastion', port: 22, user: 'me', auth: 'password' as const }
    const v = await svc.save({ settings: { ...base, ssh }, secrets: { password: PW, ssh_password: 'ssh-pw-77' } })
    await expect(svc.save({ id: v.id, settings: { ...base, ssh: { ...ssh, host: 'bastion2' } }, secrets: { password: 'x-pw' } })).rejects.toMatchObject({
      details: { field: 'secrets.ssh_password' },
      message: expect.stringContaining('SSH me@bastion:22'),
    })
    // Switching the tunnel off: the SSH password is unused, the database password's target changes (no hop).
    await expect(svc.save({ id: v.id, settings: base })).rejects.toMatchObject({ details: { field: 'secrets.password' } })
    await svc.save({ id: v.id, settings: base, secrets: { password: 'direct-pw' } })
    expect((await svc.target(v.id)).target).toMatchObject({ password: 'direct-pw', ssh: undefined })
  })

  it('artifact store secrets are bound to their endpoint and account', async () => {
    const { svc } = await service()
    const store = {
      s3: { endpoint_url: 'https://minio.internal:9000', access_key_id: 'AKIA1' },
      http: { tracking_uri: 'https://mlflow.internal', auth: 'bearer' as const },
    }
    const v = await svc.save({ settings: { ...base, artifact_store: store }, secrets: { s3_secret_access_key: 's3-secret-1', http_credential: 'token-1' } })
    await expect(
      svc.save({ id: v.id, settings: { ...base, artifact_store: { ...store, s3: { ...store.s3, endpoint_url: 'https://evil:9000' } } } }),
    ).rejects.toMatchObject({
      details: { field: 'secrets.s3_secret_access_key' },
    })
    await expect(
      svc.save({ id: v.id, settings: { ...base, artifact_store: { ...store, http: { ...store.http, tracking_uri: 'https://evil' } } } }),
    ).rejects.toMatchObject({
      details: { field: 'secrets.http_credential' },
    })
    const src = await svc.source(v.id)
    expect(await src.artifactSecrets!()).toMatchObject({ s3_secret_access_key: 's3-secret-1', http_credential: 'token-1' })
  })

  it('a hand-edited profiles file cannot redirect a secret: connecting refuses, saying which and why', async () => {
    const { home, svc } = await service()
    const v = await svc.save({ settings: base, secrets: { password: PW } })
    handEdit(home, (p) => (p.host = '127.0.0.66'))
    const refused = svc.target(v.id)
    await expect(refused).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE', details: { field: 'secrets.password' } })
    await expect(refused).rejects.toThrow(/saved for analyst@db\.example\.com:5432\/mlflow.*would now send it to analyst@127\.0\.0\.66:5432\/mlflow/)
    // The editor's "save as is" does not launder it either.
    await expect(svc.save({ id: v.id, settings: { ...base, host: '127.0.0.66' } })).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    // Putting the host back makes it usable again.
    handEdit(home, (p) => (p.host = 'db.example.com'))
    expect((await svc.target(v.id)).target.password).toBe(PW)
  })

  it('nor can moving a sealed secret to another name or profile', async () => {
    const { home, svc } = await service()
    const v = await svc.save({
      settings: { ...base, ssh: { enabled: true, host: 'evil-ssh', user: 'me', auth: 'password' } },
      secrets: { password: PW, ssh_password: 'ssh-secret' },
    })
    // The database password sealed as the SSH password: it would go to the SSH host.
    handEdit(home, (p) => (p.secrets.ssh_password = p.secrets.password))
    await expect(svc.target(v.id)).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE', details: { field: 'secrets.ssh_password' } })
    // Into another profile pointing elsewhere.
    const other = await svc.save({ settings: { ...base, name: 'other', host: 'attacker.example' } })
    const file = join(home, 'profiles.json')
    const doc = JSON.parse(readFileSync(file, 'utf8'))
    doc.profiles[1].secrets.password = doc.profiles[0].secrets.password
    writeFileSync(file, JSON.stringify(doc))
    await expect(svc.target(other.id)).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' })
  })

  it('secrets sealed before binding still open for the target in the file, and are bound on first use', async () => {
    const { home, svc } = await service()
    const v = await svc.save({ settings: base })
    handEdit(home, (p) => (p.secrets.password = cipher.seal(PW)))
    expect(openBound(cipher, JSON.parse(readFileSync(join(home, 'profiles.json'), 'utf8')).profiles[0].secrets.password).binding).toBeNull()
    expect((await svc.target(v.id)).target.password).toBe(PW)
    const resealed = openBound(cipher, JSON.parse(readFileSync(join(home, 'profiles.json'), 'utf8')).profiles[0].secrets.password)
    expect(resealed).toMatchObject({ value: PW, binding: { hash: bindingFor('password', profileSettingsSchema.parse(base)).hash } })
    // From now on a hand edit is caught.
    handEdit(home, (p) => (p.port = 1))
    await expect(svc.target(v.id)).rejects.toMatchObject({ code: 'SECRET_UNAVAILABLE' })
  })

  it('secrets carried from elsewhere (a URI, another profile) go only to the target they were given for', async () => {
    const { svc } = await service()
    const carried = carriedFrom(base, { password: PW })
    await expect(svc.save({ settings: { ...base, name: 'copy', host: 'evil' }, carried })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      details: { field: 'secrets.password' },
    })
    const ok = await svc.save({ settings: { ...base, name: 'copy' }, carried })
    expect((await svc.target(ok.id)).target.password).toBe(PW)
    // A typed value wins over a carried one, wherever it goes.
    const typed = await svc.save({ settings: { ...base, name: 'typed', host: 'elsewhere' }, carried, secrets: { password: 'typed-pw' } })
    expect((await svc.target(typed.id)).target.password).toBe('typed-pw')
  })

  it('profiles list never shows a secret, bound or not', async () => {
    const { svc } = await service()
    await svc.save({ settings: base, secrets: { password: PW } })
    const text = JSON.stringify(await svc.list())
    expect(text).not.toContain(PW)
    expect(text).not.toContain('aes-256-gcm')
  })

  it('every secret name has a target, and names never share one', () => {
    const s = profileSettingsSchema.parse({ ...base, ssh: { enabled: true, host: 'b', user: 'u' } })
    const keys = SECRET_NAMES.map((n: SecretName) => secretTarget(n, s).key)
    expect(new Set(keys).size).toBe(SECRET_NAMES.length)
  })
})

describe('the SQL console allow-list setting', () => {
  const parse = (allowed_functions: unknown) => profileSettingsSchema.safeParse({ ...base, sql_console: { allowed_functions } })

  it('is empty by default, as are work_mem and the value cap', () => {
    expect(profileSettingsSchema.parse(base).sql_console).toEqual({ allowed_functions: [], work_mem: null, max_value_bytes: null })
  })

  it.each([
    ['256MB', true],
    ['1GB', true],
    ['64kB', true],
    ['64mb', false],
    ['1 gigabyte', false],
    ['32kB', false],
  ])('work_mem %s is accepted: %s', (work_mem, ok) => {
    expect(profileSettingsSchema.safeParse({ ...base, sql_console: { work_mem } }).success).toBe(ok)
  })

  it.each(['public.my_func', 'citext.*', '"My Schema"."Odd ""name"""', 'mlflow_ext.f$2', 'ünï.cödé', '  public.trimmed  '])('accepts %s', (entry) => {
    expect(parse([entry]).success).toBe(true)
  })

  it.each(['my_func', 'public.*.x', 'a.b.c', '1x.f', 'public.', '.f', '*.f', 'public.f()', '"".f', `${'x'.repeat(64)}.f`, 'pg_catalog.f; DROP TABLE runs'])(
    'refuses %s, naming the field',
    (entry) => {
      const r = parse([entry])
      expect(r.success).toBe(false)
      expect(r.error!.issues[0]!.path).toEqual(['sql_console', 'allowed_functions', 0])
      expect(r.error!.issues[0]!.message).toMatch(/schema-qualified/)
    },
  )

  it('holds at most 200 entries', () => {
    expect(parse(Array.from({ length: 200 }, (_, i) => `s.f${i}`)).success).toBe(true)
    expect(parse(Array.from({ length: 201 }, (_, i) => `s.f${i}`)).error!.issues[0]!.message).toMatch(/at most 200/)
  })
})
