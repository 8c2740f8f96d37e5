import { computed, type Ref } from 'vue'
import type { Run, RunColumns } from '@shared/domain/mlflow'
import { SELECTION_WIDTH, columnWidth, fitColumns, keyCounts } from '@/utils/columnFit'
import { defaultAttributeColumns, type RunTablePrefs } from '@/utils/runTablePrefs'

/**
 * Which columns the runs table shows: the user's own set when they chose one
 * (chooser, preset), else name, status, start, duration and the most common
 * metrics then params that fit the table's width; narrowed to metrics or
 * params when the user asks for only those (filling the width with more of them).
 */
export function useRunTableLayout(input: {
  prefs: Ref<RunTablePrefs>
  /** The table's width in px (0 before it is measured). */
  width: Ref<number>
  columns: Ref<RunColumns | null>
  runs: Ref<Run[]>
  severalExperiments: Ref<boolean>
}) {
  const counts = computed(() => keyCounts(input.columns.value, input.runs.value))
  /** Each remembered setting, as a model the toolbar binds. */
  const setting = <K extends 'density' | 'focus' | 'pinned' | 'presets'>(k: K) =>
    computed<RunTablePrefs[K]>({ get: () => input.prefs.value[k], set: (v) => (input.prefs.value[k] = v) })
  const density = setting('density')
  const focus = setting('focus')
  const pinnedIds = setting('pinned')
  const presets = setting('presets')
  const widthOf = (id: string) => input.prefs.value.widths[id] ?? columnWidth(id, density.value)
  const sum = (ids: readonly string[]) => ids.reduce((n, id) => n + widthOf(id), SELECTION_WIDTH)
  /** Before the table is measured, fit a common laptop window rather than nothing. */
  const available = computed(() => input.width.value || 1200)

  const fitted = computed(() => {
    const attrs = defaultAttributeColumns(input.severalExperiments.value)
    return [...attrs, ...fitColumns({ available: available.value, taken: sum(attrs), counts: counts.value, widthOf })]
  })

  /** The user's column set (what the chooser edits); the fitted one until they choose. */
  const visible = computed<string[]>({
    get: () => input.prefs.value.columns ?? fitted.value,
    set: (ids) => (input.prefs.value.columns = ids),
  })
  const userChose = computed(() => input.prefs.value.columns !== null)

  /** Only metrics (or params): the run name, pinned columns, the chosen ones of that kind, then more of that kind to fill the width. */
  const shownFocus = computed<string[]>(() => {
    const focus = input.prefs.value.focus
    if (!focus) return []
    const keep = ['attributes.run_name', ...input.prefs.value.pinned.filter((id) => visible.value.includes(id))]
    const chosen = visible.value.filter((id) => id.startsWith(`${focus}.`) && !keep.includes(id))
    const base = [...keep, ...chosen]
    const more = fitColumns({ available: available.value, taken: sum(base), counts: counts.value, entities: [focus], shown: chosen, widthOf })
    return [...base, ...more]
  })

  /** The ids the table draws. */
  const shown = computed(() => (input.prefs.value.focus ? shownFocus.value : visible.value))

  /** Pinned columns among those drawn. */
  const pinned = computed(() => input.prefs.value.pinned.filter((id) => shown.value.includes(id)))

  return { visible, shown, pinned, userChose, counts, density, focus, pinnedIds, presets }
}
