import { getLoggedModel } from '../loggedModels/loggedModelGet'
import { searchLoggedModels } from '../loggedModels/loggedModelSearch'
import { loggedModelsForRun } from '../loggedModels/loggedModelsForRun'
import type { HandlerGroup } from './handlerTypes'

/** loggedModels:* — MLflow 3 logged models of experiments, one model, and a run's, in the calling window's store. */
export function loggedModelsHandlers(): HandlerGroup<'loggedModels:search' | 'loggedModels:get' | 'loggedModels:forRun'> {
  return {
    'loggedModels:search': async (req, call) => searchLoggedModels(await call.window.store(call.signal), req),
    'loggedModels:get': async (req, call) => getLoggedModel(await call.window.store(call.signal), req.model_id),
    'loggedModels:forRun': async (req, call) => loggedModelsForRun(await call.window.store(call.signal), req.run_id),
  }
}
