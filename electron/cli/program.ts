import { Command, CommanderError } from 'commander'
import { isAppError, type AppErrorCode } from '@shared/api/errors'
import { APP_INFO } from '../services/appInfo'
import { redact } from '../services/security/redact'
import { artifactsCommand } from './commands/artifacts'
import { demoCommand } from './commands/demo'
import { exportCommand } from './commands/export'
import { CommandExit } from './exitCode'
import { experimentsCommand } from './commands/experiments'
import { findCommand, openCommand } from './commands/find'
import { indexesCommand } from './commands/indexes'
import { generateCommand } from './commands/generate'
import { migrateCommand } from './commands/migrate'
import { metricsCommand } from './commands/metrics'
import { modelsCommand } from './commands/models'
import { promptsCommand } from './commands/prompts'
import { datasetsCommand, evaluationsCommand } from './commands/evaluations'
import { runsCommand } from './commands/runs'
import { tracesCommand } from './commands/traces'
import { profilesCommand } from './commands/profiles'
import { queryCommand } from './commands/query'
import { serveCommand } from './commands/serve'
import { startCommand } from './commands/start'
import type { CliIO } from './io'

/** Exit codes: 0 ok, 1 the work failed, 2 the command line was wrong (a refused SQL statement too), 3 export done with missing files, 130 cancelled with Ctrl-C. */
const USAGE_CODES: AppErrorCode[] = ['BAD_REQUEST', 'INVALID_CONNECTION', 'INVALID_PAGE_TOKEN', 'INVALID_FILTER', 'NO_STORE', 'CONFLICT', 'QUERY_REFUSED']

export function createProgram(io: CliIO): Command {
  const program = new Command('mlflow-desk')
    .description(`${APP_INFO.name}: browse, compare, audit and export MLflow tracking stores on PostgreSQL`)
    .version(APP_INFO.version)
    .option('--url <uri>', 'the store: postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=...] (also postgresql+psycopg2://, postgres://)')
    .option('--profile <name>', 'a saved connection profile ("demo" is the built-in store)')
    .option('--statement-timeout <seconds>', 'server-side limit per statement (default 30)')
    .option('--artifact-map <PREFIX=PATH>', 'where artifacts recorded under PREFIX are on this machine (repeatable)', (v: string, prev: string[] = []) => [
      ...prev,
      v,
    ])
    .addHelpText('after', '\nWithout --url or --profile, MLFLOW_TRACKING_URI is used when it is a PostgreSQL URI.')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
  for (const make of [
    experimentsCommand,
    runsCommand,
    tracesCommand,
    metricsCommand,
    modelsCommand,
    promptsCommand,
    evaluationsCommand,
    datasetsCommand,
    findCommand,
    openCommand,
    queryCommand,
    profilesCommand,
    serveCommand,
    startCommand,
    demoCommand,
    migrateCommand,
    generateCommand,
    indexesCommand,
    artifactsCommand,
    exportCommand,
  ]) {
    const cmd = make(io)
    cmd.exitOverride().configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    for (const sub of cmd.commands) sub.exitOverride().configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) })
    program.addCommand(cmd)
  }
  return program
}

/** Run the CLI; returns the exit code. Errors become one line on stderr, never a stack trace. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const program = createProgram(io)
  try {
    await program.parseAsync(argv, { from: 'user' })
    return 0
  } catch (e) {
    if (e instanceof CommandExit) return e.exitCode
    if (e instanceof CommanderError) {
      // Help and version exit 0; usage mistakes were already printed by commander.
      return e.exitCode === 0 ? 0 : 2
    }
    if (isAppError(e)) {
      io.err(`mlflow-desk: error: ${redact(e.message)}`)
      return USAGE_CODES.includes(e.code) ? 2 : e.code === 'CANCELLED' ? 130 : 1
    }
    io.err(`mlflow-desk: error: ${redact(e instanceof Error ? e.message : String(e))}`)
    return 1
  }
}
