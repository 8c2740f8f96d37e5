import { mkdir, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { AppError } from '@shared/api/errors'
import { previewArtifact } from '../artifacts/artifactPreview'
import { artifactPath, joinArtifactPath, type ArtifactRepository } from '../artifacts/artifactRepository'
import { downloadArtifacts } from '../export/artifactDownload'
import { plainName } from '../export/destination'
import { ExportJournal, JOURNAL_FILE } from '../export/exportJournal'
import { ProgressTracker } from '../export/exportProgress'
import { saveStream, syncFiles } from '../export/saveStream'
import { writing } from '../export/writeErrors'
import { runArtifactRoot } from '../tracking/runs'
import type { WindowSession } from '../workspace'
import type { AppContext, HandlerGroup } from './handlerTypes'
import { destination, jobProgress } from './jobOutput'

/** The run's artifact root as recorded, and the window's (cached) repository for it. */
async function runRepository(window: WindowSession, runId: string, signal: AbortSignal): Promise<{ root: string; repo: ArtifactRepository }> {
  const root = await runArtifactRoot(await window.store(signal), runId)
  return { root, repo: await window.artifactRepositories.get(root, () => window.artifactAccess()) }
}

/** artifacts:* — browsing a run's artifacts in whatever store they live, and downloading them (a job: progress, cancel with export:cancel). */
export function artifactsHandlers(ctx: AppContext): HandlerGroup<'artifacts:list' | 'artifacts:preview' | 'artifacts:download'> {
  const { jobs } = ctx
  const progress = (jobId: string) => jobProgress(ctx, jobId)
  return {
    'artifacts:list': async (req, call) => {
      const path = artifactPath(req.path)
      const { root, repo } = await runRepository(call.window, req.run_id, call.signal)
      return { root_uri: root, location: repo.describe, files: await repo.list(path, call.signal) }
    },
    'artifacts:preview': async (req, call) => {
      const { repo } = await runRepository(call.window, req.run_id, call.signal)
      return previewArtifact(repo, req.path, req.max_bytes, call.signal)
    },
    'artifacts:download': async (req, call) => {
      const path = artifactPath(req.path)
      const { root, repo } = await runRepository(call.window, req.run_id, call.signal)
      const entry = path ? await repo.stat(path, call.signal) : { path: '', is_dir: true, file_size: null }
      if (!entry) throw new AppError('NOT_FOUND', `No artifact "${path}" in ${repo.describe}.`, { path })
      const name = plainName(path ? basename(path) : `${req.run_id}-artifacts`, 'path')
      const out = await destination(ctx, call, name, entry.is_dir ? 'folder' : 'file')
      if (out === null) return { saved_to: null, files: 0, bytes: 0, sha256: null }
      return jobs.run(
        call.window,
        req.job_id,
        async (signal) => {
          const tracker = new ProgressTracker(progress(req.job_id))
          tracker.phase('artifacts')
          if (!entry.is_dir) {
            tracker.found(entry.file_size ?? 0)
            tracker.listed()
            const part = `${out}.part`
            await writing(dirname(out), () => mkdir(dirname(out), { recursive: true }))
            // Aborted (export:cancel, or the call went away), the stream stops and saveStream removes the part: no file at `out`.
            const saved = await saveStream(await repo.read(path, { signal }), part, `"${path}" in ${repo.describe}`, {
              signal,
              onBytes: (n) => tracker.bytes(n),
            }).catch((e: unknown) => {
              throw signal.aborted ? new AppError('CANCELLED', `The download of "${path}" was cancelled; nothing was saved.`, { path }) : e
            })
            // A stream that ends early (a dropped connection some stores report as a clean end) is not a whole file.
            if (entry.file_size !== null && saved.size !== entry.file_size) {
              await rm(part, { force: true })
              throw new AppError(
                'ARTIFACT_UNAVAILABLE',
                `Artifact "${path}" in ${repo.describe} gave ${saved.size} bytes where the store says ${entry.file_size}; try again.`,
                { path },
              )
            }
            await writing(out, () => rename(part, out))
            tracker.fileDone()
            tracker.phase('done')
            return { saved_to: out, files: 1, bytes: saved.size, sha256: saved.sha256 }
          }
          // A folder: the export's downloader over a repository rooted at it (verified files, .part until whole).
          const sub = path ? await call.window.artifactRepositories.get(joinArtifactPath(root, path), () => call.window.artifactAccess()) : repo
          await writing(out, () => mkdir(out, { recursive: true }))
          const journal = await ExportJournal.open(out, false, Date.now())
          const result = await downloadArtifacts(out, [{ runId: req.run_id, repo: sub, relDir: '' }], { journal, progress: tracker, signal })
          await syncFiles(result.files.map((f) => join(out, ...f.path.split('/'))))
          await rm(join(out, JOURNAL_FILE), { force: true })
          tracker.phase('done')
          return { saved_to: out, files: result.files.length, bytes: result.files.reduce((n, f) => n + f.size, 0), sha256: null }
        },
        call.signal,
      )
    },
  }
}
