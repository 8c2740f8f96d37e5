import { computed, type Ref } from 'vue'
import { useProfilesStore } from '@/stores/profiles'
import { layoutKey, loadLayout, saveLayout, type ChartLayout } from '@/utils/chartLayout'
import { useStoredPrefs } from './useStoredPrefs'

/**
 * A run's charts as its experiment's chart view arranged them: the same stored
 * layout (pins, order, each chart's settings, the run's colour), so a chart set
 * up there looks the same here and a change here shows there. Runs hidden there
 * are not hidden here: this page is about one run.
 */
/** One empty list for every read, so the charts see no change in it. */
const NO_HIDDEN_RUNS: string[] = []

export function useRunChartLayout(experimentId: Ref<string>) {
  const profiles = useProfilesStore()
  const { prefs } = useStoredPrefs(() => layoutKey(profiles.activeId, [experimentId.value]), loadLayout, saveLayout, [
    () => profiles.activeId,
    () => experimentId.value,
  ])
  const layout = computed<ChartLayout>({
    get: () => ({ ...prefs.value, hiddenRuns: NO_HIDDEN_RUNS }),
    set: (next) => (prefs.value = { ...next, hiddenRuns: prefs.value.hiddenRuns }),
  })
  return { layout }
}
