import { writeFile, readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { AppError, isAppError } from '@shared/api/errors'
import { allowedFunctionSchema, type ProfileSecretsInput, type ProfileSettingsInput } from '@shared/api/profileSchemas'
import type { ProfileView } from '@shared/domain/profiles'
import { testConnection } from '../../services/connections/connectionTest'
import { describeTarget } from '../../services/connections/connectionUrl'
import { DEFAULT_READER_ROLE, readGrantFacts, readOnlyRoleSql, type GrantFacts } from '../../services/connections/roleAccess'
import { openStore } from '../../services/connections/storeConnection'
import { redact } from '../../services/security/redact'
import { demoProfile, parseArtifactMaps, uriProfile, ENV_PROFILE } from '../../services/builtInSources'
import { settingsFromUrl } from '../../services/profiles/profileService'
import { readPgServices } from '../../services/profiles/pgServiceFile'
import type { CliIO } from '../io'
import { printMlflowJson, printTable } from '../output'
import { cliProfiles, cliSecretStorageFor, storeChoice, type GlobalOptions } from '../storeOptions'
import { ProfileService } from '../../services/profiles/profileService'
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

export async function add(io: CliIO, name: string, opts: AddOptions, cmd: Command): Promise<void> {
  const g = cmd.optsWithGlobals<GlobalOptions>()
  if (!g.url) throw new AppError('BAD_REQUEST', 'profiles add needs --url postgresql://USER@HOST:PORT/DB.', { field: 'url' })
  const { settings, password } = settingsFromUrl(g.url, name, '--url')
  const choice = storeChoice(cmd)
  const ssh = opts.ssh ? parseSsh(opts.ssh) : null
  const store = await cliProfiles(io)
  for (const f of opts.allowFunction ?? []) {
    const checked = allowedFunctionSchema.safeParse(f)
    if (!checked.success) throw new AppError('BAD_REQUEST', `--allow-function "${f}": ${checked.error.issues[0]!.message}.`, { field: 'allow-function' })
  }
  const existing = await store.find(name)
  if (existing && !opts.update) throw new AppError('CONFLICT', `A profile named "${existing.name}" exists already; add --update to replace its settings.`)
  const full: ProfileSettingsInput = {
    ...settings,
    environment: opts.env as ProfileSettingsInput['environment'],
    schema: opts.schema ?? settings.schema,
    // Updating without a password keeps how the profile gets its password (and the stored one).
    password_source: opts.passwordStdin || password ? 'stored' : (existing?.password_source ?? settings.password_source),
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
    artifact_mappings: parseArtifactMaps(choice.artifactMaps),
    // The CLI has no flags for artifact store settings: an update keeps the profile's.
    artifact_store: existing?.artifact_store ?? null,
    // Updating without --allow-function keeps the list; giving it replaces the list.
    sql_console: {
      allowed_functions: opts.allowFunction ?? existing?.sql_console.allowed_functions ?? [],
      work_mem: opts.consoleWorkMem ?? existing?.sql_console.work_mem ?? null,
      max_value_bytes: existing?.sql_console.max_value_bytes ?? null,
    },
  }
  const secrets = { ...(password ? { password } : {}), ...(await stdinSecrets(io, opts)) }
  const saved = await store.save({ id: existing?.id, settings: full, secrets }).catch((e: unknown) => {
    // A kept secret would go to another target: say which flag gives it again.
    const field = isAppError(e) ? e.details?.field : undefined
    if (isAppError(e) && field?.startsWith('secrets.'))
      throw new AppError(e.code, `${e.message} ${REENTER_HINT[field.slice(8)] ?? 'Set it again in the app (Connections, Edit).'}`, e.details)
    throw e
  })
  io.out(
    `${existing ? 'Updated' : 'Saved'} profile "${saved.name}" (${saved.environment}): ${describe(saved)}; password ${passwordLabel(saved)}; secrets sealed with ${store.cipher.description}.`,
  )
}

export async function list(io: CliIO, opts: { json?: boolean }): Promise<void> {
  const storage = await cliSecretStorageFor(io)
  const store = new ProfileService(io.home, storage.cipher)
  const extras = [
    demoProfile(io.home).view,
    ...(io.env.MLFLOW_TRACKING_URI && /^postgres/i.test(io.env.MLFLOW_TRACKING_URI)
      ? [uriProfile(ENV_PROFILE, 'env', io.env.MLFLOW_TRACKING_URI, 'MLFLOW_TRACKING_URI', 'MLFLOW_TRACKING_URI').view]
      : []),
  ]
  const profiles = [...(await store.list()), ...extras]
  if (opts.json) return printMlflowJson(io, { profiles, secret_storage: { kind: storage.kind, description: storage.description, warning: storage.warning } })
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
  io.out(`Secrets are sealed with ${storage.description}.${storage.kind === 'keyfile' && storage.warning ? ' (No OS keychain is available here.)' : ''}`)
}

/**
 * The SQL for a dedicated read-only role, filled in for the profile's store: its
 * database and schema, and (read from the store) who owns MLflow's tables. When the
 * store cannot be reached, the owner is left as a placeholder, said on stderr.
 */
export async function grantSql(io: CliIO, name: string, opts: GrantSqlOptions): Promise<void> {
  const role = opts.role ?? DEFAULT_READER_ROLE
  if (!role.trim() || role.length > 63) throw new AppError('BAD_REQUEST', `--role "${role}": a role name of 1 to 63 characters.`, { field: 'role' })
  const store = await cliProfiles(io)
  let facts: GrantFacts
  if (name === 'demo') throw new AppError('BAD_REQUEST', 'The demo store is local and throwaway: grant-sql is for a saved profile.')
  const profile = await store.get(name)
  try {
    const { target } = await store.target(profile.id)
    const handle = await openStore(target, { statementTimeoutMs: profile.statement_timeout_s * 1000, poolMax: 1 })
    try {
      facts = await readGrantFacts(handle)
    } finally {
      await handle.close()
    }
  } catch (e) {
    io.err(
      `mlflow-desk: could not read the store (${redact(e instanceof Error ? e.message : String(e))}); the owner of MLflow's tables is left as "mlflow_owner".`,
    )
    facts = { database: profile.database, schema: profile.schema ?? 'public', owners: [], public_create: false }
  }
  io.out(`-- A read-only role for MLflow Desk on ${describeTarget({ ...profile, ssh: profile.ssh.enabled ? profile.ssh : null })}.`)
  io.out(`-- Run as a superuser (or the owner of the database and schema); then point the profile's user at ${role} and enter its password.`)
  io.out(readOnlyRoleSql(facts, role))
}

export async function test(io: CliIO, name: string, opts: TestOptions): Promise<void> {
  const store = await cliProfiles(io)
  const demo = name === 'demo' ? demoProfile(io.home, (m) => io.err(m)) : null
  try {
    const { target, profile } = demo
      ? { target: await demo.source.resolve(), profile: null }
      : await store.target(name, { trustUnknownHostKey: opts.trustHostKey })
    const result = await testConnection(target, profile ? profile.statement_timeout_s * 1000 : undefined)
    if (result.ok && profile && opts.trustHostKey && result.ssh_host_fingerprint && !profile.ssh.host_fingerprint) {
      await store.pinHostKey(profile.id, result.ssh_host_fingerprint)
      io.err(`Pinned SSH host key ${result.ssh_host_fingerprint} for "${profile.name}".`)
    }
    if (opts.json) io.out(JSON.stringify(result, null, 2))
    else printTestResult(io, profile?.name ?? 'demo', result)
    if (!result.ok) throw new AppError((result.error?.code ?? 'INTERNAL') as never, result.error?.message ?? 'The test failed.')
  } finally {
    await demo?.dispose?.()
  }
}

export async function remove(io: CliIO, name: string): Promise<void> {
  const store = await cliProfiles(io)
  const p = await store.get(name)
  await store.remove(p.id)
  io.out(`Removed profile "${p.name}".`)
}

export async function importProfiles(io: CliIO, opts: ImportOptions): Promise<void> {
  const store = await cliProfiles(io)
  const done: string[] = []
  if (opts.fromEnv) {
    const uri = io.env.MLFLOW_TRACKING_URI
    if (!uri) throw new AppError('BAD_REQUEST', '--from-env: MLFLOW_TRACKING_URI is not set.')
    const { settings, password } = settingsFromUrl(uri, '', 'MLFLOW_TRACKING_URI')
    const name = typeof opts.fromEnv === 'string' ? opts.fromEnv : `${settings.database} on ${settings.host}`
    done.push((await store.save({ settings: { ...settings, name }, secrets: password ? { password } : undefined })).name)
  }
  const services = opts.allServices ? readPgServices(io.env).services.map((s) => s.name) : opts.service ? [opts.service] : []
  for (const s of services) done.push((await store.importService(s, io.env)).name)
  if (opts.file) {
    const { added, skipped } = await store.importJson(await readFile(opts.file, 'utf8'))
    done.push(...added.map((p) => p.name))
    for (const s of skipped) io.err(`skipped "${s.name}": ${s.reason}`)
  }
  if (!opts.fromEnv && !opts.file && !services.length)
    throw new AppError('BAD_REQUEST', 'profiles import: give --from-env, --service NAME, --all-services or --file FILE.')
  io.out(done.length ? `Imported: ${done.join(', ')}.` : 'Nothing imported.')
}

export async function exportProfiles(io: CliIO, names: string[], opts: { out?: string }): Promise<void> {
  const json = await (await cliProfiles(io)).exportJson(names)
  if (opts.out) {
    await writeFile(opts.out, json, { mode: 0o600 })
    io.err(`Wrote ${opts.out}.`)
  } else io.out(json.trimEnd())
}
