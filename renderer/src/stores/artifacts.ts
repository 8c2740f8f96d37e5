import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ArtifactFile } from '@shared/domain/artifacts'
import { api } from '@/api'
import { useLatestRequest } from '@/composables/useLatestRequest'

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
  /** The run shown: its folder listings follow it (aborted when another run is shown). */
  const shown = useLatestRequest()

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
    shown.abort()
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
    folders.value[path] = { status: 'loading', files: folders.value[path]?.files ?? [], error: null }
    await shown.follow((signal) => api.call('artifacts:list', { run_id: id, path }, { signal }), {
      apply: (res) => {
        rootUri.value = res.root_uri
        location.value = res.location
        folders.value[path] = { status: 'ready', files: res.files, error: null }
      },
      fail: (e) => (folders.value[path] = { status: 'error', files: [], error: e }),
    })
  }

  /** The run's artifacts are left: stop listing; folders still loading are listed again when shown. */
  function abort() {
    shown.abort()
    for (const [path, f] of Object.entries(folders.value)) if (f.status === 'loading') delete folders.value[path]
    if (!folders.value['']) runId.value = null
  }

  return { runId, rootUri, location, folders, root, entries, open, loadFolder, abort }
})

if (import.meta.hot) import.meta.hot.accept()
