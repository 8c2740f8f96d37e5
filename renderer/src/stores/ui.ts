import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { useOsTheme } from 'naive-ui'

export type ThemePreference = 'system' | 'light' | 'dark'
const KEY = 'mlflow-desk:theme'
const SYNC_ZOOM_KEY = 'mlflow-desk:sync-zoom'

/** Light/dark theme: follows the OS unless the user picks one; remembered. */
export const useUiStore = defineStore('ui', () => {
  const os = useOsTheme()
  const stored = localStorage.getItem(KEY)
  const preference = ref<ThemePreference>(stored === 'light' || stored === 'dark' ? stored : 'system')
  const dark = computed(() => (preference.value === 'system' ? os.value === 'dark' : preference.value === 'dark'))
  watch(preference, (p) => localStorage.setItem(KEY, p))
  function toggleTheme() {
    preference.value = dark.value ? 'light' : 'dark'
  }
  const shortcutsOpen = ref(false)
  /** Whether zooming one chart of a grid (Compare, the chart view) zooms the others on the same x axis; remembered. */
  const syncZoom = ref(localStorage.getItem(SYNC_ZOOM_KEY) === 'true')
  watch(syncZoom, (on) => localStorage.setItem(SYNC_ZOOM_KEY, String(on)))
  return { preference, dark, toggleTheme, shortcutsOpen, syncZoom }
})

if (import.meta.hot) import.meta.hot.accept()
