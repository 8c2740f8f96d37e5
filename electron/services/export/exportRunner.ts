import { readdir, rm, stat, mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { AppError, isAppError } from '@shared/api/errors'
import { APP_INFO } from '../appInfo'
import type { ArtifactAccess } from '../artifacts/artifactAccess'
import type { ArtifactRepository } from '../artifacts/artifactRepository'
import { openArtifactRepository } from '../artifacts/openRepository'
import { writeFileAtomic } from '../config/atomicFile'
import type { StoreHandle } from '../connections/storeConnection'
import { downloadArtifacts, type DownloadTarget } from './artifactDownload'
import { ExportJournal, JOURNAL_FILE, MANIFEST_FILE, REPORT_FILE, sha256Text, type ManifestFile } from './exportJournal'
import type { ExportSink } from './exportFiles'
import { exportEnvelope, pythonJsonFile } from './exportJson'
import { planExport, type ExportSelection } from './exportPlan'
import { ProgressTracker, type ExportProgress } from './exportProgress'
import { zipExport } from './exportZip'
import { exportTraces } from './exportTraces'
import { syncFiles } from './saveStream'
import { writing } from './writeErrors'
import type { ExportReport } from '@shared/domain/exports'

export type { ExportReport }

export interface ExportRequest {
  selection: ExportSelection
  out: string
  zip?: boolean
  /** Complete an earlier, interrupted export in `out`, keeping its verified files. */
  resume?: boolean
  /** Files downloaded at once (default 4). */
  concurrency?: number
  signal?: AbortSignal
  onProgress?: (p: ExportProgress) => void
  /** The source profile's name, for the manifest (never its credentials). */
  profileName: string
  access: ArtifactAccess
  /** How a run's artifact location is opened (default openArtifactRepository). */
  openRepository?: typeof openArtifactRepository
}

/** Whether the report lists files the store listed but could not give (the CLI's exit code 3). */
export function hasMissingFiles(report: ExportReport): boolean {
  return report.missing.some((m) => m.reason === 'not_found')
}

async function prepareOut(out: string, resume: boolean): Promise<void> {
  const s = await stat(out).catch(() => null)
  if (s && !s.isDirectory()) throw new AppError('BAD_REQUEST', `--out ${out} is a file; give a folder (it is created when missing).`, { field: 'out' })
  if (s && !resume && (await readdir(out)).length > 0) {
    throw new AppError('BAD_REQUEST', `--out ${out} is not empty: pass --resume to complete an earlier export there, or choose an empty or new folder.`, {
      field: 'out',
    })
  }
  await writing(out, () => mkdir(out, { recursive: true }))
}

const artifactsDir = (dir: string) => (dir ? `${dir}/artifacts` : 'artifacts')

/** A run's repository, or null (reported as a missing root) when it has no location or it is absent. */
async function openRepo(uri: string | null, access: ArtifactAccess, open = openArtifactRepository): Promise<ArtifactRepository | null> {
  if (!uri) return null
  try {
    return await open(uri, access)
  } catch (e) {
    if (isAppError(e) && e.code === 'NOT_FOUND') return null
    throw e
  }
}

/**
 * Export runs, an experiment (with its traces, logged models and evaluation datasets), a registered
 * model or traces in mlflow-export-import's layout, with every artifact, a manifest (path, size,
 * sha256 of every file) written last, and a report.
 * Rerun with `resume` after a cancel, crash or write failure: verified files are kept.
 */
export async function runExport(given: StoreHandle, req: ExportRequest): Promise<ExportReport> {
  // Cancelling the export cancels its metadata reads on the server too, not only the downloads.
  const store = req.signal ? given.withSignal(req.signal) : given
  const started = Date.now()
  const out = resolve(req.out)
  const progress = new ProgressTracker(req.onProgress)
  await prepareOut(out, !!req.resume)
  progress.phase('metadata')
  const plan = await planExport(store, req.selection)
  const journal = await ExportJournal.open(out, !!req.resume, started)
  // From here until the new manifest, the folder is visibly incomplete.
  await writing(join(out, MANIFEST_FILE), () => rm(join(out, MANIFEST_FILE), { force: true }))
  const description = store.schema.describe()
  const system = { exportTimeMs: journal.header.export_time_ms, trackingUri: `postgresql://${store.where}`, mlflowVersions: description.mlflow_versions }

  const files: ManifestFile[] = []
  const writeJson = async (path: string, value: unknown) => {
    const text = pythonJsonFile(value)
    const file = join(out, ...path.split('/'))
    await writing(file, () => writeFileAtomic(file, text))
    files.push({ path, size: Buffer.byteLength(text), sha256: sha256Text(text) })
  }
  for (const doc of plan.documents) await writeJson(doc.path, exportEnvelope(system, doc.mlflow, doc.info))

  progress.phase('artifacts')
  const open = req.openRepository ?? openArtifactRepository
  // Traces stream in first, page by page, each file journaled as it completes (so --resume keeps it).
  const sink: ExportSink = { out, journal, progress, system, signal: req.signal, files, unsynced: [] }
  const traces = plan.traces ? await exportTraces(store, plan.traces.source, plan.traces.dir, sink, (location) => open(location, req.access)) : null
  const targets: DownloadTarget[] = []
  try {
    for (const r of plan.runs)
      targets.push({ runId: r.run.info.run_id, repo: await openRepo(r.run.info.artifact_uri, req.access, req.openRepository), relDir: artifactsDir(r.dir) })
    // A logged model's artifacts as mlflow-export-import's export-logged-model downloads them: into its folder's artifacts/.
    for (const m of plan.models)
      targets.push({ runId: m.model_id, repo: await openRepo(m.artifact_location, req.access, req.openRepository), relDir: artifactsDir(m.dir) })
    const result = await downloadArtifacts(out, targets, { journal, progress, concurrency: req.concurrency, signal: req.signal })
    files.push(...result.files)
    const finished = Date.now()
    // The traces' files count with the artifacts: hashed as written, or re-read and matched on resume.
    const written = { files: (traces?.files ?? 0) - (traces?.kept.files ?? 0), bytes: (traces?.bytes ?? 0) - (traces?.kept.bytes ?? 0) }
    const report: ExportReport = {
      out,
      layout: plan.layout,
      source: { profile: req.profileName, store: store.where, alembic_revision: description.revision },
      started_at: new Date(started).toISOString(),
      finished_at: new Date(finished).toISOString(),
      duration_ms: finished - started,
      runs: plan.runs.map((r) => {
        const t = result.runs.get(r.run.info.run_id)
        return {
          run_id: r.run.info.run_id,
          experiment_id: r.run.info.experiment_id,
          dir: r.dir,
          artifact_uri: r.run.info.artifact_uri,
          artifact_root_found: t?.root_found ?? false,
          files: t?.files ?? 0,
          bytes: t?.bytes ?? 0,
        }
      }),
      files: result.files.length + (traces?.files ?? 0),
      bytes: result.files.reduce((n, f) => n + f.size, 0) + (traces?.bytes ?? 0),
      downloaded: { files: result.downloaded.files + written.files, bytes: result.downloaded.bytes + written.bytes },
      skipped_verified: { files: result.skipped.files + (traces?.kept.files ?? 0), bytes: result.skipped.bytes + (traces?.kept.bytes ?? 0) },
      // The artifact files whose sha256 came from their bytes: hashed while written, or re-read and
      // matched on resume. The same files as `files` (the JSON documents' sums are in the manifest too);
      // counting every manifest entry here made "12 files, 14 checksums verified".
      checksums_verified: result.downloaded.files + result.skipped.files + (traces?.files ?? 0),
      missing: result.missing,
      traces,
      logged_models: plan.models.map((m) => {
        const t = result.runs.get(m.model_id)
        return { ...m, artifact_root_found: t?.root_found ?? false, files: t?.files ?? 0, bytes: t?.bytes ?? 0 }
      }),
      evaluation_datasets: plan.datasets,
      zip: null,
    }
    // Artifacts and traces were written without a per-file fsync (it halved throughput); flush them all before the manifest vouches for them.
    await syncFiles([...result.files.map((f) => join(out, ...f.path.split('/'))), ...sink.unsynced])
    await writeJson(REPORT_FILE, report)
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
    const manifest = {
      format: 'mlflow-desk-export-manifest',
      format_version: 1,
      tool: { name: APP_INFO.name, version: APP_INFO.version },
      exported_at: new Date(journal.header.export_time_ms).toISOString(),
      export_time_ms: journal.header.export_time_ms,
      completed_at: new Date(finished).toISOString(),
      source: report.source,
      layout: plan.layout,
      selection: req.selection,
      files,
    }
    const manifestText = pythonJsonFile(manifest)
    await writing(join(out, MANIFEST_FILE), () => writeFileAtomic(join(out, MANIFEST_FILE), manifestText))
    await rm(join(out, JOURNAL_FILE), { force: true })
    if (req.zip) {
      progress.phase('zip')
      report.zip = await zipExport(out, [...files.map((f) => f.path), MANIFEST_FILE], `${out}.zip`, req.signal)
    }
    progress.phase('done')
    return report
  } finally {
    await Promise.all(targets.map((t) => t.repo?.close().catch(() => undefined)))
  }
}
