import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ExperimentWithStats } from '@shared/api/contract'
import type { ViewType } from '@shared/domain/mlflow'
import { api } from '@/api'
import { useLatestRequest } from '@/composables/useLatestRequest'

/** The experiments list of the connected store, with its view and name filter. */
export const useExperimentsStore = defineStore('experiments', () => {
  const items = ref<ExperimentWithStats[]>([])
  const view = ref<ViewType>('active')
  const filter = ref('')
  const loaded = ref(false)
  const list = useLatestRequest()

  /** By name, id, or a user tag ("team: core", or just "core"). */
  const filtered = computed(() => {
    const q = filter.value.trim().toLowerCase()
    if (!q) return items.value
    const tagged = (e: ExperimentWithStats) => e.tags.some((t) => !t.key.startsWith('mlflow.') && `${t.key}: ${t.value}`.toLowerCase().includes(q))
    return items.value.filter((e) => e.name.toLowerCase().includes(q) || e.experiment_id === q || tagged(e))
  })

  async function load() {
    await list.run((signal) => api.call('experiments:list', { view: view.value }, { signal }), {
      apply: (res) => {
        items.value = res.experiments
        loaded.value = true
      },
    })
  }

  /** Another store is shown: drop this one's list (and abort any answer still on its way). */
  function reset() {
    list.reset()
    items.value = []
    filter.value = ''
    loaded.value = false
  }

  function byId(id: string): ExperimentWithStats | undefined {
    return items.value.find((e) => e.experiment_id === id)
  }

  return { items, view, filter, filtered, loading: list.loading, loaded, error: list.error, load, abort: list.abort, reset, byId }
})

if (import.meta.hot) import.meta.hot.accept()
