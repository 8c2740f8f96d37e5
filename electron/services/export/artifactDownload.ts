import { randomBytes } from 'node:crypto'
import { mkdir, rename, rm } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import pLimit from 'p-limit'
import { AppError, isAppError } from '@shared/api/errors'
import { artifactPath, type ArtifactFile, type ArtifactRepository } from '../artifacts/artifactRepository'
import { hashFile, type ExportJournal, type ManifestFile } from './exportJournal'
import type { ProgressTracker } from './exportProgress'
import { saveStream, syncFiles } from './saveStream'
import { writing } from './writeErrors'
import type { MissingArtifact } from '@shared/domain/exports'

export type { MissingArtifact }

/** One artifact tree to copy: a run's repository into a folder of the export. */
export interface DownloadTarget {
  runId: string
  /** null when the run has no artifact location, or it could not be opened as "not found". */
  repo: ArtifactRepository | null
  /** Its folder inside the export ('/'-separated, e.g. "runs/<id>/artifacts"). */
  relDir: string
}

export interface RunTally {
  root_found: boolean
  files: number
  bytes: number
}

export interface DownloadResult {
  files: ManifestFile[]
  missing: MissingArtifact[]
  downloaded: { files: number; bytes: number }
  skipped: { files: number; bytes: number }
  runs: Map<string, RunTally>
}

const notFound = (e: unknown) => isAppError(e) && e.code === 'NOT_FOUND'

/**
 * Copy artifact trees into an export folder: folders listed one at a time as the walk reaches
 * them, up to `concurrency` files at once. Each file streams into "<name>.part" while its sha256
 * is computed, and is renamed to its name only when the byte count matches the listing, so a
 * crash never leaves a file that looks whole; it is then flushed to the disk in the background
 * (the caller's syncFiles, before the manifest, waits for whatever is left). With a journal from an earlier
 * attempt, a file already on disk whose size and sha256 match is kept instead of fetched again.
 * On cancel or a fatal error the .part files in flight are removed (a partial file cannot be
 * verified by any checksum, so a rerun fetches that file from its start).
 */
export async function downloadArtifacts(
  exportDir: string,
  targets: DownloadTarget[],
  opts: { journal: ExportJournal; progress: ProgressTracker; concurrency?: number; signal?: AbortSignal },
): Promise<DownloadResult> {
  const { journal, progress } = opts
  const result: DownloadResult = { files: [], missing: [], downloaded: { files: 0, bytes: 0 }, skipped: { files: 0, bytes: 0 }, runs: new Map() }
  const ctrl = new AbortController()
  const onAbort = () => ctrl.abort()
  opts.signal?.addEventListener('abort', onAbort)
  if (opts.signal?.aborted) ctrl.abort()
  const signal = ctrl.signal
  let fatal: unknown = null
  const fail = (e: unknown) => {
    if (fatal === null && !(opts.signal?.aborted && !isAppError(e))) fatal = e
    ctrl.abort()
  }
  const limit = pLimit(opts.concurrency ?? 4)
  const tasks: Array<Promise<void>> = []
  // Each finished file is flushed to the disk right away, one at a time, while the next ones are
  // copied: the fsync the manifest waits for (syncFiles) then finds little left to write.
  // A failure here is left to that fsync to report.
  const flush = pLimit(1)

  async function fetchOne(t: DownloadTarget & { repo: ArtifactRepository }, f: ArtifactFile, rel: string, siblings: ReadonlySet<string>, tally: RunTally) {
    const exportRel = `${t.relDir}/${rel}`
    const dest = join(exportDir, ...exportRel.split('/'))
    const listed = f.file_size
    const known = journal.known.get(exportRel)
    if (known && (listed === null || known.size === listed)) {
      const local = await hashFile(dest, signal)
      if (local && local.size === known.size && local.sha256 === known.sha256) {
        result.files.push(known)
        result.skipped.files++
        result.skipped.bytes += known.size
        tally.files++
        tally.bytes += known.size
        progress.skipped(known.size)
        return
      }
    }
    // "<name>.part", unless the store itself has a file of that name beside it.
    const base = rel.slice(rel.lastIndexOf('/') + 1)
    const part = siblings.has(`${base}.part`) ? `${dest}.${randomBytes(4).toString('hex')}.part` : `${dest}.part`
    await writing(dirname(dest), () => mkdir(dirname(dest), { recursive: true }))
    let stream
    try {
      stream = await t.repo.read(rel, { signal })
    } catch (e) {
      if (!notFound(e)) throw e
      result.missing.push({ run_id: t.runId, path: rel, reason: 'not_found', message: `listed in ${t.repo.describe} but gone when read` })
      progress.dropped(listed ?? 0)
      return
    }
    let saved
    try {
      saved = await saveStream(stream, part, `artifact "${rel}" of run ${t.runId} from ${t.repo.describe}`, {
        onBytes: (n) => progress.bytes(n),
        signal,
        sync: false,
      })
    } catch (e) {
      progress.rollback((e as { bytesWritten?: number }).bytesWritten ?? 0)
      throw e
    }
    const { size, sha256 } = saved
    if (listed !== null && size !== listed) {
      await rm(part, { force: true })
      progress.rollback(size)
      throw new AppError(
        'ARTIFACT_UNAVAILABLE',
        `Artifact "${rel}" of run ${t.runId} in ${t.repo.describe} gave ${size} bytes where its listing says ${listed}: it changed or the transfer was cut. Rerun with --resume.`,
        { path: rel },
      )
    }
    await writing(dest, () => rename(part, dest))
    void flush(() => (signal.aborted ? undefined : syncFiles([dest]))).catch(() => undefined)
    const entry: ManifestFile = { path: exportRel, size, sha256 }
    await journal.add(entry)
    result.files.push(entry)
    result.downloaded.files++
    result.downloaded.bytes += size
    tally.files++
    tally.bytes += size
    progress.fileDone()
  }

  async function walk(t: DownloadTarget & { repo: ArtifactRepository }, path: string, tally: RunTally): Promise<void> {
    const entries = await t.repo.list(path, signal)
    const names = new Set(entries.map((e) => e.path.slice(e.path.lastIndexOf('/') + 1)))
    for (const f of entries) {
      if (signal.aborted) return
      // A store's listing never climbs out of the export folder: "..", absolute or backslashed names are refused.
      const rel = artifactPath(f.path)
      if (f.is_dir) {
        await walk(t, rel, tally)
        continue
      }
      progress.found(f.file_size ?? 0)
      tasks.push(limit(() => (signal.aborted ? Promise.resolve() : fetchOne(t, f, rel, names, tally))).catch(fail))
    }
  }

  try {
    for (const t of targets) {
      if (signal.aborted) break
      const tally: RunTally = { root_found: false, files: 0, bytes: 0 }
      result.runs.set(t.runId, tally)
      const root = t.repo ? await t.repo.stat('', signal) : null
      if (!t.repo || !root?.is_dir) {
        result.missing.push({
          run_id: t.runId,
          path: '',
          reason: 'root_not_found',
          message: t.repo ? `no artifact folder at ${t.repo.describe}` : 'the run has no artifact location',
        })
        continue
      }
      tally.root_found = true
      await walk({ ...t, repo: t.repo }, '', tally)
    }
  } catch (e) {
    if (!signal.aborted || isAppError(e)) fail(e)
  }
  progress.listed()
  await Promise.allSettled(tasks)
  opts.signal?.removeEventListener('abort', onAbort)
  // A cancel wins over the errors it caused in the downloads it stopped.
  if (opts.signal?.aborted)
    throw new AppError('CANCELLED', 'The export was cancelled; the files completed so far are kept and verified, and a rerun with --resume completes it.')
  if (fatal !== null) throw fatal
  return result
}
