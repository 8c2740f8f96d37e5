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
  /** False until startup is done (a window opened for a profile has switched to it): views wait for it. */
  const ready = ref(false)
  let seq = 0

  async function load() {
    const mine = ++seq
    loading.value = true
    error.value = null
    try {
      const [info, desc] = await Promise.all([app.value ? Promise.resolve(app.value) : api.call('app:info', {}), api.call('session:describe', {})])
      if (mine !== seq) return
      app.value = info
      description.value = desc
    } catch (e) {
      if (mine !== seq) return
      error.value = e
      description.value = null
      if (!app.value) app.value = await api.call('app:info', {}).catch(() => null)
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  /** A switch answered with the new store's description. */
  function setDescription(d: SessionDescription) {
    seq++
    description.value = d
    error.value = null
    loading.value = false
  }

  /** A switch landed on a store that does not answer. */
  function setError(e: unknown) {
    seq++
    description.value = null
    error.value = e
    loading.value = false
  }

  function markReady() {
    ready.value = true
  }

  return { description, app, loading, error, ready, load, setDescription, setError, markReady }
})

if (import.meta.hot) import.meta.hot.accept()
