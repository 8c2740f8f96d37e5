import { computed, ref, watch, type Ref } from 'vue'
import type { Run } from '@shared/domain/mlflow'
import { parseFieldId } from '@/utils/runKeys'
import { GROUP_KEY_PREFIX, buildRunRows, runKeysUnder, visibleRows, type GroupBy, type RunRow } from '@/utils/runTree'

/**
 * The table's rows from the loaded runs, and which of them are open and
 * ticked. Groups start open and nested runs closed; ticking a group ticks its
 * runs (the selection itself holds run ids only).
 */
export function useRunRows(input: {
  runs: Ref<Run[]>
  nested: Ref<boolean>
  groupBy: Ref<string | null>
  checked: Ref<string[]>
  setChecked: (ids: string[]) => void
}) {
  const group = computed<GroupBy | null>(() => {
    const ref = input.groupBy.value ? parseFieldId(input.groupBy.value) : null
    return ref && (ref.entity === 'params' || ref.entity === 'tags') ? { entity: ref.entity, key: ref.key } : null
  })
  const rows = computed<RunRow[]>(() => buildRunRows(input.runs.value, { nest: input.nested.value, groupBy: group.value }))
  const groups = computed(() => rows.value.filter((r) => r.group))

  const collapsedGroups = ref(new Set<string>())
  const openRuns = ref<string[]>([])
  watch(group, () => (collapsedGroups.value = new Set()))

  const expandedKeys = computed<string[]>({
    get: () => [...groups.value.map((g) => g.key).filter((k) => !collapsedGroups.value.has(k)), ...openRuns.value],
    set: (keys) => {
      const open = new Set(keys)
      collapsedGroups.value = new Set(groups.value.map((g) => g.key).filter((k) => !open.has(k)))
      openRuns.value = keys.filter((k) => !k.startsWith(GROUP_KEY_PREFIX))
    },
  })

  const shownRows = computed(() => visibleRows(rows.value, new Set(expandedKeys.value)))

  const members = computed(() => new Map(groups.value.map((g) => [g.key, runKeysUnder(g)])))
  const checkedKeys = computed<string[]>({
    get: () => {
      const ticked = new Set(input.checked.value)
      const full = [...members.value].filter(([, ids]) => ids.length && ids.every((id) => ticked.has(id))).map(([k]) => k)
      return [...input.checked.value, ...full]
    },
    set: (keys) => {
      const before = new Set(checkedKeys.value)
      const after = new Set(keys)
      const ids = new Set(keys.filter((k) => !k.startsWith(GROUP_KEY_PREFIX)))
      for (const [key, runIds] of members.value) {
        if (after.has(key) && !before.has(key)) runIds.forEach((id) => ids.add(id))
        if (!after.has(key) && before.has(key)) runIds.forEach((id) => ids.delete(id))
      }
      input.setChecked([...ids])
    },
  })

  return { rows, shownRows, expandedKeys, checkedKeys }
}
