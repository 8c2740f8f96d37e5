import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ExperimentWithStats } from '@shared/api/contract'
import type { ViewType } from '@shared/domain/mlflow'
import { api } from '@/api'

/** The experiments list of the connected store, with its view and name filter. */
export const useExperimentsStore = defineStore('experiments', () => {
  const items = ref<ExperimentWithStats[]>([])
  const view = ref<ViewType>('active')
  const filter = ref('')
  const loading = ref(false)
  const loaded = ref(false)
  const error = ref<unknown>(null)
  let seq = 0

  /** By name, id, or a user tag ("team: core", or just "core"). */
  const filtered = computed(() => {
    const q = filter.value.trim().toLowerCase()
    if (!q) return items.value
    const tagged = (e: ExperimentWithStats) => e.tags.some((t) => !t.key.startsWith('mlflow.') && `${t.key}: ${t.value}`.toLowerCase().includes(q))
    return items.value.filter((e) => e.name.toLowerCase().includes(q) || e.experiment_id === q || tagged(e))
  })

  async function load() {
    const mine = ++seq
    loading.value = true
    error.value = null
    try {
      const res = await api.call('experiments:list', { view: view.value })
      if (mine !== seq) return
      items.value = res.experiments
      loaded.value = true
    } catch (e) {
      if (mine === seq) error.value = e
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  /** Another store is shown: drop this one's list (and any answer still on its way). */
  function reset() {
    seq++
    items.value = []
    filter.value = ''
    loaded.value = false
    loading.value = false
    error.value = null
  }

  function byId(id: string): ExperimentWithStats | undefined {
    return items.value.find((e) => e.experiment_id === id)
  }

  return { items, view, filter, filtered, loading, loaded, error, load, reset, byId }
})

if (import.meta.hot) import.meta.hot.accept()
