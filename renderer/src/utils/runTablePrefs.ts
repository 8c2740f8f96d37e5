/**
 * What the user made of the runs table for a set of experiments — which
 * columns, how wide, nested or flat, grouped by what — remembered in
 * localStorage per store and experiment set, so coming back finds it as left.
 */

export interface RunTablePrefs {
  /** Column ids shown (`attributes.status`, `metrics.acc`, …); null until the user chooses. */
  columns: string[] | null
  /** Widths the user dragged, by column id. */
  widths: Record<string, number>
  /** Children under their parent (true) or every run on its own row. */
  nest: boolean
  /** `params.lr` or `tags.team`, or null for no grouping. */
  groupBy: string | null
}

/** The attribute columns in the order the table shows them; `run_name` is always there. */
export const ATTRIBUTE_COLUMNS = [
  { id: 'attributes.run_name', label: 'Run', shownByDefault: true },
  { id: 'attributes.status', label: 'Status', shownByDefault: true },
  { id: 'attributes.start_time', label: 'Started', shownByDefault: true },
  { id: 'attributes.duration', label: 'Duration', shownByDefault: true },
  { id: 'attributes.user_id', label: 'User', shownByDefault: true },
  { id: 'attributes.source', label: 'Source', shownByDefault: true },
  { id: 'attributes.experiment_id', label: 'Experiment', shownByDefault: true },
  { id: 'attributes.run_id', label: 'Run ID', shownByDefault: false },
  { id: 'attributes.end_time', label: 'Ended', shownByDefault: false },
] as const

/** How many metrics a table shows before the user picks. */
export const DEFAULT_METRIC_COLUMNS = 4

const PREFIX = 'mlflow-desk:runs-table:'

export function emptyPrefs(): RunTablePrefs {
  return { columns: null, widths: {}, nest: true, groupBy: null }
}

/** One entry per store and experiment set; the order of the ids does not matter. */
export function prefsKey(profileId: string | null, experimentIds: readonly string[]): string {
  return `${PREFIX}${profileId ?? 'default'}:${[...experimentIds].sort((a, b) => Number(a) - Number(b)).join(',')}`
}

/** The stored preferences, or the defaults when there are none or they are not ours. */
export function loadPrefs(storage: Storage, key: string): RunTablePrefs {
  const prefs = emptyPrefs()
  let raw: unknown
  try {
    raw = JSON.parse(storage.getItem(key) ?? 'null')
  } catch {
    return prefs
  }
  if (!raw || typeof raw !== 'object') return prefs
  const r = raw as Record<string, unknown>
  if (Array.isArray(r.columns) && r.columns.every((c) => typeof c === 'string')) prefs.columns = r.columns as string[]
  if (r.widths && typeof r.widths === 'object') {
    for (const [k, v] of Object.entries(r.widths as Record<string, unknown>)) if (typeof v === 'number' && v >= 40 && v <= 2000) prefs.widths[k] = Math.round(v)
  }
  if (typeof r.nest === 'boolean') prefs.nest = r.nest
  if (typeof r.groupBy === 'string' && /^(params|tags)\../.test(r.groupBy)) prefs.groupBy = r.groupBy
  return prefs
}

export function savePrefs(storage: Storage, key: string, prefs: RunTablePrefs): void {
  try {
    storage.setItem(key, JSON.stringify(prefs))
  } catch {
    // A full or disabled storage only costs the memory of the layout.
  }
}

/** The columns before the user chooses: the usual attributes and the most logged metrics. */
export function defaultColumns(opts: { severalExperiments: boolean; metricKeys: readonly string[] }): string[] {
  return [
    ...ATTRIBUTE_COLUMNS.filter((c) => c.shownByDefault && (opts.severalExperiments || c.id !== 'attributes.experiment_id')).map((c) => c.id),
    ...opts.metricKeys.slice(0, DEFAULT_METRIC_COLUMNS).map((k) => `metrics.${k}`),
  ]
}

/** Columns with `ids` shown or hidden, keeping the others' order; the run name stays. */
export function toggleColumns(current: readonly string[], ids: readonly string[], show: boolean): string[] {
  if (show) return [...current, ...ids.filter((id) => !current.includes(id))]
  const drop = new Set(ids.filter((id) => id !== 'attributes.run_name'))
  return current.filter((id) => !drop.has(id))
}
