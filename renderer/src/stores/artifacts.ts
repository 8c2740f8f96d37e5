import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ArtifactFile } from '@shared/domain/artifacts'
import { api } from '@/api'

/** A folder's listing as the tree shows it. */
export interface FolderState {
  status: 'loading' | 'ready' | 'error'
  files: ArtifactFile[]
  error: unknown
}

/** The artifacts of the run shown: folder listings loaded on demand (downloads are jobs: see stores/jobs). */
export const useArtifactsStore = defineStore('artifacts', () => {
  const runId = ref<string | null>(null)
  const rootUri = ref<string | null>(null)
  const location = ref<string | null>(null)
  /** Folder path ('' = the root) -> its listing. */
  const folders = ref<Record<string, FolderState>>({})
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

  return { runId, rootUri, location, folders, root, entries, open, loadFolder }
})

if (import.meta.hot) import.meta.hot.accept()
