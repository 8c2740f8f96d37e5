import { listExperimentsWithStats } from '../tracking/experiments'
import { countRuns, getRun, searchRuns } from '../tracking/runs'
import { runColumns } from '../tracking/runColumns'
import type { HandlerGroup } from './handlers'

/** Reading the store the calling window shows. */
export function trackingHandlers(): HandlerGroup<'session:describe' | 'experiments:list' | 'runs:search' | 'runs:get' | 'runs:count' | 'runs:columns'> {
  return {
    'session:describe': (_req, call) => call.window.describe(),
    'experiments:list': async (req, call) => ({ experiments: await listExperimentsWithStats(await call.window.store(), req.view) }),
    'runs:search': async (req, call) => searchRuns(await call.window.store(), req),
    'runs:get': async (req, call) => ({ run: await getRun(await call.window.store(), req.run_id) }),
    'runs:count': async (req, call) => ({ count: await countRuns(await call.window.store(), req) }),
    'runs:columns': async (req, call) => runColumns(await call.window.store(), req.experiment_ids, req.view),
  }
}
