import { writeFile, readFile } from 'node:fs/promises'
import { Command, Option } from 'commander'
import { AppError } from '@shared/api/errors'
import { ENVIRONMENTS, SSL_MODES, type ProfileSecretsInput, type ProfileSettingsInput } from '@shared/api/profileSchemas'
import type { ProfileView } from '@shared/domain/profiles'
import { testConnection } from '../../services/connections/connectionTest'
import { describeTarget } from '../../services/connections/connectionUrl'
import { demoProfile, parseArtifactMaps, uriProfile, ENV_PROFILE } from '../../services/connections/storeSource'
import { settingsFromUrl } from '../../services/profiles/profileService'
import { readPgServices } from '../../services/profiles/pgServiceFile'
import type { CliIO } from '../io'
import { printMlflowJson, printTable } from '../output'
import { cliProfiles, storeChoice, type GlobalOptions } from '../storeOptions'
import { printTestResult } from './profileTestOutput'

interface AddOptions {
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
  update?: boolean
}

/** user@host[:port] */
function parseSsh(value: string): { user: string; host: string; port: number } {
  const m = /^([^@\s]+)@([^:\s]+)(?::(\d+))?$/.exec(value)
  if (!m) throw new AppError('BAD_REQUEST', `--ssh "${value}": expected USER@HOST[:PORT].`, { field: 'ssh' })
  return { user: m[1], host: m[2], port: m[3] ? Number(m[3]) : 22 }
}

/** Secrets from standard input, one per line, in the order of the flags that ask for them. */
async function stdinSecrets(io: CliIO, opts: AddOptions): Promise<ProfileSecretsInput> {
  const wanted = [opts.passwordStdin && 'password', opts.sshPasswordStdin && 'ssh_password', opts.sshPassphraseStdin && 'ssh_passphrase'].filter(Boolean) as Array<keyof ProfileSecretsInput>
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

export function profilesCommand(io: CliIO): Command {
  const profiles = new Command('profiles').description('Saved connection profiles (secrets encrypted at rest; see README)')

  profiles
    .command('add')
    .description('Save a profile: mlflow-desk profiles add NAME --url postgresql://USER@HOST:PORT/DB [options]')
    .argument('<name>', 'profile name')
    .option('--password-stdin', 'read the database password from standard input (first line)')
    .addOption(new Option('--sslmode <mode>', "libpq's sslmode").choices([...SSL_MODES]))
    .option('--sslrootcert <file>', 'root certificate (PEM) to verify the server with')
    .option('--sslcert <file>', 'client certificate (PEM)')
    .option('--sslkey <file>', 'client key (PEM)')
    .addOption(new Option('--env <label>', 'environment label').choices([...ENVIRONMENTS]).default('custom'))
    .option('--schema <name>', "the schema MLflow's tables are in")
    .option('--ssh <user@host[:port]>', 'reach the database through this SSH host')
    .option('--ssh-key <file>', 'SSH private key')
    .option('--ssh-password-stdin', 'read the SSH password from standard input (next line)')
    .option('--ssh-passphrase-stdin', "read the SSH key's passphrase from standard input (next line)")
    .option('--ssh-fingerprint <SHA256:...>', "pin the SSH host key (else confirm it with 'profiles test NAME --trust-host-key')")
    .option('--update', 'replace the settings of an existing profile of that name (its secrets are kept unless given)')
    .action(async (name: string, opts: AddOptions, cmd: Command) => {
      const g = cmd.optsWithGlobals<GlobalOptions>()
      if (!g.url) throw new AppError('BAD_REQUEST', 'profiles add needs --url postgresql://USER@HOST:PORT/DB.', { field: 'url' })
      const { settings, password } = settingsFromUrl(g.url, name, '--url')
      const choice = storeChoice(cmd)
      const ssh = opts.ssh ? parseSsh(opts.ssh) : null
      const store = await cliProfiles(io)
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
      }
      const secrets = { ...(password ? { password } : {}), ...(await stdinSecrets(io, opts)) }
      const saved = await store.save({ id: existing?.id, settings: full, secrets })
      io.out(`${existing ? 'Updated' : 'Saved'} profile "${saved.name}" (${saved.environment}): ${describe(saved)}; password ${passwordLabel(saved)}; secrets sealed with ${store.cipher.description}.`)
    })

  profiles
    .command('list')
    .description('List profiles (never a secret: only whether one is set)')
    .option('--json', 'print {"profiles": [...]}')
    .action(async (opts: { json?: boolean }) => {
      const store = await cliProfiles(io)
      const extras = [demoProfile(io.home).view, ...(io.env.MLFLOW_TRACKING_URI && /^postgres/i.test(io.env.MLFLOW_TRACKING_URI) ? [uriProfile(ENV_PROFILE, 'env', io.env.MLFLOW_TRACKING_URI, 'MLFLOW_TRACKING_URI', 'MLFLOW_TRACKING_URI').view] : [])]
      const list = [...(await store.list()), ...extras]
      if (opts.json) return printMlflowJson(io, { profiles: list })
      printTable(
        io,
        ['NAME', 'ENV', 'CONNECTS TO', 'SSL', 'PASSWORD', 'ARTIFACT MAPS'],
        list.map((p) => [p.kind === 'saved' ? p.name : `${p.name} (${p.kind})`, p.environment.toUpperCase(), describe(p), p.ssl.mode, passwordLabel(p), p.artifact_mappings.map((m) => `${m.prefix}=${m.path}`).join(', ')]),
      )
    })

  profiles
    .command('test')
    .description('Connect and report: server, latency, MLflow schema, counts, write access')
    .argument('<name>', 'profile name (or "demo")')
    .option('--json', 'print the result as JSON')
    .option('--trust-host-key', 'accept and pin the SSH host key shown on first contact')
    .action(async (name: string, opts: { json?: boolean; trustHostKey?: boolean }) => {
      const store = await cliProfiles(io)
      const demo = name === 'demo' ? demoProfile(io.home, (m) => io.err(m)) : null
      try {
        const { target, profile } = demo ? { target: await demo.source.resolve(), profile: null } : await store.target(name, { trustUnknownHostKey: opts.trustHostKey })
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
    })

  profiles
    .command('remove')
    .description('Delete a profile')
    .argument('<name>', 'profile name')
    .action(async (name: string) => {
      const store = await cliProfiles(io)
      const p = await store.get(name)
      await store.remove(p.id)
      io.out(`Removed profile "${p.name}".`)
    })

  profiles
    .command('import')
    .description('Import profiles: from MLFLOW_TRACKING_URI, pg_service.conf services, or an export file')
    .option('--from-env [name]', 'save MLFLOW_TRACKING_URI as a profile (default name: its database and host)')
    .option('--service <name>', 'save one pg_service.conf service as a profile')
    .option('--all-services', 'save every pg_service.conf service')
    .option('--file <file>', "a file written by 'profiles export'")
    .action(async (opts: { fromEnv?: string | boolean; service?: string; allServices?: boolean; file?: string }) => {
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
      if (!opts.fromEnv && !opts.file && !services.length) throw new AppError('BAD_REQUEST', 'profiles import: give --from-env, --service NAME, --all-services or --file FILE.')
      io.out(done.length ? `Imported: ${done.join(', ')}.` : 'Nothing imported.')
    })

  profiles
    .command('export')
    .description('Write profiles as JSON for another machine (settings only, never secrets)')
    .argument('[names...]', 'profiles to export (default: all)')
    .option('--out <file>', 'write to a file instead of standard output')
    .action(async (names: string[], opts: { out?: string }) => {
      const json = await (await cliProfiles(io)).exportJson(names)
      if (opts.out) {
        await writeFile(opts.out, json, { mode: 0o600 })
        io.err(`Wrote ${opts.out}.`)
      } else io.out(json.trimEnd())
    })

  return profiles
}
