import { onScopeDispose, ref, watch, type Ref } from 'vue'

/** How long a finished shelf stays open: long enough to read "done" and where it went. */
export const AUTO_COLLAPSE_MS = 4000

/**
 * A panel of jobs that folds itself a moment after the last one finishes and opens again when a
 * job starts (a new one, or a resumed one). The user's own toggle wins until the next start.
 */
export function useAutoCollapse(running: Ref<number>, ids: Ref<readonly string[]>, delayMs = AUTO_COLLAPSE_MS) {
  const collapsed = ref(false)
  let timer: ReturnType<typeof setTimeout> | undefined
  const stop = () => clearTimeout(timer)

  watch(running, (now, before) => {
    stop()
    if (now > before) collapsed.value = false
    else if (now === 0 && ids.value.length) timer = setTimeout(() => (collapsed.value = true), delayMs)
  })
  watch(ids, (now, before) => {
    if (now.some((id) => !before.includes(id))) {
      stop()
      collapsed.value = false
    }
  })
  onScopeDispose(stop)

  function toggle(): void {
    stop()
    collapsed.value = !collapsed.value
  }
  return { collapsed, toggle }
}
