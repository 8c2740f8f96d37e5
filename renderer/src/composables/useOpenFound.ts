import { useRouter } from 'vue-router'
import { useMessage } from 'naive-ui'
import type { FindHit } from '@shared/domain/find'
import { api } from '@/api'
import { useFindStore } from '@/stores/find'
import type { RecentItem } from '@/utils/findRecents'
import { errorHelp } from '@/utils/errorHelp'

/** Open what "find anything" found (a hit, or an id or URI to resolve first), remembering it among the recents. */
export function useOpenFound() {
  const router = useRouter()
  const message = useMessage()
  const find = useFindStore()

  async function openHit(hit: FindHit | RecentItem, how: 'push' | 'replace' = 'push'): Promise<void> {
    find.remember(hit)
    find.paletteOpen = false
    await (how === 'push' ? router.push(hit.route) : router.replace(hit.route))
    // Where it opened is not its own page (a trace, a logged model): say so.
    if (hit.note) message.info(hit.note, { duration: 6000 })
  }

  /** Resolve an id or URI and open it; false (and a message saying why) when it names nothing here. */
  async function openText(text: string, how: 'push' | 'replace' = 'push'): Promise<boolean> {
    try {
      const { hit } = await api.call('find:resolve', { text })
      await openHit(hit, how)
      return true
    } catch (e) {
      const h = errorHelp(e)
      message.error(`${h.title}: ${h.message}`, { duration: 6000 })
      return false
    }
  }

  return { openHit, openText }
}
