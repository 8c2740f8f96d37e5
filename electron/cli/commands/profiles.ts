import { Command, Option } from 'commander'
import { ENVIRONMENTS, SSL_MODES } from '@shared/api/profileChoices'
import type { AddOptions, GrantSqlOptions, ImportOptions, TestOptions } from '../actions/profiles'
import type { CliIO } from '../io'

const actions = () => import('../actions/profiles')

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
    .option(
      '--allow-function <schema.name>',
      'let the SQL console call this user-defined or extension function (schema.name, or schema.* for a whole schema; repeatable; none by default)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--console-work-mem <size>', "work_mem of the SQL console's transactions, e.g. 256MB (default: 64MB)")
    .option('--update', 'replace the settings of an existing profile of that name (its secrets are kept unless given, and only for the same target)')
    .action(async (name: string, opts: AddOptions, cmd: Command) => (await actions()).add(io, name, opts, cmd))

  profiles
    .command('list')
    .description('List profiles (never a secret: only whether one is set) and where secrets are kept')
    .option('--json', 'print {"profiles": [...]}')
    .action(async (opts: { json?: boolean }) => (await actions()).list(io, opts))

  profiles
    .command('test')
    .description('Connect and report: server, latency, MLflow schema, counts, write access')
    .argument('<name>', 'profile name (or "demo")')
    .option('--json', 'print the result as JSON')
    .option('--trust-host-key', 'accept and pin the SSH host key shown on first contact')
    .action(async (name: string, opts: TestOptions) => (await actions()).test(io, name, opts))

  profiles
    .command('grant-sql')
    .description("Print the SQL a DBA runs to create a read-only role for this profile's store (connects to fill in the schema's owner)")
    .argument('<name>', 'profile name')
    .option('--role <role>', 'name of the role to create', 'mlflow_desk_reader')
    .action(async (name: string, opts: GrantSqlOptions) => (await actions()).grantSql(io, name, opts))

  profiles
    .command('remove')
    .description('Delete a profile')
    .argument('<name>', 'profile name')
    .action(async (name: string) => (await actions()).remove(io, name))

  profiles
    .command('import')
    .description('Import profiles: from MLFLOW_TRACKING_URI, pg_service.conf services, or an export file')
    .option('--from-env [name]', 'save MLFLOW_TRACKING_URI as a profile (default name: its database and host)')
    .option('--service <name>', 'save one pg_service.conf service as a profile')
    .option('--all-services', 'save every pg_service.conf service')
    .option('--file <file>', "a file written by 'profiles export'")
    .action(async (opts: ImportOptions) => (await actions()).importProfiles(io, opts))

  profiles
    .command('export')
    .description('Write profiles as JSON for another machine (settings only, never secrets)')
    .argument('[names...]', 'profiles to export (default: all)')
    .option('--out <file>', 'write to a file instead of standard output')
    .action(async (names: string[], opts: { out?: string }) => (await actions()).exportProfiles(io, names, opts))

  return profiles
}
