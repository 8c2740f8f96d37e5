import type { Ref } from 'vue'
import { loadPrefs, prefsKey, savePrefs } from '@/utils/runTablePrefs'
import { useStoredPrefs } from './useStoredPrefs'

/** The runs table's layout for this store and experiment set (see useStoredPrefs). */
export function useRunTablePrefs(profileId: Ref<string | null>, experimentIds: Ref<string[]>) {
  return useStoredPrefs(() => prefsKey(profileId.value, experimentIds.value), loadPrefs, savePrefs, [
    () => profileId.value,
    () => experimentIds.value.join(','),
  ])
}
