import { useRouter } from 'vue-router'
import { useMessage } from 'naive-ui'
import { useProfilesStore } from '@/stores/profiles'
import { useSessionStore } from '@/stores/session'
import { errorHelp } from '@/utils/errorHelp'
import { recall } from '@/utils/profileMemory'

/**
 * Switching this window to another profile, as the user sees it: the stores
 * start afresh and the window returns to where the user last was in that
 * profile (its experiment, its experiments view). Needs naive-ui's message
 * provider above the calling component.
 */
export function useProfileSwitch() {
  const profiles = useProfilesStore()
  const session = useSessionStore()
  const router = useRouter()
  const message = useMessage()

  async function switchTo(id: string): Promise<boolean> {
    if (profiles.switching) return false
    if (id === profiles.activeId && !session.error) {
      if (router.currentRoute.value.path === '/connections') await router.push(recall(id).route ?? '/experiments')
      return true
    }
    try {
      await profiles.switchTo(id)
    } catch (e) {
      const h = errorHelp(e)
      message.error(`${h.title}: ${h.message}`)
      return false
    }
    await router.push(recall(id).route ?? '/experiments')
    if (session.error) message.warning(`${profiles.activeName}: ${errorHelp(session.error).title}`)
    return true
  }

  /** Ctrl/Cmd+1..9: the n-th profile of the list (1-based). */
  async function switchToNth(n: number): Promise<void> {
    const p = profiles.nth(n - 1)
    if (p) await switchTo(p.id)
  }

  return { switchTo, switchToNth }
}
