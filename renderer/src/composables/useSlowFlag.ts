import { onScopeDispose, ref, watch, type Ref } from 'vue'

/**
 * True once `busy` has stayed true for `afterMs` (a read that is taking long enough to say so and
 * offer a quicker way), false again as soon as it ends.
 */
export function useSlowFlag(busy: Ref<boolean>, afterMs: number): Ref<boolean> {
  const slow = ref(false)
  let timer: ReturnType<typeof setTimeout> | undefined
  const stop = () => clearTimeout(timer)
  watch(
    busy,
    (b) => {
      stop()
      slow.value = false
      if (b) timer = setTimeout(() => (slow.value = true), afterMs)
    },
    { immediate: true },
  )
  onScopeDispose(stop)
  return slow
}
