import { listExperimentsWithStats } from '../tracking/experiments'
import { getRun, searchRuns } from '../tracking/runs'
import type { HandlerGroup } from './handlers'

/** Reading the store the calling window shows. */
export function trackingHandlers(): HandlerGroup<'session:describe' | 'experiments:list' | 'runs:search' | 'runs:get'> {
  return {
    'session:describe': (_req, call) => call.window.describe(),
    'experiments:list': async (req, call) => ({ experiments: await listExperimentsWithStats(await call.window.store(), req.view) }),
    'runs:search': async (req, call) => searchRuns(await call.window.store(), req),
    'runs:get': async (req, call) => ({ run: await getRun(await call.window.store(), req.run_id) }),
  }
}
