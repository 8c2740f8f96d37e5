import { onBeforeUnmount, ref, watch, type Ref } from 'vue'
import { loadPrefs, prefsKey, savePrefs, type RunTablePrefs } from '@/utils/runTablePrefs'

/**
 * The runs table's layout for this store and experiment set, loaded when
 * either changes and written back (a moment after the last change, so a
 * column drag is one write).
 */
export function useRunTablePrefs(profileId: Ref<string | null>, experimentIds: Ref<string[]>) {
  const key = () => prefsKey(profileId.value, experimentIds.value)
  const prefs = ref<RunTablePrefs>(loadPrefs(localStorage, key()))
  let loadedFor = key()
  let timer: ReturnType<typeof setTimeout> | undefined

  watch([profileId, () => experimentIds.value.join(',')], () => {
    const k = key()
    if (k === loadedFor) return
    flush()
    loadedFor = k
    prefs.value = loadPrefs(localStorage, k)
  })

  function flush() {
    if (timer === undefined) return
    clearTimeout(timer)
    timer = undefined
    savePrefs(localStorage, loadedFor, prefs.value)
  }

  watch(
    prefs,
    () => {
      clearTimeout(timer)
      timer = setTimeout(() => {
        timer = undefined
        savePrefs(localStorage, loadedFor, prefs.value)
      }, 300)
    },
    { deep: true },
  )

  // A reload or a closed window does not unmount: write what is pending as the page goes.
  window.addEventListener('pagehide', flush)
  onBeforeUnmount(() => {
    window.removeEventListener('pagehide', flush)
    flush()
  })
  return { prefs, flush }
}
