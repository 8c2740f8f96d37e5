import { traceColumns } from '../traces/traceColumns'
import { parseTraceSearch, searchTraces } from '../traces/traceSearch'
import type { HandlerGroup } from './handlerTypes'

/** traces:* — searching the traces of experiments, in the calling window's store. */
export function tracesHandlers(): HandlerGroup<'traces:search' | 'traces:columns'> {
  return {
    // A malformed filter or order is answered before the store is opened (or a demo server started).
    'traces:search': async (req, call) => (parseTraceSearch(req), searchTraces(await call.window.store(call.signal), req)),
    'traces:columns': async (req, call) => traceColumns(await call.window.store(call.signal), req.experiment_ids),
  }
}
