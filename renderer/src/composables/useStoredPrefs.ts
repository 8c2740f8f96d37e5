import { onScopeDispose, ref, watch, type Ref } from 'vue'

/**
 * A page's remembered layout under a localStorage key that follows what is shown
 * (a store and experiment set): loaded when the key changes, written back a
 * moment after the last change (so a drag is one write), and written at once
 * when the page goes.
 */
export function useStoredPrefs<T>(
  keyOf: () => string,
  load: (storage: Storage, key: string) => T,
  save: (storage: Storage, key: string, value: T) => void,
  sources: Array<() => unknown>,
): { prefs: Ref<T>; flush: () => void } {
  const prefs = ref(load(localStorage, keyOf())) as Ref<T>
  let loadedFor = keyOf()
  let timer: ReturnType<typeof setTimeout> | undefined

  watch(sources, () => {
    const k = keyOf()
    if (k === loadedFor) return
    flush()
    loadedFor = k
    prefs.value = load(localStorage, k)
  })

  function flush() {
    if (timer === undefined) return
    clearTimeout(timer)
    timer = undefined
    save(localStorage, loadedFor, prefs.value)
  }

  watch(
    prefs,
    () => {
      clearTimeout(timer)
      timer = setTimeout(() => {
        timer = undefined
        save(localStorage, loadedFor, prefs.value)
      }, 300)
    },
    { deep: true },
  )

  // A reload or a closed window does not unmount: write what is pending as the page goes.
  window.addEventListener('pagehide', flush)
  onScopeDispose(() => {
    window.removeEventListener('pagehide', flush)
    flush()
  })
  return { prefs, flush }
}
