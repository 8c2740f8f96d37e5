import { writeFile, readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { AppError, isAppError } from '@shared/api/errors'
import { allowedFunctionSchema, parseArtifactMaps, type ProfileSecretsInput, type ProfileSettingsInput } from '@shared/api/profileSchemas'
import { describeTarget, noSuchProfile, type ProfileView } from '@shared/domain/profiles'
import { withProfilesApi, type CliApi } from '../api'
import type { CliIO } from '../io'
import { printMlflowJson, printTable } from '../output'
import { storeChoice, type GlobalOptions } from '../storeOptions'
import { uriPassword } from '../uriPassword'
import { printTestResult } from './profileTestOutput'

export interface AddOptions {
  passwordStdin?: boolean
  sslmode?: string
  sslrootcert?: string
  sslcert?: string
  sslkey?: string
  env?: string
  schema?: string
  ssh?: string
  sshKey?: string
  sshPasswordStdin?: boolean
  sshPassphraseStdin?: boolean
  sshFingerprint?: string
  allowFunction?: string[]
  consoleWorkMem?: string
  update?: boolean
}

export interface GrantSqlOptions {
  role?: string
}

export interface TestOptions {
  json?: boolean
  trustHostKey?: boolean
}

export interface ImportOptions {
  fromEnv?: string | boolean
  service?: string
  allServices?: boolean
  file?: string
}

/** How to give a secret again on this command line. */
const REENTER_HINT: Record<string, string> = {
  password: 'Give it with --password-stdin.',
  ssh_password: 'Give it with --ssh-password-stdin.',
  ssh_passphrase: 'Give it with --ssh-passphrase-stdin.',
}

/** user@host[:port] */
function parseSsh(value: string): { user: string; host: string; port: number } {
  const m = /^([^@\s]+)@([^:\s]+)(?::(\d+))?$/.exec(value)
  if (!m) throw new AppError('BAD_REQUEST', `--ssh "${value}": expected USER@HOST[:PORT].`, { field: 'ssh' })
  return { user: m[1], host: m[2], port: m[3] ? Number(m[3]) : 22 }
}

/** Secrets from standard input, one per line, in the order of the flags that ask for them. */
async function stdinSecrets(io: CliIO, opts: AddOptions): Promise<ProfileSecretsInput> {
  const wanted = [opts.passwordStdin && 'password', opts.sshPasswordStdin && 'ssh_password', opts.sshPassphraseStdin && 'ssh_passphrase'].filter(
    Boolean,
  ) as Array<keyof ProfileSecretsInput>
  if (!wanted.length) return {}
  const lines = (await io.readStdin()).split(/\r?\n/)
  if (lines.filter((l, i) => i < wanted.length && l !== '').length < wanted.length) {
    throw new AppError('BAD_REQUEST', `Standard input holds fewer lines than secrets asked for (${wanted.join(', ')}), one per line.`)
  }
  return Object.fromEntries(wanted.map((w, i) => [w, lines[i]]))
}

function describe(p: ProfileView): string {
  return describeTarget({ ...p, ssh: p.ssh.enabled ? p.ssh : null })
}

function passwordLabel(p: ProfileView): string {
  if (p.password_source === 'pgpass') return 'pgpass'
  if (p.password_source === 'none') return 'none'
  return p.secrets.password ? 'stored' : 'stored (not set)'
}

/** The saved profiles, as the app lists them. */
async function savedProfiles(api: CliApi): Promise<ProfileView[]> {
  return (await api.call('profiles:list', {})).profiles.filter((p) => p.kind === 'saved')
}

/** A saved profile by its name (any case) or id; the refusal names those there are. */
async function savedProfile(api: CliApi, nameOrId: string, listed?: ProfileView[]): Promise<ProfileView> {
  const saved = listed ?? (await savedProfiles(api))
  const found = saved.find((p) => p.id === nameOrId) ?? saved.find((p) => p.name.toLowerCase() === nameOrId.toLowerCase())
  if (!found)
    throw noSuchProfile(
      nameOrId,
      saved.map((p) => p.name),
    )
  return found
}

export async function add(io: CliIO, name: string, opts: AddOptions, cmd: Command): Promise<void> {
  const g = cmd.optsWithGlobals<GlobalOptions>()
  if (!g.url) throw new AppError('BAD_REQUEST', 'profiles add needs --url postgresql://USER@HOST:PORT/DB.', { field: 'url' })
  const choice = storeChoice(cmd)
  const ssh = opts.ssh ? parseSsh(opts.ssh) : null
  const mappings = parseArtifactMaps(choice.artifactMaps)
  for (const f of opts.allowFunction ?? []) {
    const checked = allowedFunctionSchema.safeParse(f)
    if (!checked.success) throw new AppError('BAD_REQUEST', `--allow-function "${f}": ${checked.error.issues[0]!.message}.`, { field: 'allow-function' })
  }
  await withProfilesApi(io, async (api, storage) => {
    const { settings, has_password: urlPassword } = await api.call('profiles:parse-url', { url: g.url!, source: '--url' })
    const saved = await savedProfiles(api)
    const existing = saved.find((p) => p.name.toLowerCase() === name.toLowerCase())
    if (existing && !opts.update) throw new AppError('CONFLICT', `A profile named "${existing.name}" exists already; add --update to replace its settings.`)
    const full: ProfileSettingsInput = {
      ...settings,
      name,
      environment: opts.env as ProfileSettingsInput['environment'],
      schema: opts.schema ?? settings.schema,
      // Updating without a password keeps how the profile gets its password (and the stored one).
      password_source: opts.passwordStdin || urlPassword ? 'stored' : (existing?.password_source ?? settings.password_source),
      ssl: {
        ...settings.ssl,
        ...(opts.sslmode ? { mode: opts.sslmode as never } : {}),
        ...(opts.sslrootcert ? { root_cert: opts.sslrootcert } : {}),
        ...(opts.sslcert ? { cert: opts.sslcert } : {}),
        ...(opts.sslkey ? { key: opts.sslkey } : {}),
      },
      ssh: ssh
        ? { enabled: true, ...ssh, auth: opts.sshKey ? 'key' : 'password', key_path: opts.sshKey ?? null, host_fingerprint: opts.sshFingerprint ?? null }
        : undefined,
      statement_timeout_s: choice.statementTimeoutSeconds,
      artifact_mappings: mappings,
      // The CLI has no flags for artifact store settings: an update keeps the profile's.
      artifact_store: existing?.artifact_store ?? null,
      // Updating without --allow-function keeps the list; giving it replaces the list.
      sql_console: {
        allowed_functions: opts.allowFunction ?? existing?.sql_console.allowed_functions ?? [],
        work_mem: opts.consoleWorkMem ?? existing?.sql_console.work_mem ?? null,
        max_value_bytes: existing?.sql_console.max_value_bytes ?? null,
      },
    }
    const password = uriPassword(g.url!)
    const secrets = { ...(password ? { password } : {}), ...(await stdinSecrets(io, opts)) }
    const { profile } = await api.call('profiles:save', { id: existing?.id, settings: full, secrets }).catch((e: unknown) => {
      // A kept secret would go to another target: say which flag gives it again.
      const field = isAppError(e) ? e.details?.field : undefined
      if (isAppError(e) && field?.startsWith('secrets.'))
        throw new AppError(e.code, `${e.message} ${REENTER_HINT[field.slice(8)] ?? 'Set it again in the app (Connections, Edit).'}`, e.details)
      throw e
    })
    io.out(
      `${existing ? 'Updated' : 'Saved'} profile "${profile.name}" (${profile.environment}): ${describe(profile)}; password ${passwordLabel(profile)}; secrets sealed with ${storage.description}.`,
    )
  })
}

export async function list(io: CliIO, opts: { json?: boolean }): Promise<void> {
  await withProfilesApi(io, async (api, storage) => {
    const listed = await api.call('profiles:list', {})
    // The saved profiles first, then the built-in demo and MLFLOW_TRACKING_URI's.
    const profiles = [...listed.profiles.filter((p) => p.kind === 'saved'), ...listed.profiles.filter((p) => p.kind !== 'saved')]
    if (opts.json)
      return printMlflowJson(io, {
        profiles,
        secret_storage: { kind: storage.kind, description: listed.secret_storage, warning: listed.secret_storage_warning },
      })
    printTable(
      io,
      ['NAME', 'ENV', 'CONNECTS TO', 'SSL', 'PASSWORD', 'ARTIFACT MAPS'],
      profiles.map((p) => [
        p.kind === 'saved' ? p.name : `${p.name} (${p.kind})`,
        p.environment.toUpperCase(),
        describe(p),
        p.ssl.mode,
        passwordLabel(p),
        p.artifact_mappings.map((m) => `${m.prefix}=${m.path}`).join(', '),
      ]),
    )
    io.out(
      `Secrets are sealed with ${listed.secret_storage}.${storage.kind === 'keyfile' && listed.secret_storage_warning ? ' (No OS keychain is available here.)' : ''}`,
    )
  })
}

/**
 * The SQL for a dedicated read-only role, filled in for the profile's store: its
 * database and schema, and (read from the store) who owns MLflow's tables. When the
 * store cannot be reached, the owner is left as a placeholder, said on stderr.
 */
export async function grantSql(io: CliIO, name: string, opts: GrantSqlOptions): Promise<void> {
  if (opts.role !== undefined && (!opts.role.trim() || opts.role.length > 63))
    throw new AppError('BAD_REQUEST', `--role "${opts.role}": a role name of 1 to 63 characters.`, { field: 'role' })
  await withProfilesApi(io, async (api) => {
    const id = name === 'demo' ? 'demo' : (await savedProfile(api, name)).id
    const r = await api.call('profiles:grant-sql', { id, ...(opts.role ? { role: opts.role } : {}) })
    if (r.store_error) io.err(`mlflow-desk: could not read the store (${r.store_error}); the owner of MLflow's tables is left as "mlflow_owner".`)
    io.out(`-- A read-only role for MLflow Desk on ${r.target}.`)
    io.out(`-- Run as a superuser (or the owner of the database and schema); then point the profile's user at ${r.role} and enter its password.`)
    io.out(r.sql)
  })
}

export async function test(io: CliIO, name: string, opts: TestOptions): Promise<void> {
  await withProfilesApi(io, async (api) => {
    const profile = name === 'demo' ? null : await savedProfile(api, name)
    const result = await api.call('profiles:test', { id: profile?.id ?? 'demo', ...(opts.trustHostKey ? { trust_host_key: true } : {}) })
    if (result.ok && profile && opts.trustHostKey && result.ssh_host_fingerprint && !profile.ssh.host_fingerprint) {
      await api.call('profiles:trust-host-key', { id: profile.id, fingerprint: result.ssh_host_fingerprint })
      io.err(`Pinned SSH host key ${result.ssh_host_fingerprint} for "${profile.name}".`)
    }
    if (opts.json) io.out(JSON.stringify(result, null, 2))
    else printTestResult(io, profile?.name ?? 'demo', result)
    if (!result.ok) throw new AppError((result.error?.code ?? 'INTERNAL') as never, result.error?.message ?? 'The test failed.')
  })
}

export async function remove(io: CliIO, name: string): Promise<void> {
  await withProfilesApi(io, async (api) => {
    const p = await savedProfile(api, name)
    await api.call('profiles:remove', { id: p.id })
    io.out(`Removed profile "${p.name}".`)
  })
}

export async function importProfiles(io: CliIO, opts: ImportOptions): Promise<void> {
  if (!opts.fromEnv && !opts.file && !opts.service && !opts.allServices)
    throw new AppError('BAD_REQUEST', 'profiles import: give --from-env, --service NAME, --all-services or --file FILE.')
  await withProfilesApi(io, async (api) => {
    const done: string[] = []
    if (opts.fromEnv) {
      const uri = io.env.MLFLOW_TRACKING_URI
      if (!uri) throw new AppError('BAD_REQUEST', '--from-env: MLFLOW_TRACKING_URI is not set.')
      const { settings, has_password } = await api.call('profiles:parse-url', { url: uri, source: 'MLFLOW_TRACKING_URI' })
      const name = typeof opts.fromEnv === 'string' ? opts.fromEnv : settings.name
      const { profile } = await api.call('profiles:save', { settings: { ...settings, name }, ...(has_password ? { password_from_url: uri } : {}) })
      done.push(profile.name)
    }
    const services = opts.allServices ? (await api.call('profiles:services', {})).services.map((s) => s.name) : opts.service ? [opts.service] : []
    for (const s of services) done.push((await api.call('profiles:import-service', { name: s })).profile.name)
    if (opts.file) {
      const { added, skipped } = await api.call('profiles:import', { json: await readFile(opts.file, 'utf8') })
      done.push(...added.map((p) => p.name))
      for (const s of skipped) io.err(`skipped "${s.name}": ${s.reason}`)
    }
    io.out(done.length ? `Imported: ${done.join(', ')}.` : 'Nothing imported.')
  })
}

export async function exportProfiles(io: CliIO, names: string[], opts: { out?: string }): Promise<void> {
  const { json } = await withProfilesApi(io, async (api) => {
    const saved = await savedProfiles(api)
    const ids = names.length ? await Promise.all(names.map(async (n) => (await savedProfile(api, n, saved)).id)) : undefined
    return api.call('profiles:export', { ids })
  })
  if (opts.out) {
    await writeFile(opts.out, json, { mode: 0o600 })
    io.err(`Wrote ${opts.out}.`)
  } else io.out(json.trimEnd())
}
