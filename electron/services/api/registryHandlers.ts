import { compareMetrics } from '../tracking/metricCompare'
import { answerMetricHistory } from '../tracking/metricHistoryRequest'
import { getRegisteredModel, listRegisteredModels } from '../tracking/registry'
import { getRunRelated } from '../tracking/runRelated'
import type { HandlerGroup } from './handlers'

/** Model registry, metric history and what surrounds a run, in the calling window's store. */
export function registryHandlers(): HandlerGroup<'runs:related' | 'metrics:history' | 'metrics:compare' | 'models:list' | 'models:get'> {
  return {
    'runs:related': async (req, call) => getRunRelated(await call.window.store(), req.run_id),
    'metrics:history': async (req, call) => answerMetricHistory(await call.window.store(), req),
    'metrics:compare': async (req, call) => compareMetrics(await call.window.store(), req),
    'models:list': async (req, call) => listRegisteredModels(await call.window.store(), req),
    'models:get': async (req, call) => getRegisteredModel(await call.window.store(), req.name),
  }
}
