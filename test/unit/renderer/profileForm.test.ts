import { noSecrets } from '@shared/api/profileSchemas'
import { describe, expect, it } from 'vitest'
import type { ProfileView } from '@shared/domain/profiles'
import {
  copiedProfileForm,
  editProfileForm,
  newProfileForm,
  pastedUriForm,
  saveRequest,
  secretsPayload,
  secretsToRetype,
  secretWillBeSet,
  testRequest,
} from '@/utils/profileForm'
import { recall, remember } from '@/utils/profileMemory'
import { errorField, errorHelp } from '@/utils/errorHelp'
import { AppError } from '@shared/api/errors'
import { memoryStorage } from './fakeTransport'

const saved: ProfileView = {
  id: 'p1',
  kind: 'saved',
  name: 'Team',
  environment: 'staging',
  host: 'db.example.com',
  port: 5433,
  database: 'mlflow',
  user: 'reader',
  password_source: 'stored',
  schema: null,
  ssl: { mode: 'verify-full', root_cert: '/etc/ca.pem', cert: null, key: null },
  ssh: { enabled: true, host: 'bastion', port: 22, user: 'me', auth: 'key', key_path: '/home/me/.ssh/id', host_fingerprint: null },
  statement_timeout_s: 60,
  artifact_mappings: [{ prefix: 'file:///mnt/mlflow', path: '/Volumes/mlflow' }],
  artifact_store: null,
  sql_console: { allowed_functions: [], work_mem: null, max_value_bytes: null },
  secrets: { ...noSecrets(), password: true, ssh_passphrase: true },
  created_at: 1,
  updated_at: 2,
}

describe('the profile form', () => {
  it('edits a saved profile without its secrets, and sends back only settings the contract knows', () => {
    const f = editProfileForm(saved)
    expect(f.id).toBe('p1')
    expect(f.stored).toEqual(saved.secrets)
    expect(f.settings.schema).toBe('')
    expect(f.settings.ssl.cert).toBe('')
    const req = saveRequest(f)
    expect(req).toEqual({
      id: 'p1',
      settings: {
        name: 'Team',
        environment: 'staging',
        host: 'db.example.com',
        port: 5433,
        database: 'mlflow',
        user: 'reader',
        password_source: 'stored',
        schema: null,
        ssl: { mode: 'verify-full', root_cert: '/etc/ca.pem', cert: null, key: null },
        ssh: { enabled: true, host: 'bastion', port: 22, user: 'me', auth: 'key', key_path: '/home/me/.ssh/id', host_fingerprint: null },
        statement_timeout_s: 60,
        artifact_mappings: [{ prefix: 'file:///mnt/mlflow', path: '/Volumes/mlflow' }],
        artifact_store: null,
        sql_console: { allowed_functions: [], work_mem: null, max_value_bytes: null },
      },
    })
  })

  it('sends a typed secret, null for a cleared one, and nothing for an untouched one', () => {
    const f = editProfileForm(saved)
    expect(secretsPayload(f)).toBeUndefined()
    f.secrets.password.value = 's3cret'
    f.secrets.ssh_passphrase.clear = true
    expect(secretsPayload(f)).toEqual({ password: 's3cret', ssh_passphrase: null })
    expect(secretWillBeSet(f, 'ssh_passphrase')).toBe(false)
    expect(secretWillBeSet(f, 'password')).toBe(true)
  })

  it('drops a stored password the profile no longer uses', () => {
    const f = editProfileForm(saved)
    f.settings.password_source = 'pgpass'
    f.secrets.password.value = 'typed-but-unused'
    expect(secretsPayload(f)).toEqual({ password: null })
  })

  it('trims fields, turns empty optional ones into null and skips empty artifact rows', () => {
    const f = newProfileForm()
    Object.assign(f.settings, { name: '  New  ', user: ' u ', schema: '  ', port: null, statement_timeout_s: null })
    f.settings.artifact_mappings.push({ prefix: ' ', path: '' })
    const s = saveRequest(f).settings
    expect(s).toMatchObject({ name: 'New', user: 'u', schema: null, port: 5432, statement_timeout_s: 30, artifact_mappings: [] })
  })

  it('lets main take the password from a pasted URI, unless the user typed one', () => {
    const uri = 'postgresql://u:pw@h:5432/db'
    const f = pastedUriForm({ name: 'db on h', host: 'h', port: 5432, database: 'db', user: 'u', password_source: 'stored' }, uri, true)
    expect(testRequest(f)).toMatchObject({ password_from_url: uri })
    expect(testRequest(f)).not.toHaveProperty('id')
    f.secrets.password.value = 'other'
    expect(saveRequest(f)).not.toHaveProperty('password_from_url')
    expect(saveRequest(f).secrets).toEqual({ password: 'other' })
  })

  it('copies MLFLOW_TRACKING_URI’s secrets in main, as a new profile', () => {
    const env: ProfileView = { ...saved, id: 'env', kind: 'env', name: 'MLFLOW_TRACKING_URI', ssh: { ...saved.ssh, enabled: false } }
    const f = copiedProfileForm(env, 'mlflow on db', 'MLFLOW_TRACKING_URI')
    const req = saveRequest(f)
    expect(req).not.toHaveProperty('id')
    expect(req).toMatchObject({ copy_secrets_from: 'env', settings: { name: 'mlflow on db' } })
    expect(f.inheritedFrom).toBe('MLFLOW_TRACKING_URI')
  })
})

describe('secrets go only where they were saved for (the editor says so first)', () => {
  it('a stored password must be typed again once host, port, database, user or the SSH hop change; not for other edits', () => {
    const f = editProfileForm(saved)
    f.settings.statement_timeout_s = 5
    f.settings.environment = 'prod'
    f.settings.host = 'DB.EXAMPLE.COM'
    expect(secretsToRetype(f)).toEqual({})
    for (const change of [
      (x: typeof f) => (x.settings.host = 'evil.example.com'),
      (x: typeof f) => (x.settings.port = 5434),
      (x: typeof f) => (x.settings.database = 'other'),
      (x: typeof f) => (x.settings.user = 'admin'),
      (x: typeof f) => (x.settings.ssh.host = 'other-bastion'),
    ]) {
      const g = editProfileForm(saved)
      change(g)
      expect(Object.keys(secretsToRetype(g)), String(change)).toContain('password')
      expect(secretsToRetype(g).password).toBe(
        "Type the database password again: the stored one is only for reader@db.example.com:5433/mlflow via SSH me@bastion:22 (the server's certificate checked).",
      )
    }
  })

  it("a password saved with the server's certificate checked must be typed again once TLS is weakened, not when it stays as sure", () => {
    const keep = editProfileForm(saved)
    keep.settings.ssl.mode = keep.settings.ssl.mode === 'verify-full' ? 'verify-ca' : 'verify-full'
    expect(secretsToRetype(keep)).toEqual({})
    for (const mode of ['require', 'prefer', 'disable'] as const) {
      const g = editProfileForm(saved)
      g.settings.ssl.mode = mode
      expect(secretsToRetype(g).password, mode).toMatch(/certificate checked\)\.$/)
    }
  })

  it('a typed or cleared secret, or one the settings no longer use, is not asked for', () => {
    const f = editProfileForm(saved)
    f.settings.host = 'elsewhere'
    f.settings.ssh.host = 'other-bastion'
    expect(Object.keys(secretsToRetype(f)).sort()).toEqual(['password', 'ssh_passphrase'])
    f.secrets.password.value = 'typed-for-elsewhere'
    f.settings.ssh.enabled = false
    expect(secretsToRetype(f)).toEqual({})
  })

  it('a pasted URI’s password goes only to that URI’s target', () => {
    const f = pastedUriForm({ name: 'x', host: 'h', port: 5432, database: 'db', user: 'u', password_source: 'stored' }, 'postgresql://u:pw@h:5432/db', true)
    expect(secretsToRetype(f)).toEqual({})
    f.settings.host = 'attacker'
    expect(secretsToRetype(f).password).toMatch(/only for u@h:5432\/db\.$/)
  })
})

describe('the SQL console allow-list in the form', () => {
  it('round-trips, trimmed, empty rows dropped; a new profile allows nothing', () => {
    expect(saveRequest(newProfileForm()).settings.sql_console).toEqual({ allowed_functions: [], work_mem: null, max_value_bytes: null })
    const f = editProfileForm({ ...saved, sql_console: { allowed_functions: ['public.f'], work_mem: null, max_value_bytes: null } })
    expect(f.settings.sql_console.allowed_functions).toEqual(['public.f'])
    f.settings.sql_console.allowed_functions.push('  citext.*  ', '')
    expect(saveRequest(f).settings.sql_console).toEqual({ allowed_functions: ['public.f', 'citext.*'], work_mem: null, max_value_bytes: null })
  })

  it('work_mem and the value cap: blank is the default, a cap in MiB is saved in bytes', () => {
    const f = editProfileForm({ ...saved, sql_console: { allowed_functions: [], work_mem: '256MB', max_value_bytes: 4 * 1024 * 1024 } })
    expect(f.settings.sql_console).toMatchObject({ work_mem: '256MB', max_value_mib: 4 })
    f.settings.sql_console.work_mem = '  '
    f.settings.sql_console.max_value_mib = 0.5
    expect(saveRequest(f).settings.sql_console).toMatchObject({ work_mem: null, max_value_bytes: 512 * 1024 })
  })
})

describe('per-profile memory', () => {
  it('remembers data routes per profile and refuses anything else', () => {
    globalThis.localStorage = memoryStorage()
    remember('a', { route: '/experiments/1,2/runs', experimentsView: 'all' })
    remember('b', { route: '/connections' })
    remember('b', { route: 'javascript:alert(1)' })
    expect(recall('a')).toEqual({ route: '/experiments/1,2/runs', experimentsView: 'all' })
    expect(recall('b')).toEqual({ route: undefined, experimentsView: undefined })
    localStorage.setItem('mlflow-desk:profile:c', '{not json')
    expect(recall('c')).toEqual({})
  })
})

describe('error help', () => {
  it('explains the profile codes and points at the field', () => {
    const e = new AppError('CONFLICT', 'A profile named "x" exists already; choose another name.', { field: 'name' })
    expect(errorHelp(e).title).toBe('That name is taken')
    expect(errorField(e)).toBe('name')
    expect(errorField(new AppError('BAD_REQUEST', 'x', { field: 'settings.ssh.host' }))).toBe('ssh.host')
    // A connection test's error arrives as a plain {code, message}.
    expect(errorHelp({ code: 'SSH_HOST_KEY_CHANGED', message: 'm' }).title).toBe('The SSH host key changed')
  })
})
