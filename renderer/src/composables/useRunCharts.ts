import { computed, h, ref, watch, type Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'
import type { DataTableColumn } from 'naive-ui'
import type { Run } from '@shared/domain/mlflow'
import RunChartCell from '@/components/charts/RunChartCell.vue'
import { chartKeysOf, layoutKey, loadLayout, runColorsOf, saveLayout } from '@/utils/chartLayout'
import { readChartViewQuery, writeChartViewQuery, type ChartViewQuery, type RunsPane } from '@/utils/chartViewQuery'
import { runLabel } from '@/utils/compareModel'
import { runKeysUnder, type RunRow } from '@/utils/runTree'
import { useStoredPrefs } from './useStoredPrefs'
import { useChartSeries } from './useChartSeries'

/** The width of the table's Chart column (the table's scroll width grows by it in the chart view). */
export const CHART_COLUMN_WIDTH = 76

/**
 * The runs page's chart view, beside its table: which pane shows (in the link),
 * the runs it charts (the table's first N as the table orders and groups them),
 * their metric keys, colours and hidden runs, and the column the table gets to
 * hide and colour runs. The layout is remembered per store and experiment set.
 */
export function useRunCharts(input: { rows: Ref<RunRow[]>; runs: Ref<Run[]>; profileId: Ref<string | null>; experimentIds: Ref<string[]> }) {
  const route = useRoute()
  const router = useRouter()
  const query = computed(() => readChartViewQuery(route.query))
  function update(change: Partial<ChartViewQuery>) {
    void router.replace({ query: writeChartViewQuery(route.query, { ...query.value, ...change }) })
  }
  const pane = computed<RunsPane>({
    get: () => query.value.pane,
    set: (pane) => {
      if (pane !== 'charts') return update({ pane })
      // The first screen's series asked for first, and the page rendered a task later: over HTTP a
      // request leaves only once the page's thread is free, and the grid's render takes a while.
      prefetchFirstScreen()
      setTimeout(() => update({ pane }))
    },
  })
  const runCount = computed<number>({ get: () => query.value.runCount, set: (n) => update({ runCount: n || query.value.runCount }) })
  const search = computed<string>({ get: () => query.value.search, set: (s) => update({ search: s ?? '' }) })

  const { prefs: layout } = useStoredPrefs(() => layoutKey(input.profileId.value, input.experimentIds.value), loadLayout, saveLayout, [
    () => input.profileId.value,
    () => input.experimentIds.value.join(','),
  ])

  /** The table's runs top to bottom as it orders, nests and groups them (closed rows too). */
  const orderedRuns = computed(() => {
    const byId = new Map(input.runs.value.map((r) => [r.info.run_id, r]))
    return input.rows.value.flatMap(runKeysUnder).map((id) => byId.get(id)!)
  })
  // The same array while the first N runs are the same ones (another page of the table loaded, say): the charts keep theirs.
  const chartRuns = computed<Run[]>((old) => {
    const next = orderedRuns.value.slice(0, runCount.value)
    return old && old.length === next.length && next.every((r, i) => r === old[i]) ? old : next
  })
  const chartRunIds = computed(() => chartRuns.value.map((r) => r.info.run_id))
  const charted = computed(() => new Set(chartRunIds.value))
  // Narrowed to what each reads: a pin, a drag or a setting replaces the layout, and must not
  // recolour (so redraw) every chart nor rebuild the table's column.
  const colors = computed(() => layout.value.colors)
  const hiddenRuns = computed(() => layout.value.hiddenRuns)
  const runColor = computed(() => runColorsOf(chartRunIds.value, colors.value))

  /** Every metric key the charted runs logged, and those each logged at step 0 only (bars by default). */
  const metricKeys = computed(() => chartKeysOf(chartRuns.value))

  /** The charted runs' series (the grid reads them through this). */
  const series = useChartSeries(chartRunIds)
  const prefetchFirstScreen = () => series.prefetchFirstScreen('runs', metricKeys.value, layout.value, search.value)
  // Opened by a link too: the first screen asked for as soon as the charted runs are known.
  watch([pane, metricKeys], ([p]) => p === 'charts' && prefetchFirstScreen(), { immediate: true, flush: 'sync' })

  /** The run whose line the pointer is on, highlighted in the table and in every chart. */
  const hovered = ref<string | null>(null)

  function toggleHidden(runId: string) {
    const h = layout.value.hiddenRuns
    layout.value = { ...layout.value, hiddenRuns: h.includes(runId) ? h.filter((id) => id !== runId) : [...h, runId] }
  }
  function setColor(runId: string, color: string | null) {
    const colors = { ...layout.value.colors }
    if (color) colors[runId] = color
    else delete colors[runId]
    layout.value = { ...layout.value, colors }
  }

  /** The table's first column in the chart view: shown or hidden, and the colour, of each charted run. */
  const column = computed<DataTableColumn<RunRow>>(() => {
    const hidden = new Set(hiddenRuns.value)
    const color = runColor.value
    const custom = colors.value
    return {
      key: 'chart',
      title: 'Chart',
      width: CHART_COLUMN_WIDTH,
      fixed: 'left',
      render: (row: RunRow) =>
        row.run
          ? h(RunChartCell, {
              runId: row.key,
              runName: runLabel(row.run, row.key),
              charted: charted.value.has(row.key),
              hidden: hidden.has(row.key),
              color: color(row.key),
              custom: row.key in custom,
              onToggle: () => toggleHidden(row.key),
              onColor: (c: string | null) => setColor(row.key, c),
            })
          : '',
    }
  })

  return { pane, runCount, search, layout, chartRuns, orderedRuns, metricKeys, series, runColor, hovered, column }
}
