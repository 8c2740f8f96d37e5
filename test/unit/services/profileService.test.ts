import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ProfileService, targetFromSettings } from '../../../electron/services/profiles/profileService'
import { aesGcmCipher } from '../../../electron/services/profiles/secretCipher'
import { noSecrets, profileSettingsSchema } from '@shared/api/profileSchemas'

async function service() {
  const home = await mkdtemp(join(tmpdir(), 'desk-svc-'))
  return { home, svc: new ProfileService(home, aesGcmCipher(Buffer.alloc(32, 9), 'a test key')) }
}

const base = { name: 'prod-mlflow', environment: 'prod' as const, host: 'db.example.com', database: 'mlflow', user: 'analyst' }

describe('saved profiles', () => {
  it('keep secrets sealed: views say set / not set, the file holds no secret in clear', async () => {
    const { home, svc } = await service()
    const v = await svc.save({ settings: base, secrets: { password: 'Pa55-word-xyz', ssh_passphrase: 'key-pass-123' } })
    expect(v.secrets).toEqual({ ...noSecrets(), password: true, ssh_passphrase: true })
    expect(JSON.stringify(v)).not.toContain('Pa55-word-xyz')
    const file = readFileSync(join(home, 'profiles.json'), 'utf8')
    expect(file).not.toContain('Pa55-word-xyz')
    expect(file).not.toContain('key-pass-123')
    expect((await svc.target(v.id)).target.password).toBe('Pa55-word-xyz')
  })

  it('on update, an omitted secret is kept (same target), null clears it, and pgpass drops a stored password', async () => {
    const { svc } = await service()
    const v = await svc.save({ settings: base, secrets: { password: 'one-secret-pw' } })
    await svc.save({ id: v.id, settings: { ...base, statement_timeout_s: 90, environment: 'staging', host: 'DB.example.com' } })
    expect((await svc.target(v.id)).target).toMatchObject({ host: 'DB.example.com', password: 'one-secret-pw' })
    await svc.save({ id: v.id, settings: base, secrets: { password: null } })
    expect((await svc.target(v.id)).target.password).toBeUndefined()
    await svc.save({ id: v.id, settings: base, secrets: { password: 'again-secret' } })
    const pgpass = await svc.save({ id: v.id, settings: { ...base, password_source: 'pgpass' } })
    expect(pgpass.secrets.password).toBe(false)
  })

  it('names are unique, whatever their case', async () => {
    const { svc } = await service()
    await svc.save({ settings: base })
    await expect(svc.save({ settings: { ...base, name: 'PROD-MLFLOW' } })).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'name' } })
  })

  it('validate settings with field-level messages', () => {
    const r = profileSettingsSchema.safeParse({ ...base, port: 70000, ssh: { enabled: true, host_fingerprint: 'MD5:xx' } })
    expect(r.success).toBe(false)
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual(expect.arrayContaining(['port', 'ssh.host_fingerprint']))
  })

  it('export settings only; import adds new names and reports the rest', async () => {
    const a = await service()
    await a.svc.save({
      settings: { ...base, artifact_mappings: [{ prefix: 'file:///mnt/mlflow', path: '/Volumes/mlflow' }] },
      secrets: { password: 'never-exported-pw' },
    })
    await a.svc.save({ settings: { ...base, name: 'dev', environment: 'dev' } })
    const json = await a.svc.exportJson()
    expect(json).not.toContain('never-exported-pw')
    expect(json).not.toContain('"secrets"')
    expect(json).not.toContain('aes-256-gcm')
    const b = await service()
    await b.svc.save({ settings: { ...base, name: 'dev' } })
    const { added, skipped } = await b.svc.importJson(json)
    expect(added.map((p) => p.name)).toEqual(['prod-mlflow'])
    expect(added[0].artifact_mappings).toEqual([{ prefix: 'file:///mnt/mlflow', path: '/Volumes/mlflow' }])
    expect(added[0].secrets.password).toBe(false)
    expect(skipped).toEqual([{ name: 'dev', reason: expect.stringContaining('exists already') }])
    await expect(b.svc.importJson('{"profiles": []}')).rejects.toMatchObject({ code: 'BAD_REQUEST' })
  })

  it('import pg_service.conf services, their passwords sealed', async () => {
    const { home, svc } = await service()
    const file = join(home, 'pg_service.conf')
    writeFileSync(
      file,
      '[mlflow-prod]\nhost=pg.internal\nport=5433\ndbname=mlflow\nuser=reader\npassword=svc-secret-pw\nsslmode=verify-full\nsslrootcert=/etc/ssl/ca.pem\n\n[other]\nhost=x\n',
    )
    const v = await svc.importService('mlflow-prod', { PGSERVICEFILE: file })
    expect(v).toMatchObject({
      name: 'mlflow-prod',
      host: 'pg.internal',
      port: 5433,
      database: 'mlflow',
      user: 'reader',
      ssl: { mode: 'verify-full', root_cert: '/etc/ssl/ca.pem' },
    })
    expect(v.secrets.password).toBe(true)
    expect(readFileSync(join(home, 'profiles.json'), 'utf8')).not.toContain('svc-secret-pw')
    await expect(svc.importService('missing', { PGSERVICEFILE: file })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(file) })
  })

  it('turn into connection targets: SSH with key or password, pinned host key, schema', () => {
    const s = profileSettingsSchema.parse({
      ...base,
      schema: 'mlflow',
      ssh: { enabled: true, host: 'bastion', user: 'me', auth: 'key', key_path: '/home/me/.ssh/id_ed25519', host_fingerprint: 'SHA256:' + 'A'.repeat(43) },
    })
    const t = targetFromSettings(s, (n) => ({ password: 'db-pw', ssh_passphrase: 'kp' })[n as 'password'])
    expect(t).toMatchObject({
      host: 'db.example.com',
      schema: 'mlflow',
      password: 'db-pw',
      ssh: { host: 'bastion', port: 22, keyPath: '/home/me/.ssh/id_ed25519', passphrase: 'kp', password: undefined, fingerprint: 'SHA256:' + 'A'.repeat(43) },
    })
    const pw = targetFromSettings(
      { ...s, password_source: 'pgpass', ssh: { ...s.ssh, auth: 'password' } },
      (n) => ({ password: 'db-pw', ssh_password: 'sp' })[n as 'password'],
    )
    expect(pw.password).toBeUndefined()
    expect(pw.ssh).toMatchObject({ password: 'sp', keyPath: null })
  })
})
