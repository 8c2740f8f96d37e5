import { stat } from 'node:fs/promises'
import { AppError, isAppError } from '@shared/api/errors'
import { runExport } from '../export/exportRunner'
import type { AppContext, HandlerGroup } from './handlerTypes'
import { destination, jobProgress } from './jobOutput'

/** export:* — offline exports of the calling window, with progress events; cancel reaches downloads too (one jobs panel). */
export function exportHandlers(ctx: AppContext): HandlerGroup<'export:run' | 'export:cancel'> {
  const { jobs } = ctx
  const progress = (jobId: string) => jobProgress(ctx, jobId)

  return {
    'export:run': async (req, call) => {
      const name = req.name
      const out = await destination(ctx, call, name, 'folder', req.resume)
      if (out === null) return { report: null }
      if (req.resume && !(await stat(out).catch(() => null)))
        throw new AppError('NOT_FOUND', `There is no earlier export "${name}" to resume in ${out}.`, { field: 'name' })
      const store = await call.window.store(call.signal)
      const [access, session] = await Promise.all([call.window.artifactAccess(), call.window.describe(call.signal)])
      try {
        const report = await jobs.run(
          call.window,
          req.job_id,
          (signal) =>
            runExport(store, {
              selection: req.selection,
              out,
              zip: req.zip,
              resume: req.resume,
              signal,
              onProgress: progress(req.job_id),
              access,
              profileName: session.connection.name,
            }),
          call.signal,
        )
        return { report }
      } catch (e) {
        // Over HTTP a taken name became "<name> (2)": the renderer resumes that folder, not the other one.
        throw isAppError(e) ? new AppError(e.code, e.message, { ...e.details, out }) : e
      }
    },

    'export:cancel': async (req, call) => ({ cancelled: jobs.cancel(call.window, req.job_id) }),
  }
}
