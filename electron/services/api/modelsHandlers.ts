import { getRegisteredModel, listRegisteredModels } from '../tracking/registry'
import type { HandlerGroup } from './handlerTypes'

/** models:* — the model registry, in the calling window's store. */
export function modelsHandlers(): HandlerGroup<'models:list' | 'models:get'> {
  return {
    'models:list': async (req, call) => listRegisteredModels(await call.window.store(call.signal), req),
    'models:get': async (req, call) => getRegisteredModel(await call.window.store(call.signal), req.name),
  }
}
