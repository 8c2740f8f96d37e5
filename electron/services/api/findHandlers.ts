import { findResolve, findSearch, type FindSources } from '../find/findService'
import { SavedQueries } from '../query/savedQueries'
import type { AppContext, CallContext, HandlerGroup } from './handlerTypes'

/** find:* — "find anything" in the calling window's store, its profile's saved queries and the app's screens. */
export function findHandlers(ctx: AppContext): HandlerGroup<'find:search' | 'find:resolve'> {
  // Reads only: the saved queries file is written by query:saved-* (atomically), read here as it is.
  const saved = new SavedQueries(ctx.home)
  const sources = (call: CallContext): FindSources => ({ store: () => call.window.store(call.signal), savedQueries: () => saved.stored() })
  return {
    'find:search': async (req, call) => findSearch(sources(call), req),
    'find:resolve': async (req, call) => findResolve(sources(call), req),
  }
}
