/**
 * How often the runs page refreshes the runs still running, and whether the user paused it:
 * remembered in localStorage (one entry for every store: it is about the user, not the data).
 */

export interface LivePrefs {
  /** Seconds between two refreshes. */
  intervalSec: number
  /** The user stopped the refreshes (until resumed). */
  paused: boolean
}

export const LIVE_PREFS_KEY = 'mlflow-desk:live'
/** The intervals offered, in seconds. */
export const LIVE_INTERVALS: readonly number[] = [2, 5, 10, 30, 60]
export const DEFAULT_LIVE_INTERVAL = 10

export function defaultLivePrefs(): LivePrefs {
  return { intervalSec: DEFAULT_LIVE_INTERVAL, paused: false }
}

/** The stored preferences, each field checked; the default for anything missing or not ours. */
export function loadLivePrefs(storage: Pick<Storage, 'getItem'>): LivePrefs {
  const prefs = defaultLivePrefs()
  let raw: unknown
  try {
    raw = JSON.parse(storage.getItem(LIVE_PREFS_KEY) ?? 'null')
  } catch {
    return prefs
  }
  if (!raw || typeof raw !== 'object') return prefs
  const r = raw as Record<string, unknown>
  if (typeof r.intervalSec === 'number' && LIVE_INTERVALS.includes(r.intervalSec)) prefs.intervalSec = r.intervalSec
  if (typeof r.paused === 'boolean') prefs.paused = r.paused
  return prefs
}

export function saveLivePrefs(storage: Pick<Storage, 'setItem'>, prefs: LivePrefs): void {
  try {
    storage.setItem(LIVE_PREFS_KEY, JSON.stringify(prefs))
  } catch {
    // A full or refused storage: the setting still holds for this session.
  }
}

/** "10 s", "5 min". */
export function intervalLabel(sec: number): string {
  return sec % 60 === 0 ? `${sec / 60} min` : `${sec} s`
}
