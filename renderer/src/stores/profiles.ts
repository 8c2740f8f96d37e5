import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ChannelRequest } from '@shared/api/contract'
import type { ConnectionTestResult, ProfileView } from '@shared/domain/profiles'
import { AppError } from '@shared/api/errors'
import { api } from '@/api'
import { useLatestRequest } from '@/composables/useLatestRequest'
import { useSessionStore } from './session'
import { useExperimentsStore } from './experiments'
import { useRunsStore } from './runs'
import { useRunDetailStore } from './runDetail'
import { useModelsStore } from './models'
import { usePromptsStore } from './prompts'
import { useTracesStore } from './traces'
import { forget, recall } from '@/utils/profileMemory'
import { envOf } from '@/utils/environments'

/**
 * Connection profiles: the list, which one this window shows, and switching.
 * Holds "set / not set" for secrets, never a secret.
 */
export const useProfilesStore = defineStore('profiles', () => {
  const profiles = ref<ProfileView[]>([])
  const activeId = ref<string | null>(null)
  const secretStorage = ref<string | null>(null)
  const secretStorageWarning = ref<string | null>(null)
  const list = useLatestRequest()
  const { loading, error } = list
  const loaded = ref(false)
  /** The profile being switched to, while the switch runs. */
  const switching = ref<string | null>(null)
  /** Bumped at every switch: views keyed on it start afresh on the new store. */
  const generation = ref(0)

  const active = computed(() => profiles.value.find((p) => p.id === activeId.value) ?? null)
  /** MLFLOW_TRACKING_URI, when the app was started with one. */
  const envProfile = computed(() => profiles.value.find((p) => p.kind === 'env') ?? null)
  const saved = computed(() => profiles.value.filter((p) => p.kind === 'saved'))
  /** The environment this window shows; falls back to the session's when the list is not in yet. */
  const activeEnv = computed(() => (active.value ? envOf(active.value) : (useSessionStore().description?.connection.environment ?? null)))
  const activeName = computed(() => active.value?.name ?? useSessionStore().description?.connection.name ?? '')

  async function load() {
    await list.run((signal) => api.call('profiles:list', {}, { signal }), {
      apply: (res) => {
        profiles.value = res.profiles
        activeId.value = res.active_id
        secretStorage.value = res.secret_storage
        secretStorageWarning.value = res.secret_storage_warning
        loaded.value = true
      },
    })
  }

  /** Forget the previous store's data so nothing of it shows on the next one; bring back the new one's view. */
  function resetStoreData(remount = true) {
    const experiments = useExperimentsStore()
    experiments.reset()
    experiments.view = (activeId.value && recall(activeId.value).experimentsView) || 'active'
    useRunsStore().reset()
    useRunDetailStore().reset()
    useModelsStore().reset()
    usePromptsStore().reset()
    useTracesStore().reset()
    if (remount) generation.value++
  }

  /**
   * Show another profile in this window, without a restart. The session
   * reflects the new store (or why it cannot be reached); the experiments and
   * runs of the previous one are dropped. Throws only when the profile is gone.
   */
  async function switchTo(id: string) {
    const session = useSessionStore()
    switching.value = id
    try {
      const res = await api.call('profiles:switch', { id })
      activeId.value = res.active_id
      if (res.description) session.setDescription(res.description)
      else session.setError(AppError.fromPayload(res.error ?? { code: 'INTERNAL', message: 'The store did not answer.' }))
    } finally {
      switching.value = null
      resetStoreData()
    }
  }

  /** The n-th profile of the list (0-based), as Ctrl/Cmd+1..9 picks it. */
  function nth(n: number): ProfileView | null {
    return profiles.value[n] ?? null
  }

  async function save(request: ChannelRequest<'profiles:save'>): Promise<ProfileView> {
    const { profile } = await api.call('profiles:save', request)
    await load()
    // The active profile's settings changed (main has closed its store): show the store as it is now.
    if (profile.id === activeId.value) {
      resetStoreData(false)
      await useSessionStore().load()
    }
    return profile
  }

  async function remove(id: string) {
    const wasActive = id === activeId.value
    await api.call('profiles:remove', { id })
    forget(id)
    await load()
    if (wasActive) {
      resetStoreData()
      await useSessionStore().load()
    }
  }

  function test(request: ChannelRequest<'profiles:test'>): Promise<ConnectionTestResult> {
    return api.call('profiles:test', request)
  }

  async function trustHostKey(id: string, fingerprint: string): Promise<ProfileView> {
    const { profile } = await api.call('profiles:trust-host-key', { id, fingerprint })
    await load()
    return profile
  }

  /** Open a profile in another window. Over HTTP that is a new tab at the URL main gives. */
  async function openInNewWindow(id: string): Promise<void> {
    const { url } = await api.call('windows:open', { profile_id: id })
    if (url) window.open(url, '_blank', 'noopener')
  }

  async function importFile(json: string) {
    const res = await api.call('profiles:import', { json })
    await load()
    return res
  }

  async function importService(name: string): Promise<ProfileView> {
    const { profile } = await api.call('profiles:import-service', { name })
    await load()
    return profile
  }

  function parseUrl(url: string) {
    return api.call('profiles:parse-url', { url })
  }

  function services() {
    return api.call('profiles:services', {})
  }

  async function exportFile(ids?: string[]): Promise<string> {
    return (await api.call('profiles:export', ids ? { ids } : {})).json
  }

  return {
    profiles,
    activeId,
    secretStorage,
    secretStorageWarning,
    loading,
    loaded,
    error,
    switching,
    generation,
    active,
    envProfile,
    saved,
    activeEnv,
    activeName,
    load,
    switchTo,
    nth,
    save,
    remove,
    test,
    trustHostKey,
    openInNewWindow,
    importFile,
    importService,
    exportFile,
    parseUrl,
    services,
  }
})

if (import.meta.hot) import.meta.hot.accept()
