import type { TraceColumns } from '@shared/domain/traces'

/**
 * What the user made of the Traces list — which columns it shows and how wide — remembered in
 * localStorage per store and experiment set, as the runs table remembers its layout.
 */
export interface TraceTablePrefs {
  /** Column ids shown (`state`, `tokens.total`, `assessment:correctness`, …); null until the user chooses. */
  columns: string[] | null
  /** Widths the user dragged, by column id. */
  widths: Record<string, number>
}

/** The list's fixed columns in the order shown; the trace id is always there. */
export const TRACE_COLUMNS = [
  { id: 'trace_id', label: 'Trace ID', shownByDefault: true },
  /** Shown by default when the list spans several experiments. */
  { id: 'experiment', label: 'Experiment', shownByDefault: false },
  { id: 'request', label: 'Request', shownByDefault: true },
  { id: 'response', label: 'Response', shownByDefault: true },
  { id: 'state', label: 'State', shownByDefault: true },
  { id: 'request_time', label: 'Request time', shownByDefault: true },
  { id: 'execution', label: 'Execution time', shownByDefault: true },
  { id: 'tokens.input', label: 'Input tokens', shownByDefault: false },
  { id: 'tokens.output', label: 'Output tokens', shownByDefault: false },
  { id: 'tokens.total', label: 'Tokens', shownByDefault: true },
  { id: 'name', label: 'Trace name', shownByDefault: true },
  { id: 'session', label: 'Session', shownByDefault: true },
  { id: 'user', label: 'User', shownByDefault: true },
  { id: 'run', label: 'Run', shownByDefault: false },
  { id: 'logged_model', label: 'Logged model', shownByDefault: false },
  { id: 'tags', label: 'Tags', shownByDefault: false },
] as const

export const TRACE_ID_COLUMN = 'trace_id'
const ASSESSMENT = 'assessment:'

/** The column of an assessment name. */
export const assessmentColumn = (name: string): string => `${ASSESSMENT}${name}`
/** The assessment name of a column id, or null for a fixed column. */
export const assessmentOf = (id: string): string | null => (id.startsWith(ASSESSMENT) ? id.slice(ASSESSMENT.length) : null)

/**
 * Before the user chooses: the fixed columns shown by default (the experiment too when the list
 * spans several), and every feedback (judges' and people's verdicts; expectations stay in the chooser).
 */
export function defaultTraceColumns(columns: TraceColumns | null, experiments = 1): string[] {
  const fixed = TRACE_COLUMNS.filter((c) => c.shownByDefault || (c.id === 'experiment' && experiments > 1)).map((c) => c.id as string)
  const feedback = (columns?.assessments ?? []).filter((a) => a.kind === 'feedback').map((a) => assessmentColumn(a.key))
  return [...fixed, ...feedback]
}

/** The columns to show: the user's choice in the list's order (fixed ones first), the trace id always. */
export function shownTraceColumns(prefs: TraceTablePrefs, columns: TraceColumns | null, experiments = 1): string[] {
  const chosen = new Set(prefs.columns ?? defaultTraceColumns(columns, experiments))
  chosen.add(TRACE_ID_COLUMN)
  const fixed = TRACE_COLUMNS.map((c) => c.id as string).filter((id) => chosen.has(id))
  const assessments = [...chosen].filter((id) => assessmentOf(id) !== null)
  return [...fixed, ...assessments]
}

const PREFIX = 'mlflow-desk:traces-table:'

/** One entry per store and experiment set; the order of the ids does not matter. */
export function tracePrefsKey(profileId: string | null, experimentIds: readonly string[]): string {
  return `${PREFIX}${profileId ?? 'default'}:${[...experimentIds].sort((a, b) => Number(a) - Number(b)).join(',')}`
}

/** The stored preferences, or the defaults when there are none or they are not ours. */
export function loadTracePrefs(storage: Storage, key: string): TraceTablePrefs {
  const prefs: TraceTablePrefs = { columns: null, widths: {} }
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
  return prefs
}

export function saveTracePrefs(storage: Storage, key: string, prefs: TraceTablePrefs): void {
  try {
    storage.setItem(key, JSON.stringify(prefs))
  } catch {
    // A full or disabled storage only costs the memory of the layout.
  }
}
