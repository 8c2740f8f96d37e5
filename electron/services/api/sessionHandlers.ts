import type { HandlerGroup } from './handlerTypes'

/** session:* — the store the calling window shows. */
export function sessionHandlers(): HandlerGroup<'session:describe'> {
  return {
    'session:describe': (_req, call) => call.window.describe(call.signal),
  }
}
