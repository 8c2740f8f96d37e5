import { computed, ref, shallowRef, watch, type Ref } from 'vue'
import type { ArtifactFile, ArtifactPreview } from '@shared/domain/artifacts'
import { api } from '@/api'
import { artifactAncestors, artifactName, artifactParent } from '@/utils/artifactKinds'
import { useLatestRequest } from './useLatestRequest'

/** Listings (or previews) asked for at once: a comparison holds up to 200 runs. */
const AT_ONCE = 6
/** What each run's preview asks for: the artifact browser's first read (big files are compared by their head). */
export const COMPARE_PREVIEW_BYTES = 1024 * 1024

/** One folder (or file) of one run. */
export interface RunRead<T> {
  status: 'loading' | 'ready' | 'error'
  value: T | null
  error: unknown
}

/** A path of the comparison: in which runs it is, and how big in each. */
export interface CompareEntry {
  path: string
  is_dir: boolean
  depth: number
  /** Run id -> size (null for a folder or an unknown size); runs without it are not keys. */
  sizes: Map<string, number | null>
}

async function eachAtMost<T>(items: T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  await Promise.all(
    Array.from({ length: Math.min(n, queue.length) }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item)
    }),
  )
}

/**
 * The Compare page's artifacts: every compared run's folders listed side by side
 * as they are opened (a path is shown when any run has it, with the runs that do),
 * and one chosen file's preview from each run that has it. Another set of runs
 * starts afresh; leaving the tab or the page aborts what is on its way.
 */
export function useCompareArtifacts(runIds: Ref<string[]>) {
  /** Folder path ('' = the roots) -> run id -> its listing. */
  const folders = ref<Record<string, Record<string, RunRead<ArtifactFile[]>>>>({})
  const open = ref<string[]>([])
  const listing = useLatestRequest()
  const selected = ref<string | null>(null)
  const previews = shallowRef<Record<string, RunRead<ArtifactPreview>>>({})
  const previewing = useLatestRequest()

  function reset() {
    listing.abort()
    previewing.abort()
    folders.value = {}
    open.value = []
    selected.value = null
    previews.value = {}
    void loadFolder('', runIds.value)
  }
  watch(() => runIds.value.join(','), reset, { immediate: true })

  async function loadFolder(path: string, ids: string[]) {
    folders.value[path] = Object.fromEntries(ids.map((id) => [id, { status: 'loading', value: null, error: null }]))
    await eachAtMost(ids, AT_ONCE, (id) =>
      listing
        .follow((signal) => api.call('artifacts:list', { run_id: id, path }, { signal }), {
          apply: (res) => (folders.value[path][id] = { status: 'ready', value: res.files, error: null }),
          fail: (e) => (folders.value[path][id] = { status: 'error', value: null, error: e }),
        })
        .then(() => undefined),
    )
  }

  /** The entries of one folder over every run, folders first, by name. */
  function entriesOf(path: string, depth: number): CompareEntry[] {
    const byPath = new Map<string, CompareEntry>()
    for (const [id, read] of Object.entries(folders.value[path] ?? {}))
      for (const f of read.value ?? []) {
        const e = byPath.get(f.path) ?? { path: f.path, is_dir: f.is_dir, depth, sizes: new Map() }
        e.sizes.set(id, f.file_size)
        byPath.set(f.path, e)
      }
    return [...byPath.values()].sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || artifactName(a.path).localeCompare(artifactName(b.path)))
  }

  /** The tree as shown: the roots, and under each open folder its entries. */
  const rows = computed<CompareEntry[]>(() => {
    const openSet = new Set(open.value)
    const walk = (path: string, depth: number): CompareEntry[] =>
      entriesOf(path, depth).flatMap((e) => (e.is_dir && openSet.has(e.path) ? [e, ...walk(e.path, depth + 1)] : [e]))
    return walk('', 0)
  })
  /** Every file listed so far, by path (the filter searches these). */
  const files = computed(() => {
    const all = new Map<string, CompareEntry>()
    for (const path of Object.keys(folders.value)) for (const e of entriesOf(path, 0)) if (!e.is_dir) all.set(e.path, e)
    return [...all.values()].sort((a, b) => a.path.localeCompare(b.path))
  })
  const rootLoading = computed(() => Object.values(folders.value[''] ?? {}).some((r) => r.status === 'loading'))
  const rootErrors = computed(() => Object.entries(folders.value[''] ?? {}).filter(([, r]) => r.status === 'error'))
  const folderLoading = (path: string) => Object.values(folders.value[path] ?? {}).some((r) => r.status === 'loading')

  /** Open or close a folder (listed, in the runs that have it, the first time). */
  function toggle(entry: CompareEntry) {
    if (open.value.includes(entry.path)) return void (open.value = open.value.filter((p) => p !== entry.path))
    open.value = [...open.value, entry.path]
    if (!folders.value[entry.path]) void loadFolder(entry.path, [...entry.sizes.keys()])
  }

  /** Show a file: its preview from every run that has it. */
  async function select(entry: CompareEntry) {
    selected.value = entry.path
    for (const a of artifactAncestors(entry.path)) if (!open.value.includes(a)) open.value = [...open.value, a]
    previewing.abort()
    const ids = runIds.value.filter((id) => entry.sizes.has(id))
    const next: Record<string, RunRead<ArtifactPreview>> = Object.fromEntries(ids.map((id) => [id, { status: 'loading', value: null, error: null }]))
    previews.value = next
    const set = (id: string, r: RunRead<ArtifactPreview>) => (previews.value = { ...previews.value, [id]: r })
    await eachAtMost(ids, AT_ONCE, (id) =>
      previewing
        .follow((signal) => api.call('artifacts:preview', { run_id: id, path: entry.path, max_bytes: COMPARE_PREVIEW_BYTES }, { signal }), {
          apply: (p) => set(id, { status: 'ready', value: p, error: null }),
          fail: (e) => set(id, { status: 'error', value: null, error: e }),
        })
        .then(() => undefined),
    )
  }

  const selectedEntry = computed(() => {
    const path = selected.value
    if (!path) return null
    return entriesOf(artifactParent(path), 0).find((e) => e.path === path) ?? null
  })

  return { rows, files, open, selected, selectedEntry, previews, rootLoading, rootErrors, folderLoading, toggle, select, reload: reset }
}
