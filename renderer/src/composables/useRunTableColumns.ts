import { computed, h, type Ref } from 'vue'
import { NIcon, NTag, type DataTableBaseColumn, type DataTableColumnGroup, type DataTableColumns } from 'naive-ui'
import { Pin } from '@vicons/ionicons5'
import { SELECTION_WIDTH, columnWidth, type Density } from '@/utils/columnFit'
import { formatDateTime, formatDuration, formatMetric, formatRelative } from '@/utils/format'
import { describeStats, metricStats, type MetricStats } from '@/utils/groupStats'
import { parseFieldId, type RunFieldRef } from '@/utils/runKeys'
import { sortStateOf, type SortKey } from '@/utils/runOrder'
import { ATTRIBUTE_COLUMNS } from '@/utils/runTablePrefs'
import type { GroupInfo, RunRow } from '@/utils/runTree'
import { parentRunId, runMetric, runParam, runTag, runUser } from '@/utils/runValues'
import { runStatusStyle } from '@/utils/runStatusStyle'
import type { Run, RunStatus } from '@shared/domain/mlflow'

/**
 * The runs table's columns from the user's choice: the run name and pinned
 * columns fixed at the left, attributes, then metrics, params and tags under
 * group headers as MLflow's UI has them. Cells render plain elements with
 * native titles: with 10k rows every cell counts. Group rows show, under each
 * metric, the mean and range of the group's (loaded) runs.
 */

interface ColumnSpec {
  title: string
  /** What ordering by this column sends as order_by; undefined when MLflow cannot order by it. */
  sort?: RunFieldRef
  align?: 'right'
  render: (run: Run) => ReturnType<typeof h> | string
}

const dash = () => h('span', { class: 'muted' }, '—')
const text = (v: string | null | undefined, cls?: string) => (v ? h('span', { class: cls, title: v }, v) : dash())
const basename = (p: string | undefined) => (p ? (p.split(/[\\/]/).pop() ?? p) : undefined)
/**
 * The status as a plain pill, styled like the RunStatusTag used elsewhere (RunsTable.vue gives it the
 * theme's colours): a themed NTag per row was a component mounted for every row scrolled into view.
 */
const statusCell = (status: RunStatus | null) => {
  const { type, label } = runStatusStyle(status)
  return h('span', { class: `status-pill status-${type}` }, label)
}
const timeCell = (ms: number | null) => (ms === null ? dash() : h('span', { title: formatDateTime(ms) }, formatRelative(ms)))

const label = (id: string) => ATTRIBUTE_COLUMNS.find((c) => c.id === id)?.label ?? id

function attributeSpec(id: string, experimentName: (id: string) => string): ColumnSpec | null {
  switch (id) {
    case 'attributes.status':
      return { title: label(id), sort: { entity: 'attributes', key: 'status' }, render: (r) => statusCell(r.info.status) }
    case 'attributes.start_time':
      return { title: label(id), sort: { entity: 'attributes', key: 'start_time' }, render: (r) => timeCell(r.info.start_time) }
    case 'attributes.end_time':
      return { title: label(id), sort: { entity: 'attributes', key: 'end_time' }, render: (r) => timeCell(r.info.end_time) }
    case 'attributes.duration':
      return {
        title: label(id),
        render: (r) => (r.info.status === 'RUNNING' ? h('span', { class: 'muted' }, 'running') : formatDuration(r.info.start_time, r.info.end_time)),
      }
    case 'attributes.user_id':
      return { title: label(id), sort: { entity: 'attributes', key: 'user_id' }, render: (r) => text(runUser(r)) }
    case 'attributes.source':
      return {
        title: label(id),
        sort: { entity: 'tags', key: 'mlflow.source.name' },
        render: (r) => {
          const full = runTag(r, 'mlflow.source.name')
          return full ? h('span', { title: full }, basename(full)) : dash()
        },
      }
    case 'attributes.experiment_id':
      return { title: label(id), render: (r) => text(experimentName(r.info.experiment_id)) }
    case 'attributes.run_id':
      return { title: label(id), sort: { entity: 'attributes', key: 'run_id' }, render: (r) => text(r.info.run_id, 'mono') }
    default:
      return null
  }
}

function keySpec(ref: RunFieldRef): ColumnSpec {
  if (ref.entity === 'metrics') {
    return {
      title: ref.key,
      align: 'right',
      sort: ref,
      render: (r) => {
        const m = runMetric(r, ref.key)
        return m
          ? h('span', { class: 'num', title: `${m.value} · step ${m.step}${m.timestamp ? ` · ${formatDateTime(m.timestamp)}` : ''}` }, formatMetric(m.value))
          : dash()
      },
    }
  }
  if (ref.entity === 'params') return { title: ref.key, sort: ref, render: (r) => text(runParam(r, ref.key)) }
  return { title: ref.key, sort: ref, render: (r) => text(runTag(r, ref.key)) }
}

const RUN_NAME = 'attributes.run_name'
/** The run name column's header, width and sort; its cells are drawn by nameCell. */
const NAME_SPEC: ColumnSpec = { title: label(RUN_NAME), sort: { entity: 'attributes', key: 'run_name' }, render: () => '' }

function nameCell(row: RunRow, nested: boolean, partial: boolean) {
  if (row.group) {
    const g = row.group
    const count = `${g.count} run${g.count === 1 ? '' : 's'}`
    return h('span', { class: 'group-cell' }, [
      h('span', { class: 'mono muted' }, `${g.by} = `),
      g.value === null ? h('em', { class: 'muted' }, 'not set') : h('span', { class: 'mono group-value' }, g.value),
      h(
        NTag,
        {
          size: 'tiny',
          round: true,
          bordered: false,
          class: 'group-count',
          title: partial ? `${count} among the runs loaded so far; load more runs for the whole group` : undefined,
        },
        { default: () => (partial ? `${count} loaded` : count) },
      ),
    ])
  }
  const r = row.run!
  const child = !nested ? parentRunId(r) : row.missingParent
  return h('span', { class: 'run-name', title: r.info.run_id }, [
    child ? h('span', { class: 'muted', title: `Child of run ${child}` }, '↳ ') : null,
    h('span', { class: 'run-name-text' }, r.info.run_name ?? r.info.run_id),
    row.descendants
      ? h('span', { class: 'descendants muted', title: `${row.descendants} nested run${row.descendants === 1 ? '' : 's'}` }, ` ${row.descendants}`)
      : null,
    r.info.lifecycle_stage === 'deleted' ? h(NTag, { size: 'tiny', type: 'error', bordered: false, class: 'deleted-tag' }, { default: () => 'deleted' }) : null,
  ])
}

/** Summaries are computed once per group and metric (the group's run list is replaced when the runs change). */
const statsCache = new WeakMap<GroupInfo, Map<string, MetricStats | null>>()
function groupStats(g: GroupInfo, key: string): MetricStats | null {
  let byKey = statsCache.get(g)
  if (!byKey) statsCache.set(g, (byKey = new Map()))
  if (!byKey.has(key)) byKey.set(key, metricStats(g.runs, key))
  return byKey.get(key)!
}

/** Four significant digits: a summary to read at a glance (the tooltip has every digit). */
const short = (v: number) => (Number.isFinite(v) ? formatMetric(Number(v.toPrecision(4))) : formatMetric(v))

/** A group row's cell under a metric: the mean, the range below it, muted; every figure in the tooltip. */
function statsCell(g: GroupInfo, key: string, partial: boolean) {
  const s = groupStats(g, key)
  if (!s) return dash()
  const range = s.n > 1 && s.min !== s.max ? `${short(s.min)} – ${short(s.max)}` : null
  return h('span', { class: 'num group-stats', title: describeStats(s, g.count, partial), 'data-testid': 'group-stats' }, [
    h('span', { class: 'stat-mean' }, s.n ? `x̄ ${short(s.mean)}` : 'NaN'),
    range ? h('span', { class: 'muted stat-range' }, range) : null,
  ])
}

export interface RunTableColumnsInput {
  visible: Ref<string[]>
  sort: Ref<SortKey[]>
  widths: Ref<Record<string, number>>
  nested: Ref<boolean>
  /** Columns fixed at the left after the run name. */
  pinned: Ref<string[]>
  density: Ref<Density>
  /** Not every run of the search is loaded: group counts and summaries are of the loaded ones. */
  partial: Ref<boolean>
  experimentName: (id: string) => string
}

/** naive-ui columns for the chosen ids, plus what each column sorts by and the table's width. */
export function useRunTableColumns(input: RunTableColumnsInput) {
  const specs = computed(() => {
    const out = new Map<string, ColumnSpec>()
    for (const id of input.visible.value) {
      const ref = parseFieldId(id)
      if (!ref || id === RUN_NAME) continue
      const spec = ref.entity === 'attributes' ? attributeSpec(id, input.experimentName) : keySpec(ref)
      if (spec) out.set(id, spec)
    }
    return out
  })

  const widthOf = (id: string) => input.widths.value[id] ?? columnWidth(id, input.density.value)

  function column(id: string, spec: ColumnSpec): DataTableBaseColumn<RunRow> {
    const ref = parseFieldId(id)
    const metric = ref?.entity === 'metrics' ? ref.key : null
    const state = spec.sort ? sortStateOf(input.sort.value, spec.sort) : null
    const several = input.sort.value.length > 1
    return {
      key: id,
      title: () =>
        h('span', { class: 'col-title', title: spec.sort ? `${id}: click to sort, shift-click to add to the sort` : id }, [
          spec.title,
          state && several ? h('sup', { class: 'sort-rank' }, String(state.rank)) : null,
        ]),
      width: widthOf(id),
      minWidth: 60,
      resizable: true,
      align: spec.align,
      ellipsis: true,
      sorter: spec.sort ? true : undefined,
      sortOrder: spec.sort ? (state ? (state.desc ? 'descend' : 'ascend') : false) : undefined,
      render: (row) => (row.run ? spec.render(row.run) : row.group && metric ? statsCell(row.group, metric, input.partial.value) : null),
    }
  }

  /** A pinned column: at the top level (naive-ui fixes only those), marked with a pin since it leaves its group header. */
  function pinnedColumn(id: string, spec: ColumnSpec): DataTableBaseColumn<RunRow> {
    const base = column(id, spec)
    const title = base.title as () => ReturnType<typeof h>
    return {
      ...base,
      fixed: 'left',
      className: 'col-pinned',
      title: () => h('span', { class: 'pinned-title' }, [h(NIcon, { component: Pin, size: 11, class: 'pinned-icon', 'aria-label': 'pinned' }), title()]),
    }
  }

  const columns = computed<DataTableColumns<RunRow>>(() => {
    const pinned = input.pinned.value.filter((id) => specs.value.has(id))
    const ids = input.visible.value.filter((id) => !pinned.includes(id))
    const attrIds = ATTRIBUTE_COLUMNS.map((c) => c.id as string).filter((id) => specs.value.has(id) && !pinned.includes(id))
    const group = (entity: string, title: string): DataTableColumnGroup<RunRow>[] => {
      const members = ids.filter((id) => id.startsWith(`${entity}.`) && specs.value.has(id))
      // The title sticks beside the fixed columns, so a group scrolled partly out of view still says what it is.
      const header = () => h('span', { class: 'col-group-title' }, title)
      return members.length ? [{ key: `group:${entity}`, title: header, children: members.map((id) => column(id, specs.value.get(id)!)) }] : []
    }
    // The selection column before these is the table's own (RunsTable: a plain checkbox per row).
    return [
      // The run name carries the tree (expanders, indent) and stays in view.
      {
        ...column(RUN_NAME, NAME_SPEC),
        fixed: 'left',
        tree: true,
        minWidth: 140,
        render: (row) => nameCell(row, input.nested.value, input.partial.value),
      },
      ...pinned.map((id) => pinnedColumn(id, specs.value.get(id)!)),
      ...attrIds.map((id) => column(id, specs.value.get(id)!)),
      ...group('metrics', 'Metrics'),
      ...group('params', 'Parameters'),
      ...group('tags', 'Tags'),
    ]
  })

  /** The order_by entity and key a header click sorts by, or null for columns MLflow cannot order by. */
  function sortRefOf(colKey: string): RunFieldRef | null {
    return colKey === RUN_NAME ? NAME_SPEC.sort! : (specs.value.get(colKey)?.sort ?? null)
  }

  const scrollWidth = computed(() => SELECTION_WIDTH + widthOf(RUN_NAME) + [...specs.value.keys()].reduce((n, id) => n + widthOf(id), 0))

  /** What the fixed columns (selection, name, pinned) take: where sideways-scrolled content starts. */
  const fixedWidth = computed(
    () => SELECTION_WIDTH + widthOf(RUN_NAME) + input.pinned.value.filter((id) => specs.value.has(id)).reduce((n, id) => n + widthOf(id), 0),
  )

  return { columns, sortRefOf, scrollWidth, fixedWidth }
}
