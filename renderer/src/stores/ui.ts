import { defineStore } from 'pinia'
import { computed, ref, watch } from 'vue'
import { useOsTheme } from 'naive-ui'

export type ThemePreference = 'system' | 'light' | 'dark'
const KEY = 'mlflow-desk:theme'

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
  return { preference, dark, toggleTheme, shortcutsOpen }
})

if (import.meta.hot) import.meta.hot.accept()
