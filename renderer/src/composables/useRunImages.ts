import { computed, shallowRef, watch, type Ref } from 'vue'
import type { ArtifactFile } from '@shared/domain/artifacts'
import { api } from '@/api'
import { useLatestRequest } from './useLatestRequest'
import { otherImages, stepImagesByKey } from '@/utils/loggedImages'

/** Folders listed at most when looking for images (a model's folder can hold thousands of files). */
export const MAX_IMAGE_FOLDERS = 60
/** Folders listed at once. */
const PARALLEL = 4

/**
 * The run's images: the ones it logged per step (`images/`, see loggedImages) and
 * every other image file in its artifacts, found by listing folders breadth-first
 * through artifacts:list — at most MAX_IMAGE_FOLDERS of them (`truncated` says so).
 */
export function useRunImages(runId: Ref<string>) {
  const read = useLatestRequest<{ files: ArtifactFile[]; truncated: boolean }>()
  const files = shallowRef<ArtifactFile[]>([])

  async function walk(id: string, signal: AbortSignal): Promise<{ files: ArtifactFile[]; truncated: boolean }> {
    const out: ArtifactFile[] = []
    let queue = ['']
    let listed = 0
    while (queue.length && listed < MAX_IMAGE_FOLDERS) {
      const level = queue.slice(0, MAX_IMAGE_FOLDERS - listed)
      const rest = queue.slice(level.length)
      const next: string[] = []
      for (let i = 0; i < level.length; i += PARALLEL) {
        const answers = await Promise.all(level.slice(i, i + PARALLEL).map((path) => api.call('artifacts:list', { run_id: id, path }, { signal })))
        for (const a of answers) {
          for (const f of a.files) {
            if (f.is_dir) next.push(f.path)
            else out.push(f)
          }
        }
      }
      listed += level.length
      queue = [...rest, ...next]
    }
    return { files: out, truncated: queue.length > 0 }
  }

  function load() {
    const id = runId.value
    void read.run((signal) => walk(id, signal), { apply: (r) => (files.value = r.files) })
  }
  watch(runId, load, { immediate: true })

  const stepImages = computed(() => stepImagesByKey(files.value.filter((f) => f.path.startsWith('images/') && !f.path.slice(7).includes('/'))))
  const others = computed(() => otherImages(files.value))
  const truncated = computed(() => read.data.value?.truncated ?? false)
  const loading = computed(() => read.loading.value)
  return { stepImages, others, truncated, loading, error: read.error, load }
}
