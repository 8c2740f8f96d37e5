import { useRoute } from 'vue-router'
import { useMessage } from 'naive-ui'
import { runIdFilter } from '@shared/find/findRef'
import { api } from '@/api'
import { useOpenFound } from './useOpenFound'

/**
 * A run id (runs:/ URI, run link) pasted into a runs filter: the filter that finds that run here,
 * or — when the run belongs to an experiment this page does not show — the run opened instead,
 * saying where it is (a filter would find nothing).
 */
export function usePastedRunFilter() {
  const route = useRoute()
  const message = useMessage()
  const { openHit } = useOpenFound()

  /** The filter to search with; null when the text is no run reference, or the run was opened instead. */
  async function filterFor(text: string): Promise<string | null> {
    const filter = runIdFilter(text)
    if (!filter) return null
    const shown = String(route.params.ids ?? '').split(',')
    const hit = await api.call('find:resolve', { text }).then(
      (r) => r.hit,
      // Not found, or the store is away: the filter says so as any other search would.
      () => null,
    )
    if (hit?.kind !== 'run' || hit.experiment_id === null || shown.includes(hit.experiment_id)) return filter
    await openHit(hit)
    message.info(`That run is in another experiment (${hit.detail ?? hit.experiment_id}): opened it.`, { duration: 6000 })
    return null
  }

  return { filterFor }
}
