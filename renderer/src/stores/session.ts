import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppInfo, SessionDescription } from '@shared/api/contract'
import { api } from '@/api'
import { useLatestRequest } from '@/composables/useLatestRequest'

/** The connected store: which connection, which server, which MLflow schema. */
export const useSessionStore = defineStore('session', () => {
  const description = ref<SessionDescription | null>(null)
  const app = ref<AppInfo | null>(null)
  const describe = useLatestRequest()
  const { loading, error } = describe
  /** False until startup is done (a window opened for a profile has switched to it): views wait for it. */
  const ready = ref(false)

  async function load() {
    await describe.run(
      (signal) => Promise.all([app.value ? Promise.resolve(app.value) : api.call('app:info', {}, { signal }), api.call('session:describe', {}, { signal })]),
      {
        apply: ([info, desc]) => {
          app.value = info
          description.value = desc
        },
        fail: (e) => {
          error.value = e
          description.value = null
        },
      },
    )
    // The app's own facts (version, transport) do not depend on the store: show them even when it fails.
    if (!app.value) app.value = await api.call('app:info', {}).catch(() => null)
  }

  /** A switch answered with the new store's description. */
  function setDescription(d: SessionDescription) {
    describe.reset()
    description.value = d
  }

  /** A switch landed on a store that does not answer. */
  function setError(e: unknown) {
    describe.reset()
    description.value = null
    error.value = e
  }

  function markReady() {
    ready.value = true
  }

  return { description, app, loading, error, ready, load, setDescription, setError, markReady }
})

if (import.meta.hot) import.meta.hot.accept()
