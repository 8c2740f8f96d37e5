/**
 * How the user set up the SQL console — long lines wrapped or scrolled, which side tab is open —
 * remembered in localStorage (one entry for every store: it is about the user, not the data).
 */

export interface ConsolePrefs {
  /** Long lines wrap at the editor's edge instead of scrolling sideways. */
  wrap: boolean
  /** The side panel's tab. */
  side: 'tables' | 'history' | 'saved' | 'library'
}

export const CONSOLE_PREFS_KEY = 'mlflow-desk:console'
const SIDE_TABS: ReadonlyArray<ConsolePrefs['side']> = ['tables', 'history', 'saved', 'library']

export function defaultConsolePrefs(): ConsolePrefs {
  return { wrap: false, side: 'history' }
}

/** The stored preferences, each field checked; the default for anything missing or not ours. */
export function loadConsolePrefs(storage: Pick<Storage, 'getItem'>): ConsolePrefs {
  const prefs = defaultConsolePrefs()
  let raw: unknown
  try {
    raw = JSON.parse(storage.getItem(CONSOLE_PREFS_KEY) ?? 'null')
  } catch {
    return prefs
  }
  if (!raw || typeof raw !== 'object') return prefs
  const r = raw as Record<string, unknown>
  if (typeof r.wrap === 'boolean') prefs.wrap = r.wrap
  if (SIDE_TABS.includes(r.side as ConsolePrefs['side'])) prefs.side = r.side as ConsolePrefs['side']
  return prefs
}

export function saveConsolePrefs(storage: Pick<Storage, 'setItem'>, prefs: ConsolePrefs): void {
  try {
    storage.setItem(CONSOLE_PREFS_KEY, JSON.stringify(prefs))
  } catch {
    // A full or refused storage: the setting still holds for this session.
  }
}
