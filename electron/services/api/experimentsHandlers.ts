import { listExperimentsWithStats } from '../tracking/experiments'
import type { HandlerGroup } from './handlerTypes'

/** experiments:* — in the calling window's store. */
export function experimentsHandlers(): HandlerGroup<'experiments:list'> {
  return {
    'experiments:list': async (req, call) => ({ experiments: await listExperimentsWithStats(await call.window.store(call.signal), req.view) }),
  }
}
