import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ArtifactFile } from '@shared/domain/artifacts'
import type { ExportProgress } from '@shared/domain/exports'
import { api } from '@/api'
import { newJobId } from '@/stores/query'

/** One artifacts:download of this window: its progress, then where it went or why it stopped. */
export interface ArtifactDownload {
  id: string
  runId: string
  /** '' = every artifact of the run. */
  path: string
  isDir: boolean
  state: 'running' | 'done' | 'cancelled' | 'failed'
  progress: ExportProgress | null
  savedTo: string | null
  files: number
  bytes: number
  error: unknown
}

/** A folder's listing as the tree shows it. */
export interface FolderState {
  status: 'loading' | 'ready' | 'error'
  files: ArtifactFile[]
  error: unknown
}

/** The artifacts of the run shown: folder listings loaded on demand, and this window's downloads (several at once). */
export const useArtifactsStore = defineStore('artifacts', () => {
  const runId = ref<string | null>(null)
  const rootUri = ref<string | null>(null)
  const location = ref<string | null>(null)
  /** Folder path ('' = the root) -> its listing. */
  const folders = ref<Record<string, FolderState>>({})
  const downloads = ref<ArtifactDownload[]>([])
  let seq = 0

  const root = computed(() => folders.value[''] ?? null)

  /** Every entry loaded so far, by path (a selected path's type comes from here). */
  const entries = computed(() => {
    const out = new Map<string, ArtifactFile>()
    for (const f of Object.values(folders.value)) for (const e of f.files) out.set(e.path, e)
    return out
  })

  /** Show a run's artifacts, from its root (again, when `force`). */
  async function open(id: string, force = false): Promise<void> {
    if (runId.value === id && !force && folders.value['']?.status !== 'error') return
    seq++
    runId.value = id
    rootUri.value = null
    location.value = null
    folders.value = {}
    await loadFolder('')
  }

  /** List one folder (a missing folder lists empty); failures stay on that folder. */
  async function loadFolder(path: string): Promise<void> {
    const id = runId.value
    if (!id) return
    const mine = seq
    folders.value[path] = { status: 'loading', files: folders.value[path]?.files ?? [], error: null }
    try {
      const res = await api.call('artifacts:list', { run_id: id, path })
      if (mine !== seq) return
      rootUri.value = res.root_uri
      location.value = res.location
      folders.value[path] = { status: 'ready', files: res.files, error: null }
    } catch (e) {
      if (mine === seq) folders.value[path] = { status: 'error', files: [], error: e }
    }
  }

  let stopProgress: (() => void) | null = null
  function listen(): void {
    stopProgress ??= api.on('export:progress', (p) => {
      const job = downloads.value.find((d) => d.id === p.job_id)
      if (job?.state === 'running') job.progress = p.progress
    })
  }
  function stopListeningWhenIdle(): void {
    if (downloads.value.some((d) => d.state === 'running')) return
    stopProgress?.()
    stopProgress = null
  }

  /** Copy a file or folder ('' = all) of the run to this machine, with progress; resolves when it ends. */
  async function download(run: string, path: string, isDir: boolean): Promise<void> {
    const job: ArtifactDownload = { id: newJobId('artifacts'), runId: run, path, isDir, state: 'running', progress: null, savedTo: null, files: 0, bytes: 0, error: null }
    downloads.value.unshift(job)
    listen()
    const live = () => downloads.value.find((d) => d.id === job.id)
    try {
      const res = await api.call('artifacts:download', { job_id: job.id, run_id: run, path })
      const d = live()
      // saved_to null: the desktop app's save dialog was dismissed; nothing to report.
      if (d && res.saved_to === null) downloads.value = downloads.value.filter((x) => x.id !== job.id)
      else if (d) Object.assign(d, { state: 'done', savedTo: res.saved_to, files: res.files, bytes: res.bytes })
    } catch (e) {
      const d = live()
      if (d) Object.assign(d, { state: (e as { code?: string }).code === 'CANCELLED' ? 'cancelled' : 'failed', error: e })
    } finally {
      stopListeningWhenIdle()
    }
  }

  async function cancel(id: string): Promise<void> {
    const job = downloads.value.find((d) => d.id === id)
    if (job?.state !== 'running') return
    const { cancelled } = await api.call('export:cancel', { job_id: id })
    // It may have finished in the meantime: the download's own answer then says so.
    if (cancelled && job.state === 'running') job.state = 'cancelled'
  }

  function dismiss(id: string): void {
    downloads.value = downloads.value.filter((d) => d.id !== id || d.state === 'running')
  }

  return { runId, rootUri, location, folders, root, entries, downloads, open, loadFolder, download, cancel, dismiss }
})

if (import.meta.hot) import.meta.hot.accept()
