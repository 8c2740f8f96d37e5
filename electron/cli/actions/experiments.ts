import type { Command } from 'commander'
import { listExperiments } from '../../services/tracking/experiments'
import type { CliIO } from '../io'
import { formatTime, printMlflowJson, printTable } from '../output'
import { withStore } from '../storeOptions'
import { validateRequest } from '../validate'

export async function list(io: CliIO, opts: { view: string; json?: boolean }, cmd: Command): Promise<void> {
  const req = validateRequest('experiments:list', { view: opts.view as 'active' }, { view: '--view' })
  const experiments = await withStore(cmd, io, (store) => listExperiments(store, req.view))
  if (opts.json) return printMlflowJson(io, { experiments })
  printTable(
    io,
    ['ID', 'NAME', 'STAGE', 'CREATED (UTC)', 'ARTIFACT LOCATION'],
    experiments.map((e) => [e.experiment_id, e.name, e.lifecycle_stage, formatTime(e.creation_time), e.artifact_location]),
  )
}
