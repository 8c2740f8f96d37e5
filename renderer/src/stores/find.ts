import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import type { FindHit } from '@shared/domain/find'
import { useProfilesStore } from './profiles'
import { addRecent, loadRecents, saveRecents, type RecentItem } from '@/utils/findRecents'

const storage = () => (typeof localStorage === 'undefined' ? null : localStorage)

/** "Find anything": whether the palette is open, and what was opened lately in this profile. */
export const useFindStore = defineStore('find', () => {
  const profiles = useProfilesStore()
  const paletteOpen = ref(false)
  const recents = ref<RecentItem[]>(loadRecents(storage(), profiles.activeId))

  // Another profile, its own recents.
  watch(
    () => profiles.activeId,
    (id) => (recents.value = loadRecents(storage(), id)),
  )

  function remember(hit: FindHit | RecentItem) {
    recents.value = addRecent(recents.value, hit)
    saveRecents(storage(), profiles.activeId, recents.value)
  }

  function clearRecents() {
    recents.value = []
    saveRecents(storage(), profiles.activeId, [])
  }

  return { paletteOpen, recents, remember, clearRecents }
})

if (import.meta.hot) import.meta.hot.accept()
