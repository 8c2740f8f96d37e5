import { compareMetrics } from '../tracking/metricCompare'
import { answerMetricHistory } from '../tracking/metricHistoryRequest'
import { summarizeMetrics } from '../tracking/metricSummary'
import type { HandlerGroup } from './handlerTypes'

/** metrics:* — histories, comparisons and one run's summaries, in the calling window's store. */
export function metricsHandlers(): HandlerGroup<'metrics:history' | 'metrics:compare' | 'metrics:summary'> {
  return {
    'metrics:history': async (req, call) => answerMetricHistory(await call.window.store(call.signal), req),
    'metrics:compare': async (req, call) => compareMetrics(await call.window.store(call.signal), req),
    'metrics:summary': async (req, call) => summarizeMetrics(await call.window.store(call.signal), req),
  }
}
