import { Command } from 'commander'
import type { CliIO } from '../io'

const actions = () => import('../actions/migrate')

export function migrateCommand(io: CliIO): Command {
  return new Command('migrate')
    .description("Create MLflow's schema (latest revision) in an empty PostgreSQL database; refuses any other schema")
    .action(async (_opts: unknown, cmd: Command) => (await actions()).migrate(io, cmd))
}
