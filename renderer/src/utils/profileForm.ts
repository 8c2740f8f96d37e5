import type { ChannelRequest } from '@shared/api/contract'
import { artifactStoreSchema } from '@shared/api/artifactSchemas'
import { SECRET_NAMES, noSecrets, type ProfileSecretsInput, type ProfileSettingsInput } from '@shared/api/profileSchemas'
import type { Environment, ProfileSettings, ProfileView, SecretStatus, SslMode } from '@shared/domain/profiles'
import { SECRET_LABELS, secretTarget, secretsToReenter } from '@shared/domain/secretTargets'
import { fromArtifactStoreForm, toArtifactStoreForm, type ArtifactStoreForm } from './artifactStoreForm'

/**
 * The profile editor's model: settings as form fields (empty strings rather
 * than nulls, so inputs bind directly) and, per secret, what the user did to
 * it. Secrets the server holds are never here: only whether they are set.
 */
export interface FormSettings {
  name: string
  environment: Environment
  host: string
  port: number | null
  database: string
  user: string
  password_source: ProfileSettings['password_source']
  schema: string
  ssl: { mode: SslMode; root_cert: string; cert: string; key: string }
  ssh: { enabled: boolean; host: string; port: number | null; user: string; auth: 'password' | 'key'; key_path: string; host_fingerprint: string }
  statement_timeout_s: number | null
  artifact_mappings: Array<{ prefix: string; path: string }>
  /** Per store kind (S3, Azure, GCS, MLflow server, SFTP); null on save when nothing is set. */
  artifact_store: ArtifactStoreForm
  /** The functions the SQL console lets through for this profile (schema.name or schema.*). */
  sql_console: {
    allowed_functions: string[]
    /** Empty: the default (the connection's -c work_mem, else 64MB). */
    work_mem: string
    /** In MiB as typed; null: the default (1 MiB). */
    max_value_mib: number | null
  }
}

export type SecretName = keyof SecretStatus

/** A typed value sets the secret, `clear` removes it, neither keeps what is stored. */
export interface SecretEdit {
  value: string
  clear: boolean
}

export interface ProfileForm {
  /** The saved profile being edited; null for a new one. */
  id: string | null
  settings: FormSettings
  secrets: Record<SecretName, SecretEdit>
  /** What the server holds for the profile being edited (all false for a new one). */
  stored: SecretStatus
  /** A pasted URI with a password: main takes the password from it. */
  passwordFromUrl: string | null
  /** Another profile whose secrets main copies (e.g. "env" for MLFLOW_TRACKING_URI). */
  copySecretsFrom: string | null
  /** Where an inherited password comes from, in words ("the pasted URI"). */
  inheritedFrom: string | null
  /**
   * The settings the stored (or inherited) secrets were saved for: the saved profile's,
   * the copied one's, the pasted URI's. A secret goes only there; null for a blank form.
   */
  secretsFor: ProfileSettings | null
}

const NO_SECRETS: SecretStatus = noSecrets()

/** Settings as the contract accepts them (defaults filled in the way the schema fills them). */
export function completeSettings(s: ProfileSettingsInput): ProfileSettings {
  return {
    name: s.name,
    environment: s.environment ?? 'custom',
    host: s.host,
    port: s.port ?? 5432,
    database: s.database,
    user: s.user,
    password_source: s.password_source ?? 'stored',
    schema: s.schema ?? null,
    ssl: { mode: s.ssl?.mode ?? 'prefer', root_cert: s.ssl?.root_cert ?? null, cert: s.ssl?.cert ?? null, key: s.ssl?.key ?? null },
    ssh: {
      enabled: s.ssh?.enabled ?? false,
      host: s.ssh?.host ?? '',
      port: s.ssh?.port ?? 22,
      user: s.ssh?.user ?? '',
      auth: s.ssh?.auth ?? 'key',
      key_path: s.ssh?.key_path ?? null,
      host_fingerprint: s.ssh?.host_fingerprint ?? null,
    },
    statement_timeout_s: s.statement_timeout_s ?? 30,
    artifact_mappings: (s.artifact_mappings ?? []).map((m) => ({ prefix: m.prefix, path: m.path })),
    artifact_store: s.artifact_store ? artifactStoreSchema.parse(s.artifact_store) : null,
    sql_console: {
      allowed_functions: [...(s.sql_console?.allowed_functions ?? [])],
      work_mem: s.sql_console?.work_mem ?? null,
      max_value_bytes: s.sql_console?.max_value_bytes ?? null,
    },
  }
}

export function toFormSettings(s: ProfileSettings): FormSettings {
  return {
    ...s,
    schema: s.schema ?? '',
    ssl: { mode: s.ssl.mode, root_cert: s.ssl.root_cert ?? '', cert: s.ssl.cert ?? '', key: s.ssl.key ?? '' },
    ssh: { ...s.ssh, key_path: s.ssh.key_path ?? '', host_fingerprint: s.ssh.host_fingerprint ?? '' },
    artifact_mappings: s.artifact_mappings.map((m) => ({ ...m })),
    artifact_store: toArtifactStoreForm(s.artifact_store),
    sql_console: {
      allowed_functions: [...s.sql_console.allowed_functions],
      work_mem: s.sql_console.work_mem ?? '',
      max_value_mib: s.sql_console.max_value_bytes === null ? null : s.sql_console.max_value_bytes / MIB,
    },
  }
}

const MIB = 1024 * 1024

const orNull = (v: string) => (v.trim() === '' ? null : v.trim())

/** The form's settings for the API: trimmed, empty optional fields as null. */
export function fromFormSettings(f: FormSettings): ProfileSettings {
  return {
    name: f.name.trim(),
    environment: f.environment,
    host: f.host.trim(),
    port: f.port ?? 5432,
    database: f.database.trim(),
    user: f.user.trim(),
    password_source: f.password_source,
    schema: orNull(f.schema),
    ssl: { mode: f.ssl.mode, root_cert: orNull(f.ssl.root_cert), cert: orNull(f.ssl.cert), key: orNull(f.ssl.key) },
    ssh: {
      enabled: f.ssh.enabled,
      host: f.ssh.host.trim(),
      port: f.ssh.port ?? 22,
      user: f.ssh.user.trim(),
      auth: f.ssh.auth,
      key_path: orNull(f.ssh.key_path),
      host_fingerprint: orNull(f.ssh.host_fingerprint),
    },
    statement_timeout_s: f.statement_timeout_s ?? 30,
    artifact_mappings: f.artifact_mappings.map((m) => ({ prefix: m.prefix.trim(), path: m.path.trim() })).filter((m) => m.prefix || m.path),
    artifact_store: fromArtifactStoreForm(f.artifact_store),
    sql_console: {
      allowed_functions: f.sql_console.allowed_functions.map((x) => x.trim()).filter((x) => x !== ''),
      work_mem: orNull(f.sql_console.work_mem),
      max_value_bytes: f.sql_console.max_value_mib === null ? null : Math.round(f.sql_console.max_value_mib * MIB),
    },
  }
}

function untouched(): Record<SecretName, SecretEdit> {
  return Object.fromEntries(SECRET_NAMES.map((n) => [n, { value: '', clear: false }])) as Record<SecretName, SecretEdit>
}

function form(settings: ProfileSettings, extra: Partial<ProfileForm> = {}): ProfileForm {
  return {
    id: null,
    settings: toFormSettings(settings),
    secrets: untouched(),
    stored: { ...NO_SECRETS },
    passwordFromUrl: null,
    copySecretsFrom: null,
    inheritedFrom: null,
    secretsFor: null,
    ...extra,
  }
}

export function newProfileForm(): ProfileForm {
  return form(completeSettings({ name: '', environment: 'dev', host: 'localhost', database: 'mlflow', user: '' }))
}

/** Edit a saved profile: its settings, and which secrets it has (never their values). */
export function editProfileForm(v: ProfileView): ProfileForm {
  const { id, kind: _kind, secrets, created_at: _c, updated_at: _u, ...settings } = v
  const complete = completeSettings(settings)
  return form(complete, { id, stored: { ...secrets }, secretsFor: complete })
}

/** A new profile from a pasted URI; its password (if any) stays in the URI for main to take. */
export function pastedUriForm(settings: ProfileSettingsInput, uri: string, hasPassword: boolean): ProfileForm {
  const complete = completeSettings(settings)
  return form(complete, hasPassword ? { passwordFromUrl: uri, inheritedFrom: 'the pasted URI', secretsFor: complete } : {})
}

/** A new profile copying another one (MLFLOW_TRACKING_URI, --url) and, in main, its secrets. */
export function copiedProfileForm(v: ProfileView, name: string, origin: string): ProfileForm {
  const f = editProfileForm(v)
  f.settings.name = name
  return { ...f, id: null, stored: { ...NO_SECRETS }, copySecretsFrom: v.id, inheritedFrom: v.secrets.password ? origin : null, secretsFor: f.secretsFor }
}

/** Secrets to send: typed ones set, cleared ones null, untouched ones left out. */
export function secretsPayload(f: ProfileForm): ProfileSecretsInput | undefined {
  const out: ProfileSecretsInput = {}
  for (const name of Object.keys(f.secrets) as SecretName[]) {
    const edit = f.secrets[name]
    if (edit.value !== '') out[name] = edit.value
    else if (edit.clear) out[name] = null
  }
  // A password the profile no longer uses is not kept.
  if (f.settings.password_source !== 'stored') {
    if (f.stored.password) out.password = null
    else delete out.password
  }
  return Object.keys(out).length ? out : undefined
}

function secretSources(f: ProfileForm) {
  const usesUrlPassword = f.passwordFromUrl && f.settings.password_source === 'stored' && f.secrets.password.value === '' && !f.secrets.password.clear
  return {
    ...(secretsPayload(f) ? { secrets: secretsPayload(f) } : {}),
    ...(usesUrlPassword ? { password_from_url: f.passwordFromUrl! } : {}),
    ...(f.copySecretsFrom ? { copy_secrets_from: f.copySecretsFrom } : {}),
  }
}

export function saveRequest(f: ProfileForm): ChannelRequest<'profiles:save'> {
  return { ...(f.id ? { id: f.id } : {}), settings: fromFormSettings(f.settings), ...secretSources(f) }
}

export function testRequest(f: ProfileForm): ChannelRequest<'profiles:test'> {
  return { ...(f.id ? { id: f.id } : {}), settings: fromFormSettings(f.settings), ...secretSources(f) }
}

/** Whether a secret will be there after saving, for the field's hint. */
export function secretWillBeSet(f: ProfileForm, name: SecretName): boolean {
  const e = f.secrets[name]
  if (e.value !== '') return true
  if (e.clear) return false
  return f.stored[name] || (name === 'password' && (!!f.passwordFromUrl || !!f.inheritedFrom))
}

/** The secrets the form would carry over (stored, from a URI or another profile) and the user has not replaced or cleared. */
function carriedNames(f: ProfileForm): SecretName[] {
  return (Object.keys(f.secrets) as SecretName[]).filter((n) => {
    const e = f.secrets[n]
    if (e.value !== '' || e.clear) return false
    return f.stored[n] || (n === 'password' && (!!f.passwordFromUrl || !!f.inheritedFrom))
  })
}

/**
 * Secrets to type again because the form now sends them elsewhere than they were
 * saved for (another host, port, database, user, SSH hop, artifact endpoint): each
 * with a line saying why. Main refuses to reuse them either way; this says so first.
 */
export function secretsToRetype(f: ProfileForm): Partial<Record<SecretName, string>> {
  if (!f.secretsFor) return {}
  const now = fromFormSettings(f.settings)
  const out: Partial<Record<SecretName, string>> = {}
  for (const n of secretsToReenter(carriedNames(f), f.secretsFor, now)) {
    out[n] = `Type the ${SECRET_LABELS[n]} again: the stored one is only for ${secretTarget(n, f.secretsFor).description}.`
  }
  return out
}
