import { Command, Option } from 'commander'
import { listExperiments } from '../../services/tracking/experiments'
import type { CliIO } from '../io'
import { formatTime, printMlflowJson, printTable } from '../output'
import { withStore } from '../storeOptions'
import { validateRequest } from './validate'

export function experimentsCommand(io: CliIO): Command {
  const experiments = new Command('experiments').description('Experiments of the store')
  experiments
    .command('list')
    .description("List experiments in MLflow's search_experiments order (newest first)")
    .addOption(new Option('--view <type>', 'lifecycle stages to list').choices(['active', 'deleted', 'all']).default('active'))
    .option('--json', 'print MLflow REST JSON: {"experiments": [...]}')
    .action(async (opts: { view: string; json?: boolean }, cmd: Command) => {
      const req = validateRequest('experiments:list', { view: opts.view as 'active' }, { view: '--view' })
      const list = await withStore(cmd, io, (store) => listExperiments(store, req.view))
      if (opts.json) return printMlflowJson(io, { experiments: list })
      printTable(
        io,
        ['ID', 'NAME', 'STAGE', 'CREATED (UTC)', 'ARTIFACT LOCATION'],
        list.map((e) => [e.experiment_id, e.name, e.lifecycle_stage, formatTime(e.creation_time), e.artifact_location]),
      )
    })
  return experiments
}
