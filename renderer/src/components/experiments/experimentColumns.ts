import { h } from 'vue'
import { NEllipsis, NTag, type DataTableColumns } from 'naive-ui'
import type { ExperimentWithStats } from '@shared/api/contract'
import { formatDateTime, formatRelative, notePreview } from '@/utils/format'

/** The experiments table's columns: name (with id and note), tags, run counts and last activity. */

/** User tags (MLflow's own `mlflow.*` ones are bookkeeping). */
export const userTags = (e: ExperimentWithStats) => e.tags.filter((t) => !t.key.startsWith('mlflow.'))
const note = (e: ExperimentWithStats) => notePreview(e.tags.find((t) => t.key === 'mlflow.note.content')?.value)
const MAX_TAGS = 3

function tagsCell(e: ExperimentWithStats) {
  const tags = userTags(e)
  if (!tags.length) return h('span', { class: 'muted' }, '—')
  return h('div', { class: 'exp-tags', title: tags.map((t) => `${t.key}: ${t.value}`).join('\n') }, [
    ...tags
      .slice(0, MAX_TAGS)
      .map((t) =>
        h(NTag, { size: 'small', bordered: false, key: t.key, class: 'exp-tag' }, { default: () => [h('span', { class: 'muted' }, `${t.key}: `), t.value] }),
      ),
    tags.length > MAX_TAGS ? h('span', { class: 'muted' }, `+${tags.length - MAX_TAGS}`) : null,
  ])
}

export function experimentColumns(): DataTableColumns<ExperimentWithStats> {
  return [
    { type: 'selection', width: 40 },
    {
      title: 'Name',
      key: 'name',
      // Takes what the others leave; a long name is cut with its whole text in a tooltip.
      minWidth: 220,
      sorter: (a, b) => a.name.localeCompare(b.name),
      render: (e) =>
        h('div', { class: 'exp-name' }, [
          h('div', { class: 'exp-title' }, [
            h(NEllipsis, { class: 'exp-title-text', 'data-testid': 'experiment-name' }, { default: () => e.name }),
            h('span', { class: 'mono muted exp-id', title: `Experiment id ${e.experiment_id}` }, `#${e.experiment_id}`),
            e.lifecycle_stage === 'deleted'
              ? h(NTag, { size: 'tiny', type: 'error', bordered: false, style: 'margin-left: 8px' }, { default: () => 'deleted' })
              : null,
          ]),
          note(e) ? h('div', { class: 'exp-note muted', title: note(e) }, note(e)) : null,
        ]),
    },
    { title: 'Tags', key: 'tags', width: 160, render: tagsCell },
    {
      title: 'Runs',
      key: 'run_count',
      width: 88,
      align: 'right',
      sorter: (a, b) => a.run_count - b.run_count,
      render: (e) =>
        h('span', null, [
          h('span', { style: 'font-variant-numeric: tabular-nums' }, e.run_count.toLocaleString()),
          e.deleted_run_count
            ? h('span', { class: 'muted', style: 'font-size: 11px', title: `${e.deleted_run_count} deleted runs` }, ` +${e.deleted_run_count} del.`)
            : null,
        ]),
    },
    {
      title: 'Last run',
      key: 'last_run_start_time',
      width: 124,
      sorter: (a, b) => (a.last_run_start_time ?? 0) - (b.last_run_start_time ?? 0),
      render: (e) => h('span', { title: formatDateTime(e.last_run_start_time), style: 'white-space: nowrap' }, formatRelative(e.last_run_start_time)),
    },
    {
      title: 'Created',
      key: 'creation_time',
      width: 104,
      sorter: (a, b) => (a.creation_time ?? 0) - (b.creation_time ?? 0),
      render: (e) =>
        h('span', { class: 'muted', style: 'white-space: nowrap', title: formatDateTime(e.creation_time) }, formatDateTime(e.creation_time).slice(0, 10)),
    },
    {
      title: 'Artifact location',
      key: 'artifact_location',
      // Fixed: the name alone takes what is left (two stretching columns split it evenly).
      width: 150,
      ellipsis: { tooltip: true },
      render: (e) => h('span', { class: 'mono muted' }, e.artifact_location ?? '—'),
    },
  ]
}
