import { compareMetrics } from '../tracking/metricCompare'
import { answerMetricHistory } from '../tracking/metricHistoryRequest'
import type { HandlerGroup } from './handlerTypes'

/** metrics:* — histories and comparisons, in the calling window's store. */
export function metricsHandlers(): HandlerGroup<'metrics:history' | 'metrics:compare'> {
  return {
    'metrics:history': async (req, call) => answerMetricHistory(await call.window.store(call.signal), req),
    'metrics:compare': async (req, call) => compareMetrics(await call.window.store(call.signal), req),
  }
}
