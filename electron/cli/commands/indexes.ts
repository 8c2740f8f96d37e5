import { Command } from 'commander'
import type { CliIO } from '../io'

const actions = () => import('../actions/indexes')

// Not counted from services/tracking/searchIndexes: help loads no service module ("indexes status" lists them).
const ABOUT = `
The optional migration "MLflow Desk search indexes" adds the indexes
MLflow's schema lacks (named mlflow_desk_*), built CONCURRENTLY so the store keeps taking writes.
MLflow ignores them; "indexes drop" removes them. Nothing is created unless you run "indexes create".
The metrics index is built only with "indexes create --metric-history": it costs MLflow's metric
logging more than the 1.1x the others keep to ("indexes status" shows what each serves and costs).`

export function indexesCommand(io: CliIO): Command {
  const indexes = new Command('indexes').description('The optional search indexes (opt-in migration): status, create, drop').addHelpText('after', ABOUT)
  indexes
    .command('status')
    .description('Which of the optional mlflow_desk_* indexes the store has (read-only)')
    .option('--json', 'print JSON: {"indexes": [{name, table, columns, state, purpose}]}')
    .action(async (opts: { json?: boolean }, cmd: Command) => (await actions()).status(io, opts, cmd))
  indexes
    .command('create')
    .description('Build the missing indexes (needs --url with a role that may create indexes)')
    .option(
      '--metric-history',
      "also the metrics (run_uuid, key, step) index: long histories' charts and comparisons read only their key's rows, at a cost to MLflow's metric logging (see indexes status)",
    )
    .action(async (opts: { metricHistory?: boolean }, cmd: Command) => (await actions()).create(io, opts, cmd))
  indexes
    .command('drop')
    .description('Remove the optional indexes again (needs --url)')
    .action(async (_opts: unknown, cmd: Command) => (await actions()).drop(io, cmd))
  return indexes
}
