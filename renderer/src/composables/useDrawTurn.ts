import { onBeforeUnmount, ref, watch, type Ref } from 'vue'

/**
 * When a chart near the screen may draw: at once when it is on screen, otherwise
 * in the browser's idle time, a few per idle period, so a grid that mounts or
 * scrolls in many cards at once keeps painting frames while it draws them.
 */
type Turn = () => void
const queue = new Set<Turn>()
let scheduled = false
/** Leave this much of an idle period for the browser's own work. */
const SPARE_MS = 4

const idle: (cb: (deadline: { timeRemaining(): number }) => void) => void =
  typeof requestIdleCallback === 'function' ? (cb) => requestIdleCallback(cb, { timeout: 500 }) : (cb) => setTimeout(() => cb({ timeRemaining: () => 8 }), 16)

function schedule() {
  if (scheduled || !queue.size) return
  scheduled = true
  idle((deadline) => {
    scheduled = false
    // At least one per period, so a busy page still gets through its queue.
    do {
      const next = queue.values().next().value
      if (!next) break
      queue.delete(next)
      next()
    } while (deadline.timeRemaining() > SPARE_MS)
    schedule()
  })
}

/** True once the chart may draw: `onScreen` now, or `wanted` (near the screen) at its turn; false again once no longer wanted. */
export function useDrawTurn(onScreen: Ref<boolean>, wanted: Ref<boolean>): Ref<boolean> {
  const may = ref(onScreen.value)
  const turn: Turn = () => (may.value = true)
  watch(
    [onScreen, wanted],
    ([visible, near]) => {
      if (visible) {
        queue.delete(turn)
        may.value = true
      } else if (!near) {
        queue.delete(turn)
        may.value = false
      } else if (!may.value) {
        queue.add(turn)
        schedule()
      }
    },
    { immediate: true },
  )
  onBeforeUnmount(() => queue.delete(turn))
  return may
}
