import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppInfo, SessionDescription } from '@shared/api/contract'
import { api } from '@/api'

/** The connected store: which connection, which server, which MLflow schema. */
export const useSessionStore = defineStore('session', () => {
  const description = ref<SessionDescription | null>(null)
  const app = ref<AppInfo | null>(null)
  const loading = ref(false)
  const error = ref<unknown>(null)

  async function load() {
    loading.value = true
    error.value = null
    try {
      const [info, desc] = await Promise.all([api.call('app:info', {}), api.call('session:describe', {})])
      app.value = info
      description.value = desc
    } catch (e) {
      error.value = e
    } finally {
      loading.value = false
    }
  }

  return { description, app, loading, error, load }
})

if (import.meta.hot) import.meta.hot.accept()
