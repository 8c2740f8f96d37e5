import { runColumns } from '../tracking/runColumns'
import { getRunRelated } from '../tracking/runRelated'
import { countRuns, getRun, parseSearch, searchRuns } from '../tracking/runs'
import type { HandlerGroup } from './handlerTypes'

/** runs:* — searching runs and reading one, in the calling window's store. */
export function runsHandlers(): HandlerGroup<'runs:search' | 'runs:get' | 'runs:count' | 'runs:columns' | 'runs:related'> {
  return {
    // A malformed filter or order is answered before the store is opened (or a demo server started).
    'runs:search': async (req, call) => (parseSearch(req), searchRuns(await call.window.store(call.signal), req)),
    'runs:get': async (req, call) => ({ run: await getRun(await call.window.store(call.signal), req.run_id) }),
    'runs:count': async (req, call) => (
      parseSearch({ filter: req.filter, order_by: [] }),
      { count: await countRuns(await call.window.store(call.signal), req) }
    ),
    'runs:columns': async (req, call) => runColumns(await call.window.store(call.signal), req.experiment_ids, req.view),
    'runs:related': async (req, call) => getRunRelated(await call.window.store(call.signal), req.run_id),
  }
}
