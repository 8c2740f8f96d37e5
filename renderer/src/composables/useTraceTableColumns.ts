import { computed, h, type Ref } from 'vue'
import { NIcon, NTag, type DataTableBaseColumn, type DataTableColumns } from 'naive-ui'
import { ThumbsDown, ThumbsUp } from '@vicons/ionicons5'
import type { TraceAssessmentValue, TraceRow } from '@shared/domain/traces'
import BaseLink from '@/components/BaseLink.vue'
import { formatDateTime, formatRelative } from '@/utils/format'
import { assessmentCell, formatTokens, formatTraceDuration, userTags } from '@/utils/traceCells'
import { TRACE_COLUMNS, TRACE_ID_COLUMN, assessmentOf } from '@/utils/traceTablePrefs'
import { assessmentOrderKey, type TraceSort } from '@/utils/tracesRouteQuery'

/**
 * The Traces list's columns from the user's choice: the trace id fixed at the left, the trace's
 * attributes, then one column per assessment name. Cells are plain elements with native titles
 * (a virtual list redraws them as it scrolls); user and session cells filter by their value,
 * run and logged model cells link to them.
 */

interface ColumnSpec {
  title: string
  /** The order_by key a header click sorts by; undefined when search_traces cannot order by it. */
  sort?: string
  align?: 'right'
  width: number
  render: (t: TraceRow) => ReturnType<typeof h> | string
}

export interface TraceTableColumnsInput {
  shown: Ref<string[]>
  sort: Ref<TraceSort>
  widths: Ref<Record<string, number>>
  /** A click on a user or session cell: filter the list by it. */
  filterBy: (what: 'user' | 'session', value: string) => void
  /** Whether the logged model page exists (its link is plain text without it). */
  hasModelPage: boolean
  /** An experiment's name for the Experiment column. */
  experimentName: (id: string) => string
}

const stop = (e: MouseEvent) => e.stopPropagation()
/** A trace's page (the `trace` route), by path. */
export const traceLink = (traceId: string) => `/traces/${encodeURIComponent(traceId)}`

const dash = () => h('span', { class: 'muted' }, '—')
const text = (v: string | null | undefined, cls?: string) => (v ? h('span', { class: cls, title: v }, v) : dash())
const num = (v: string) => h('span', { class: 'num' }, v)
const label = (id: string) => TRACE_COLUMNS.find((c) => c.id === id)?.label ?? id

const STATE_TAG: Record<string, { type: 'success' | 'error' | 'info' | 'default'; label: string }> = {
  OK: { type: 'success', label: 'OK' },
  ERROR: { type: 'error', label: 'Error' },
  IN_PROGRESS: { type: 'info', label: 'In progress' },
}
function stateCell(state: string) {
  const s = STATE_TAG[state] ?? { type: 'default' as const, label: state.replace(/_/g, ' ').toLowerCase() }
  return h(NTag, { size: 'small', type: s.type, bordered: false, round: true, 'data-testid': 'trace-state' }, { default: () => s.label })
}

/** A value that filters the list when clicked (the row does not open). */
function filterCell(value: string | null, what: 'user' | 'session', filterBy: TraceTableColumnsInput['filterBy']) {
  if (!value) return dash()
  return h(
    'span',
    {
      class: 'filter-cell',
      title: `${value} — click to show only this ${what}'s traces`,
      'data-testid': `filter-by-${what}`,
      onClick: (e: MouseEvent) => {
        e.stopPropagation()
        filterBy(what, value)
      },
    },
    value,
  )
}

/** An assessment's value as the Traces list draws it: a thumb, a number, a coloured verdict, text, or a dash. */
export function assessmentNode(a: TraceAssessmentValue | undefined) {
  const c = assessmentCell(a)
  switch (c.kind) {
    case 'none':
      return dash()
    case 'thumb':
      return h(NIcon, {
        component: c.up ? ThumbsUp : ThumbsDown,
        size: 15,
        class: c.up ? 'thumb up' : 'thumb down',
        title: c.title,
        'aria-label': c.up ? 'yes' : 'no',
        'data-testid': 'assessment-thumb',
      })
    case 'number':
      return h('span', { class: 'num', title: c.title }, c.text)
    case 'verdict':
      return h(NTag, { size: 'small', type: c.good ? 'success' : 'error', bordered: false, title: c.title }, { default: () => c.text })
    case 'error':
      return h(NTag, { size: 'small', type: 'warning', bordered: false, title: c.title }, { default: () => c.text })
    case 'text':
      return h('span', { title: c.title }, c.text)
  }
}

function assessmentRender(name: string) {
  return (t: TraceRow) => assessmentNode(t.assessments[name])
}

function specOf(id: string, input: TraceTableColumnsInput): ColumnSpec | null {
  const assessment = assessmentOf(id)
  if (assessment !== null) return { title: assessment, sort: assessmentOrderKey(assessment), width: 110, render: assessmentRender(assessment) }
  switch (id) {
    case TRACE_ID_COLUMN:
      return {
        title: label(id),
        sort: 'request_id',
        width: 130,
        render: (t) =>
          h(BaseLink, { to: traceLink(t.trace_id), class: 'mono trace-id', title: t.trace_id, 'data-testid': 'trace-link', onClick: stop }, () => t.trace_id),
      }
    case 'request':
      return { title: label(id), width: 230, render: (t) => text(t.request_preview) }
    case 'response':
      return { title: label(id), width: 230, render: (t) => text(t.response_preview) }
    case 'state':
      return { title: label(id), sort: 'status', width: 100, render: (t) => stateCell(t.state) }
    case 'request_time':
      return {
        title: label(id),
        sort: 'timestamp_ms',
        width: 170,
        // To the second: traces come in bursts, "yesterday" would not tell them apart.
        render: (t) => h('span', { class: 'num', title: formatRelative(t.request_time) }, formatDateTime(t.request_time)),
      }
    case 'execution':
      return { title: label(id), sort: 'execution_time_ms', align: 'right', width: 150, render: (t) => num(formatTraceDuration(t.execution_duration)) }
    case 'tokens.input':
      return { title: label(id), sort: 'trace.tokens.input', align: 'right', width: 140, render: (t) => num(formatTokens(t.token_usage?.input_tokens)) }
    case 'tokens.output':
      return { title: label(id), sort: 'trace.tokens.output', align: 'right', width: 150, render: (t) => num(formatTokens(t.token_usage?.output_tokens)) }
    case 'tokens.total':
      return { title: label(id), sort: 'trace.tokens.total', align: 'right', width: 105, render: (t) => num(formatTokens(t.token_usage?.total_tokens)) }
    case 'experiment':
      return {
        title: label(id),
        sort: 'experiment_id',
        width: 170,
        render: (t) => {
          const name = input.experimentName(t.experiment_id)
          return h(
            BaseLink,
            {
              to: { name: 'traces', params: { ids: t.experiment_id } },
              title: `${name} (${t.experiment_id})`,
              onClick: stop,
              'data-testid': 'trace-experiment',
            },
            () => name,
          )
        },
      }
    case 'name':
      return { title: label(id), sort: 'name', width: 150, render: (t) => text(t.name) }
    case 'session':
      return { title: label(id), width: 150, render: (t) => filterCell(t.session, 'session', input.filterBy) }
    case 'user':
      return { title: label(id), width: 170, render: (t) => filterCell(t.user, 'user', input.filterBy) }
    case 'run':
      return {
        title: label(id),
        sort: 'run_id',
        width: 150,
        render: (t) =>
          t.source_run_id
            ? h(
                BaseLink,
                { to: { name: 'run', params: { runId: t.source_run_id } }, class: 'mono', title: t.source_run_id, onClick: stop },
                () => t.source_run_id,
              )
            : dash(),
      }
    case 'logged_model':
      return {
        title: label(id),
        width: 170,
        render: (t) =>
          !t.logged_model_id
            ? dash()
            : input.hasModelPage
              ? h(
                  BaseLink,
                  { to: `/logged-models/${encodeURIComponent(t.logged_model_id)}`, class: 'mono', title: t.logged_model_id, onClick: stop },
                  () => t.logged_model_id,
                )
              : text(t.logged_model_id, 'mono'),
      }
    case 'tags':
      return {
        title: label(id),
        width: 220,
        render: (t) => {
          const tags = userTags(t)
          if (!tags.length) return dash()
          const all = tags.map(([k, v]) => `${k}=${v}`)
          return h(
            'span',
            { class: 'tag-list', title: all.join('\n') },
            all.map((s) => h('span', { class: 'tag-chip' }, s)),
          )
        },
      }
    default:
      return null
  }
}

/** naive-ui columns for the shown ids, what each header click sorts by, and the table's width. */
export function useTraceTableColumns(input: TraceTableColumnsInput) {
  const specs = computed(() => {
    const out = new Map<string, ColumnSpec>()
    for (const id of input.shown.value) {
      const spec = specOf(id, input)
      if (spec) out.set(id, spec)
    }
    return out
  })
  /** The user's width, else the column's, at least what its title and sort arrow take (bold 14px, some 9px a letter), at most 260. */
  function widthOf(id: string): number {
    const spec = specs.value.get(id)
    if (input.widths.value[id]) return input.widths.value[id]
    if (!spec) return 140
    return Math.max(spec.width, Math.min(260, spec.title.length * 9 + (spec.sort ? 60 : 32)))
  }

  const columns = computed<DataTableColumns<TraceRow>>(() =>
    [...specs.value].map(([id, spec]): DataTableBaseColumn<TraceRow> => {
      const sorted = spec.sort !== undefined && input.sort.value.key === spec.sort
      const assessment = assessmentOf(id) !== null
      return {
        key: id,
        title: () =>
          h(
            'span',
            { class: assessment ? 'col-title assessment-title' : 'col-title', title: spec.sort ? `${spec.sort}: click to sort` : spec.title },
            spec.title,
          ),
        width: widthOf(id),
        minWidth: 60,
        resizable: true,
        align: spec.align,
        ellipsis: true,
        fixed: id === TRACE_ID_COLUMN ? 'left' : undefined,
        sorter: spec.sort ? true : undefined,
        sortOrder: spec.sort ? (sorted ? (input.sort.value.desc ? 'descend' : 'ascend') : false) : undefined,
        render: spec.render,
      }
    }),
  )

  function sortKeyOf(colKey: string): string | null {
    return specs.value.get(colKey)?.sort ?? null
  }

  const scrollWidth = computed(() => [...specs.value.keys()].reduce((n, id) => n + widthOf(id), 0))

  return { columns, sortKeyOf, scrollWidth }
}
