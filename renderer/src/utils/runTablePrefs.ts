import { isDensity, type Density } from './columnFit'

/**
 * What the user made of the runs table for a set of experiments — which
 * columns, how wide, pinned, how dense, nested or flat, grouped by what, and
 * named column sets to come back to — remembered in localStorage per store and
 * experiment set, so coming back finds it as left.
 */

/** A named column set the user saved for these experiments. */
export interface ColumnPreset {
  name: string
  columns: string[]
  pinned: string[]
}

/** Show only the metric or only the param columns (beside the run name and pinned ones). */
export type ColumnFocus = 'metrics' | 'params'

export interface RunTablePrefs {
  /** Column ids shown (`attributes.status`, `metrics.acc`, …); null until the user chooses. */
  columns: string[] | null
  /** Widths the user dragged, by column id. */
  widths: Record<string, number>
  /** Children under their parent (true) or every run on its own row. */
  nest: boolean
  /** `params.lr` or `tags.team`, or null for no grouping. */
  groupBy: string | null
  /** Columns kept in view at the left while the table scrolls sideways. */
  pinned: string[]
  density: Density
  /** Only metrics or only params for now; null for every chosen column. */
  focus: ColumnFocus | null
  presets: ColumnPreset[]
}

/** The attribute columns in the order the table shows them; `run_name` is always there. */
export const ATTRIBUTE_COLUMNS = [
  { id: 'attributes.run_name', label: 'Run', shownByDefault: true },
  { id: 'attributes.status', label: 'Status', shownByDefault: true },
  { id: 'attributes.start_time', label: 'Started', shownByDefault: true },
  { id: 'attributes.duration', label: 'Duration', shownByDefault: true },
  { id: 'attributes.user_id', label: 'User', shownByDefault: false },
  { id: 'attributes.source', label: 'Source', shownByDefault: false },
  { id: 'attributes.experiment_id', label: 'Experiment', shownByDefault: false },
  { id: 'attributes.run_id', label: 'Run ID', shownByDefault: false },
  { id: 'attributes.end_time', label: 'Ended', shownByDefault: false },
] as const

const PREFIX = 'mlflow-desk:runs-table:'

export function emptyPrefs(): RunTablePrefs {
  return { columns: null, widths: {}, nest: true, groupBy: null, pinned: [], density: 'fit', focus: null, presets: [] }
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
  if (isStrings(r.columns)) prefs.columns = r.columns
  if (r.widths && typeof r.widths === 'object') {
    for (const [k, v] of Object.entries(r.widths as Record<string, unknown>)) if (typeof v === 'number' && v >= 40 && v <= 2000) prefs.widths[k] = Math.round(v)
  }
  if (typeof r.nest === 'boolean') prefs.nest = r.nest
  if (typeof r.groupBy === 'string' && /^(params|tags)\../.test(r.groupBy)) prefs.groupBy = r.groupBy
  if (isStrings(r.pinned)) prefs.pinned = r.pinned
  if (isDensity(r.density)) prefs.density = r.density
  if (r.focus === 'metrics' || r.focus === 'params') prefs.focus = r.focus
  if (Array.isArray(r.presets)) prefs.presets = r.presets.filter(isPreset).map((p) => ({ name: p.name, columns: p.columns, pinned: p.pinned }))
  return prefs
}

const isStrings = (v: unknown): v is string[] => Array.isArray(v) && v.every((c) => typeof c === 'string')

function isPreset(v: unknown): v is ColumnPreset {
  const p = v as Partial<ColumnPreset> | null
  return !!p && typeof p === 'object' && typeof p.name === 'string' && p.name.trim() !== '' && isStrings(p.columns) && isStrings(p.pinned)
}

export function savePrefs(storage: Storage, key: string, prefs: RunTablePrefs): void {
  try {
    storage.setItem(key, JSON.stringify(prefs))
  } catch {
    // A full or disabled storage only costs the memory of the layout.
  }
}

/** The attribute columns before the user chooses: name, status, start, duration (and experiment when there are several); metrics and params are fitted beside them. */
export function defaultAttributeColumns(severalExperiments: boolean): string[] {
  return ATTRIBUTE_COLUMNS.filter((c) => c.shownByDefault || (severalExperiments && c.id === 'attributes.experiment_id')).map((c) => c.id)
}

/** The presets with `preset` saved under its name (replacing one of the same name), sorted by name. */
export function savePreset(presets: readonly ColumnPreset[], preset: ColumnPreset): ColumnPreset[] {
  const name = preset.name.trim()
  return [...presets.filter((p) => p.name !== name), { ...preset, name }].sort((a, b) => a.name.localeCompare(b.name))
}

/** Columns with `ids` shown or hidden, keeping the others' order; the run name stays. */
export function toggleColumns(current: readonly string[], ids: readonly string[], show: boolean): string[] {
  if (show) return [...current, ...ids.filter((id) => !current.includes(id))]
  const drop = new Set(ids.filter((id) => id !== 'attributes.run_name'))
  return current.filter((id) => !drop.has(id))
}
