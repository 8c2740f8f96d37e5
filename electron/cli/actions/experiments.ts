import type { Command } from 'commander'
import { withApi } from '../api'
import type { CliIO } from '../io'
import { formatTime, printMlflowJson, printTable } from '../output'
import { validateRequest } from '../validate'

export async function list(io: CliIO, opts: { view: string; json?: boolean }, cmd: Command): Promise<void> {
  const req = validateRequest('experiments:list', { view: opts.view as 'active' }, { view: '--view' })
  const { experiments } = await withApi(cmd, io, (api) => api.call('experiments:list', req))
  // MLflow's REST shape: the run counts the app's experiments page shows are not part of it.
  if (opts.json) return printMlflowJson(io, { experiments: experiments.map(({ run_count: _r, deleted_run_count: _d, last_run_start_time: _l, ...e }) => e) })
  printTable(
    io,
    ['ID', 'NAME', 'STAGE', 'CREATED (UTC)', 'ARTIFACT LOCATION'],
    experiments.map((e) => [e.experiment_id, e.name, e.lifecycle_stage, formatTime(e.creation_time), e.artifact_location]),
  )
}
