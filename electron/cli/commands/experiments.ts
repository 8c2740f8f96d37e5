import { Command, Option } from 'commander'
import type { CliIO } from '../io'

const actions = () => import('../actions/experiments')

export function experimentsCommand(io: CliIO): Command {
  const experiments = new Command('experiments').description('Experiments of the store')
  experiments
    .command('list')
    .description("List experiments in MLflow's search_experiments order (newest first)")
    .addOption(new Option('--view <type>', 'lifecycle stages to list').choices(['active', 'deleted', 'all']).default('active'))
    .option('--json', 'print MLflow REST JSON: {"experiments": [...]}')
    .action(async (opts: { view: string; json?: boolean }, cmd: Command) => (await actions()).list(io, opts, cmd))
  return experiments
}
