import { computed, onMounted, type ComputedRef } from 'vue'
import { useExperimentsStore } from '@/stores/experiments'

/** An experiment page's title: the experiment's name (read once the list is loaded), or "N experiments". */
export function useExperimentTitle(ids: () => readonly string[]): ComputedRef<string> {
  const experiments = useExperimentsStore()
  onMounted(() => {
    if (!experiments.loaded) void experiments.load()
  })
  return computed(() => {
    const list = ids()
    return list.length === 1 ? (experiments.byId(list[0])?.name ?? `Experiment ${list[0]}`) : `${list.length} experiments`
  })
}
