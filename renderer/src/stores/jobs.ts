import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { AppError } from '@shared/api/errors'
import type { ExportProgress, ExportReport } from '@shared/domain/exports'
import { api } from '@/api'
import { newJobId } from '@/stores/query'
import { folderName, type ExportTarget } from '@/utils/exportTarget'

interface JobBase {
  id: string
  state: 'running' | 'done' | 'cancelled' | 'failed'
  progress: ExportProgress | null
  error: unknown
}

/** One artifacts:download: a file or folder of a run, then where it went. */
export interface DownloadJob extends JobBase {
  kind: 'download'
  runId: string
  /** '' = every artifact of the run. */
  path: string
  isDir: boolean
  savedTo: string | null
  files: number
  bytes: number
}

/** One export:run: what, into which folder name, then its report. */
export interface ExportJob extends JobBase {
  kind: 'export'
  target: ExportTarget
  /** The folder name asked for; after a failure, the one main actually wrote (a resume continues it). */
  name: string
  zip: boolean
  report: ExportReport | null
  startedAt: number
  /** Cancel was asked; the export's own answer (CANCELLED, with the folder it wrote) ends it. */
  cancelling: boolean
}

export type Job = DownloadJob | ExportJob

const stateOf = (e: unknown): JobBase['state'] => ((e as { code?: string }).code === 'CANCELLED' ? 'cancelled' : 'failed')

/**
 * This window's long file jobs — artifact downloads and offline exports, several at once:
 * their progress (export:progress events), cancel, and how each ended. Also which export the
 * export dialog shows, so any page can open it and a closed dialog leaves the job running here.
 */
export const useJobsStore = defineStore('jobs', () => {
  const jobs = ref<Job[]>([])
  /** The export dialog: what it offers to export, and the job it follows once started. */
  const dialog = ref<{ open: boolean; target: ExportTarget | null; jobId: string | null }>({ open: false, target: null, jobId: null })

  const running = computed(() => jobs.value.filter((j) => j.state === 'running').length)
  const live = (id: string) => jobs.value.find((j) => j.id === id)

  let stopProgress: (() => void) | null = null
  function listen(): void {
    stopProgress ??= api.on('export:progress', (p) => {
      const job = live(p.job_id)
      if (job?.state === 'running') job.progress = p.progress
    })
  }
  function stopListeningWhenIdle(): void {
    if (running.value) return
    stopProgress?.()
    stopProgress = null
  }

  /** Copy a file or folder ('' = all) of a run to this machine, with progress; resolves when it ends. */
  async function download(run: string, path: string, isDir: boolean): Promise<void> {
    const job: DownloadJob = {
      kind: 'download',
      id: newJobId('artifacts'),
      runId: run,
      path,
      isDir,
      state: 'running',
      progress: null,
      savedTo: null,
      files: 0,
      bytes: 0,
      error: null,
    }
    jobs.value.unshift(job)
    listen()
    try {
      const res = await api.call('artifacts:download', { job_id: job.id, run_id: run, path })
      const d = live(job.id)
      // saved_to null: the desktop app's save dialog was dismissed; nothing to report.
      if (d && res.saved_to === null) remove(job.id)
      else if (d) Object.assign(d, { state: 'done', savedTo: res.saved_to, files: res.files, bytes: res.bytes })
    } catch (e) {
      const d = live(job.id)
      if (d) Object.assign(d, { state: stateOf(e), error: e })
    } finally {
      stopListeningWhenIdle()
    }
  }

  async function runExport(job: ExportJob, resume: boolean): Promise<void> {
    listen()
    try {
      const { report } = await api.call('export:run', { job_id: job.id, selection: job.target.selection, name: job.name, zip: job.zip, resume })
      const d = live(job.id)
      // report null: the desktop app's folder dialog was dismissed.
      if (d?.kind === 'export' && report === null) {
        remove(job.id)
        if (dialog.value.jobId === job.id) dialog.value.jobId = null
      } else if (d?.kind === 'export') Object.assign(d, { state: 'done', report, cancelling: false })
    } catch (e) {
      const d = live(job.id)
      // Over HTTP a taken name became "<name> (2)": a resume must continue that folder.
      const out = e instanceof AppError ? e.details?.out : undefined
      if (d?.kind === 'export') Object.assign(d, { state: stateOf(e), error: e, cancelling: false, ...(out ? { name: folderName(out) } : {}) })
    } finally {
      stopListeningWhenIdle()
    }
  }

  /** Start an export (the dialog follows it); returns its job id at once. */
  function startExport(target: ExportTarget, name: string, zip: boolean): string {
    const job: ExportJob = {
      kind: 'export',
      id: newJobId('export'),
      target,
      name: name.trim(),
      zip,
      state: 'running',
      progress: null,
      error: null,
      report: null,
      startedAt: Date.now(),
      cancelling: false,
    }
    jobs.value.unshift(job)
    dialog.value = { open: dialog.value.open, target, jobId: job.id }
    void runExport(job, false)
    return job.id
  }

  /** Complete a cancelled or failed export into the same folder: verified files are kept. */
  function resumeExport(id: string): void {
    const job = live(id)
    if (job?.kind !== 'export' || job.state === 'running' || job.state === 'done') return
    Object.assign(job, { state: 'running', progress: null, error: null, startedAt: Date.now(), cancelling: false })
    void runExport(job, true)
  }

  async function cancel(id: string): Promise<void> {
    const job = live(id)
    if (job?.state !== 'running') return
    if (job.kind === 'export') job.cancelling = true
    const { cancelled } = await api.call('export:cancel', { job_id: id })
    // It may have finished in the meantime: the job's own answer then says so. An export waits
    // for that answer (it names the folder a resume continues).
    if (job.kind === 'export') job.cancelling = cancelled && job.state === 'running'
    else if (cancelled && job.state === 'running') job.state = 'cancelled'
  }

  function remove(id: string): void {
    jobs.value = jobs.value.filter((j) => j.id !== id)
  }

  /** Forget a finished job (a running one stays). */
  function dismiss(id: string): void {
    jobs.value = jobs.value.filter((j) => j.id !== id || j.state === 'running')
  }

  /** Open the export dialog on a selection (a fresh form). */
  function openExport(target: ExportTarget): void {
    dialog.value = { open: true, target, jobId: null }
  }

  /** Open the export dialog on a started export (from the jobs panel). */
  function showExport(id: string): void {
    const job = live(id)
    if (job?.kind === 'export') dialog.value = { open: true, target: job.target, jobId: id }
  }

  return { jobs, dialog, running, download, startExport, resumeExport, cancel, dismiss, openExport, showExport }
})

if (import.meta.hot) import.meta.hot.accept()
