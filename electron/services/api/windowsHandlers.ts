import { AppError } from '@shared/api/errors'
import type { AppContext, HandlerGroup } from './handlerTypes'

/** windows:* — another window (Electron) or tab (HTTP) on a profile. */
export function windowsHandlers(ctx: AppContext): HandlerGroup<'windows:open'> {
  return {
    'windows:open': async (req, call) => {
      await ctx.workspace.source(req.profile_id).catch(() => {
        throw new AppError('NOT_FOUND', `No profile "${req.profile_id}" to open.`)
      })
      return { url: await call.openWindow(req.profile_id) }
    },
  }
}
