import { traceColumns } from '../traces/traceColumns'
import { getTrace } from '../traces/traceGet'
import { traceOverview } from '../traces/traceOverview'
import { parseTraceSearch, searchTraces } from '../traces/traceSearch'
import { traceSession, traceSessions } from '../traces/traceSessions'
import type { HandlerGroup } from './handlerTypes'

/**
 * traces:* — searching the traces of experiments, and reading one trace, in the calling window's store;
 * spans kept as artifacts are read with the window's artifact settings.
 */
export function tracesHandlers(): HandlerGroup<'traces:search' | 'traces:columns' | 'traces:get' | 'traces:sessions' | 'traces:session' | 'traces:overview'> {
  return {
    // A malformed filter or order is answered before the store is opened (or a demo server started).
    'traces:search': async (req, call) => (parseTraceSearch(req), searchTraces(await call.window.store(call.signal), req)),
    'traces:columns': async (req, call) => traceColumns(await call.window.store(call.signal), req.experiment_ids),
    'traces:get': async (req, call) =>
      getTrace(
        await call.window.store(call.signal),
        req.trace_id,
        (location) => call.window.artifactRepositories.get(location, () => call.window.artifactAccess()),
        call.signal,
      ),
    'traces:sessions': async (req, call) => traceSessions(await call.window.store(call.signal), req),
    'traces:session': async (req, call) => traceSession(await call.window.store(call.signal), req),
    'traces:overview': async (req, call) => traceOverview(await call.window.store(call.signal), req),
  }
}
