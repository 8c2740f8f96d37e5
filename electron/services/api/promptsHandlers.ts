import { getPrompt, searchPrompts } from '../prompts/promptRegistry'
import type { HandlerGroup } from './handlerTypes'

/** prompts:* — MLflow's prompt registry, in the calling window's store. */
export function promptsHandlers(): HandlerGroup<'prompts:search' | 'prompts:get'> {
  return {
    'prompts:search': async (req, call) => searchPrompts(await call.window.store(call.signal), req),
    'prompts:get': async (req, call) => getPrompt(await call.window.store(call.signal), req.name),
  }
}
