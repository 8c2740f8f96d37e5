import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { AppError, isAppError } from '@shared/api/errors'
import type { ExportProgress } from '@shared/domain/exports'
import { exportsDir } from '../config/appPaths'
import { RunningJobs } from '../query/runningJobs'
import { artifactPath, joinArtifactPath } from '../artifacts/artifactRepository'
import { downloadArtifacts } from '../export/artifactDownload'
import { plainName, uniquePath } from '../export/destination'
import { ExportJournal, JOURNAL_FILE } from '../export/exportJournal'
import type { ExportSelection } from '../export/exportPlan'
import { ProgressTracker } from '../export/exportProgress'
import { runExport } from '../export/exportRunner'
import { saveStream, syncFiles } from '../export/saveStream'
import { writing } from '../export/writeErrors'
import { runArtifactRoot } from '../tracking/runs'
import type { AppContext, CallContext, HandlerGroup } from './handlers'

type ExportChannels = 'artifacts:download' | 'export:run' | 'export:cancel'

/** Where a download or export goes: the user's choice in the desktop app, else <app data>/exports (never over anything). */
async function destination(ctx: AppContext, call: CallContext, name: string, kind: 'file' | 'folder', resume = false): Promise<string | null> {
  if (call.chooseDestination) return call.chooseDestination(name, kind)
  const dir = exportsDir(ctx.home)
  return resume ? join(dir, name) : uniquePath(dir, name)
}

/** Downloads and offline exports of the calling window, with progress events and cancel. */
export function exportHandlers(ctx: AppContext): HandlerGroup<ExportChannels> {
  const jobs = new RunningJobs()
  const progress = (jobId: string) => (p: ExportProgress) => ctx.events.emit('export:progress', { job_id: jobId, progress: p })

  return {
    'artifacts:download': async (req, call) => {
      const path = artifactPath(req.path)
      const store = await call.window.store()
      const root = await runArtifactRoot(store, req.run_id)
      const repo = await call.window.artifactRepositories.get(root, () => call.window.artifactAccess())
      const entry = path ? await repo.stat(path) : { path: '', is_dir: true, file_size: null }
      if (!entry) throw new AppError('NOT_FOUND', `No artifact "${path}" in ${repo.describe}.`, { path })
      const name = plainName(path ? basename(path) : `${req.run_id}-artifacts`, 'path')
      const out = await destination(ctx, call, name, entry.is_dir ? 'folder' : 'file')
      if (out === null) return { saved_to: null, files: 0, bytes: 0 }
      return jobs.run(call.window, req.job_id, async (signal) => {
        const tracker = new ProgressTracker(progress(req.job_id))
        tracker.phase('artifacts')
        if (!entry.is_dir) {
          tracker.found(entry.file_size ?? 0)
          tracker.listed()
          const part = `${out}.part`
          const saved = await saveStream(await repo.read(path, { signal }), part, `"${path}" in ${repo.describe}`, { signal, onBytes: (n) => tracker.bytes(n) })
          await writing(out, () => rename(part, out))
          tracker.fileDone()
          tracker.phase('done')
          return { saved_to: out, files: 1, bytes: saved.size }
        }
        // A folder: the export's downloader over a repository rooted at it (verified files, .part until whole).
        const sub = path ? await call.window.artifactRepositories.get(joinArtifactPath(root, path), () => call.window.artifactAccess()) : repo
        await writing(out, () => mkdir(out, { recursive: true }))
        const journal = await ExportJournal.open(out, false, Date.now())
        const result = await downloadArtifacts(out, [{ runId: req.run_id, repo: sub, relDir: '' }], { journal, progress: tracker, signal })
        await syncFiles(result.files.map((f) => join(out, ...f.path.split('/'))))
        await rm(join(out, JOURNAL_FILE), { force: true })
        tracker.phase('done')
        return { saved_to: out, files: result.files.length, bytes: result.files.reduce((n, f) => n + f.size, 0) }
      })
    },

    'export:run': async (req, call) => {
      const name = plainName(req.name, 'name')
      const out = await destination(ctx, call, name, 'folder', req.resume)
      if (out === null) return { report: null }
      if (req.resume && !(await stat(out).catch(() => null))) throw new AppError('NOT_FOUND', `There is no earlier export "${name}" to resume in ${out}.`, { field: 'name' })
      const selection: ExportSelection =
        req.selection.kind === 'runs'
          ? { kind: 'runs', runIds: req.selection.run_ids }
          : req.selection.kind === 'experiment'
            ? { kind: 'experiment', experimentId: req.selection.experiment_id }
            : { kind: 'model', model: req.selection.model }
      const store = await call.window.store()
      const [access, session] = await Promise.all([call.window.artifactAccess(), call.window.describe()])
      try {
        const report = await jobs.run(call.window, req.job_id, (signal) =>
          runExport(store, { selection, out, zip: req.zip, resume: req.resume, signal, onProgress: progress(req.job_id), access, profileName: session.connection.name }),
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
