import type { ViewType } from '@shared/domain/mlflow'

/**
 * What the user last looked at in each profile (the route, e.g. one
 * experiment's runs, and the experiments view), so returning to a profile
 * brings it back. Kept in localStorage keyed by profile id: shared by the
 * windows of this app, and holding no store data beyond ids.
 */
export interface ProfileMemory {
  route?: string
  experimentsView?: ViewType
}

const PREFIX = 'mlflow-desk:profile:'
/** Only the app's own data routes are remembered (no query strings, nothing else from the URL). */
const DATA_ROUTE = /^\/experiments(\/[\d,]{1,200}\/runs)?$/

function storage(): Storage | null {
  return typeof localStorage === 'undefined' ? null : localStorage
}

export function recall(profileId: string): ProfileMemory {
  try {
    const raw = storage()?.getItem(PREFIX + profileId)
    const m = raw ? (JSON.parse(raw) as ProfileMemory) : {}
    return {
      route: typeof m.route === 'string' && DATA_ROUTE.test(m.route) ? m.route : undefined,
      experimentsView: m.experimentsView === 'active' || m.experimentsView === 'deleted' || m.experimentsView === 'all' ? m.experimentsView : undefined,
    }
  } catch {
    return {}
  }
}

export function remember(profileId: string, patch: ProfileMemory): void {
  if (patch.route !== undefined && !DATA_ROUTE.test(patch.route)) return
  try {
    storage()?.setItem(PREFIX + profileId, JSON.stringify({ ...recall(profileId), ...patch }))
  } catch {
    // Storage full or disabled: remembering is a convenience.
  }
}

export function forget(profileId: string): void {
  storage()?.removeItem(PREFIX + profileId)
}

export function isDataRoute(path: string): boolean {
  return DATA_ROUTE.test(path)
}
