import { FIND_KINDS, type FindHit } from '@shared/domain/find'

/**
 * What the user opened through "find anything" (the palette, a paste, #/open/), newest first,
 * per profile: kept in localStorage like the other UI prefs, holding only what a hit shows.
 */

export type RecentItem = Omit<FindHit, 'score'>

export const MAX_RECENTS = 8

const PREFIX = 'mlflow-desk:recent:'

export function recentsKey(profileId: string | null): string {
  return PREFIX + (profileId ?? 'default')
}

/** The item first, without an earlier showing of the same thing, at most MAX_RECENTS. */
export function addRecent(list: readonly RecentItem[], hit: FindHit | RecentItem): RecentItem[] {
  const { kind, id, title, detail, route, note, experiment_id, deleted } = hit
  const item: RecentItem = { kind, id, title, detail, route, note, experiment_id, deleted }
  return [item, ...list.filter((r) => !(r.kind === item.kind && r.id === item.id))].slice(0, MAX_RECENTS)
}

function isRecent(x: unknown): x is RecentItem {
  if (!x || typeof x !== 'object') return false
  const r = x as Record<string, unknown>
  return (
    FIND_KINDS.includes(r.kind as RecentItem['kind']) &&
    typeof r.id === 'string' &&
    typeof r.title === 'string' &&
    typeof r.route === 'string' &&
    // Only the app's own routes: a hand-edited entry cannot send the window elsewhere.
    r.route.startsWith('/') &&
    !r.route.startsWith('//') &&
    (r.detail === null || typeof r.detail === 'string') &&
    (r.note === null || typeof r.note === 'string') &&
    (r.experiment_id === null || typeof r.experiment_id === 'string') &&
    typeof r.deleted === 'boolean'
  )
}

/** The stored list, dropping what is not one of ours (an older format, a hand edit). */
export function loadRecents(storage: Storage | null, profileId: string | null): RecentItem[] {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(recentsKey(profileId)) ?? '[]')
    return Array.isArray(raw) ? raw.filter(isRecent).slice(0, MAX_RECENTS) : []
  } catch {
    return []
  }
}

export function saveRecents(storage: Storage | null, profileId: string | null, list: readonly RecentItem[]): void {
  try {
    storage?.setItem(recentsKey(profileId), JSON.stringify(list))
  } catch {
    // Storage full or disabled: recents are a convenience.
  }
}

/** A hit as the palette's recent list shows it (recents have no score: they are in the order opened). */
export function recentAsHit(r: RecentItem): FindHit {
  return { ...r, score: 0 }
}
