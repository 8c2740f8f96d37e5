import { getDataset, listDatasets } from '../evaluations/evaluationDatasets'
import type { HandlerGroup } from './handlerTypes'

/** datasets:* — MLflow 3 evaluation datasets (mlflow.genai.datasets) and their records, in the calling window's store. */
export function datasetsHandlers(): HandlerGroup<'datasets:list' | 'datasets:get'> {
  return {
    'datasets:list': async (req, call) => listDatasets(await call.window.store(call.signal), req),
    'datasets:get': async (req, call) => getDataset(await call.window.store(call.signal), req),
  }
}
