import type { AppContext, HandlerGroup } from './handlerTypes'

/** app:* — what this app is and how it is served. */
export function appHandlers(ctx: AppContext): HandlerGroup<'app:info'> {
  return {
    'app:info': async () => ({ ...ctx.app, transport: ctx.transport }),
  }
}
