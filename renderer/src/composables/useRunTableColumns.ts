import { computed, h, type Ref } from 'vue'
import { NTag, type DataTableBaseColumn, type DataTableColumnGroup, type DataTableColumns } from 'naive-ui'
import RunStatusTag from '@/components/RunStatusTag.vue'
import { formatDateTime, formatDuration, formatMetric, formatRelative } from '@/utils/format'
import { parseFieldId, type RunFieldRef } from '@/utils/runKeys'
import { sortStateOf, type SortKey } from '@/utils/runOrder'
import { ATTRIBUTE_COLUMNS } from '@/utils/runTablePrefs'
import type { RunRow } from '@/utils/runTree'
import { parentRunId, runMetric, runParam, runTag, runUser } from '@/utils/runValues'
import type { Run } from '@shared/domain/mlflow'

/**
 * The runs table's columns from the user's choice: attributes, then metrics,
 * params and tags under group headers as MLflow's UI has them. Cells render
 * plain elements with native titles: with 10k rows every cell counts.
 */

interface ColumnSpec {
  title: string
  width: number
  /** What ordering by this column sends as order_by; undefined when MLflow cannot order by it. */
  sort?: RunFieldRef
  align?: 'right'
  render: (run: Run) => ReturnType<typeof h> | string
}

const dash = () => h('span', { class: 'muted' }, '—')
const text = (v: string | null | undefined, cls?: string) => (v ? h('span', { class: cls, title: v }, v) : dash())
const basename = (p: string | undefined) => (p ? (p.split(/[\\/]/).pop() ?? p) : undefined)
const timeCell = (ms: number | null) => (ms === null ? dash() : h('span', { title: formatDateTime(ms) }, formatRelative(ms)))

const label = (id: string) => ATTRIBUTE_COLUMNS.find((c) => c.id === id)?.label ?? id

function attributeSpec(id: string, experimentName: (id: string) => string): ColumnSpec | null {
  switch (id) {
    case 'attributes.status':
      return { title: label(id), width: 112, sort: { entity: 'attributes', key: 'status' }, render: (r) => h(RunStatusTag, { status: r.info.status }) }
    case 'attributes.start_time':
      return { title: label(id), width: 136, sort: { entity: 'attributes', key: 'start_time' }, render: (r) => timeCell(r.info.start_time) }
    case 'attributes.end_time':
      return { title: label(id), width: 136, sort: { entity: 'attributes', key: 'end_time' }, render: (r) => timeCell(r.info.end_time) }
    case 'attributes.duration':
      return {
        title: label(id),
        width: 104,
        render: (r) => (r.info.status === 'RUNNING' ? h('span', { class: 'muted' }, 'running') : formatDuration(r.info.start_time, r.info.end_time)),
      }
    case 'attributes.user_id':
      return { title: label(id), width: 104, sort: { entity: 'attributes', key: 'user_id' }, render: (r) => text(runUser(r)) }
    case 'attributes.source':
      return {
        title: label(id),
        width: 150,
        sort: { entity: 'tags', key: 'mlflow.source.name' },
        render: (r) => {
          const full = runTag(r, 'mlflow.source.name')
          return full ? h('span', { title: full }, basename(full)) : dash()
        },
      }
    case 'attributes.experiment_id':
      return { title: label(id), width: 170, render: (r) => text(experimentName(r.info.experiment_id)) }
    case 'attributes.run_id':
      return { title: label(id), width: 150, sort: { entity: 'attributes', key: 'run_id' }, render: (r) => text(r.info.run_id, 'mono') }
    default:
      return null
  }
}

/** Wide enough for the key and the sort arrow, within reason (the user can drag it). */
const keyWidth = (key: string, min: number) => Math.min(240, Math.max(min, key.length * 8 + 56))

function keySpec(ref: RunFieldRef): ColumnSpec {
  if (ref.entity === 'metrics') {
    return {
      title: ref.key,
      width: keyWidth(ref.key, 104),
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
  if (ref.entity === 'params') return { title: ref.key, width: keyWidth(ref.key, 120), sort: ref, render: (r) => text(runParam(r, ref.key)) }
  return { title: ref.key, width: keyWidth(ref.key, 140), sort: ref, render: (r) => text(runTag(r, ref.key)) }
}

const RUN_NAME = 'attributes.run_name'
/** The run name column's header, width and sort; its cells are drawn by nameCell. */
const NAME_SPEC: ColumnSpec = { title: label(RUN_NAME), width: 250, sort: { entity: 'attributes', key: 'run_name' }, render: () => '' }

function nameCell(row: RunRow, nested: boolean) {
  if (row.group) {
    const g = row.group
    return h('span', { class: 'group-cell' }, [
      h('span', { class: 'mono muted' }, `${g.by} = `),
      g.value === null ? h('em', { class: 'muted' }, 'not set') : h('span', { class: 'mono group-value' }, g.value),
      h(NTag, { size: 'tiny', round: true, bordered: false, class: 'group-count' }, { default: () => `${g.count} run${g.count === 1 ? '' : 's'}` }),
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

export interface RunTableColumnsInput {
  visible: Ref<string[]>
  sort: Ref<SortKey[]>
  widths: Ref<Record<string, number>>
  nested: Ref<boolean>
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

  const widthOf = (id: string, fallback: number) => input.widths.value[id] ?? fallback

  function column(id: string, spec: ColumnSpec): DataTableBaseColumn<RunRow> {
    const state = spec.sort ? sortStateOf(input.sort.value, spec.sort) : null
    const several = input.sort.value.length > 1
    return {
      key: id,
      title: () =>
        h('span', { class: 'col-title', title: spec.sort ? `${id}: click to sort, shift-click to add to the sort` : id }, [
          spec.title,
          state && several ? h('sup', { class: 'sort-rank' }, String(state.rank)) : null,
        ]),
      width: widthOf(id, spec.width),
      minWidth: 60,
      resizable: true,
      align: spec.align,
      ellipsis: true,
      sorter: spec.sort ? true : undefined,
      sortOrder: spec.sort ? (state ? (state.desc ? 'descend' : 'ascend') : false) : undefined,
      render: (row) => (row.run ? spec.render(row.run) : null),
    }
  }

  const columns = computed<DataTableColumns<RunRow>>(() => {
    const ids = input.visible.value
    const attrIds = ATTRIBUTE_COLUMNS.map((c) => c.id as string).filter((id) => specs.value.has(id))
    const group = (entity: string, title: string): DataTableColumnGroup<RunRow>[] => {
      const members = ids.filter((id) => id.startsWith(`${entity}.`) && specs.value.has(id))
      return members.length ? [{ key: `group:${entity}`, title, children: members.map((id) => column(id, specs.value.get(id)!)) }] : []
    }
    return [
      { type: 'selection', fixed: 'left' },
      // The run name carries the tree (expanders, indent) and stays in view.
      { ...column(RUN_NAME, NAME_SPEC), fixed: 'left', tree: true, minWidth: 140, render: (row) => nameCell(row, input.nested.value) },
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

  const scrollWidth = computed(() => 48 + widthOf(RUN_NAME, NAME_SPEC.width) + [...specs.value.entries()].reduce((n, [id, s]) => n + widthOf(id, s.width), 0))

  return { columns, sortRefOf, scrollWidth }
}
