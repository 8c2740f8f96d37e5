import type { Run } from '@shared/domain/mlflow'

/**
 * The pure side of the runs page's live refresh (see composables/useLiveRuns):
 * which loaded runs are still going, the two filters one tick asks with, and
 * how their answers fold into the loaded runs without moving anything else.
 */

/** Runs refreshed by id in one call at most (the filter stays far below its length limit). */
export const MAX_LIVE_RUNS = 200
/** New runs taken in one tick at most (more come with a reload). */
export const MAX_NEW_RUNS = 100

/** A run whose status, metrics or tags may still change. */
export function isLive(run: Run): boolean {
  return run.info.status === 'RUNNING' || run.info.status === 'SCHEDULED'
}

/** The loaded runs still going, in table order, at most `max`. */
export function liveRunIds(runs: readonly Run[], max = MAX_LIVE_RUNS): string[] {
  const ids: string[] = []
  for (const r of runs) {
    if (ids.length >= max) break
    if (isLive(r)) ids.push(r.info.run_id)
  }
  return ids
}

/** MLflow's filter for these runs by id (ids are 32 hex characters: nothing to escape). */
export function runIdsFilter(ids: readonly string[]): string {
  return `attributes.run_id IN (${ids.map((id) => `'${id}'`).join(', ')})`
}

/** The page's own filter, narrowed to runs started at or after `since` (ms). */
export function startedSinceFilter(filter: string, since: number): string {
  const clause = `attributes.start_time >= ${Math.floor(since)}`
  return filter.trim() ? `(${filter.trim()}) AND ${clause}` : clause
}

/** The latest start time among these runs (null when none has one). */
export function newestStart(runs: readonly Run[]): number | null {
  let best: number | null = null
  for (const r of runs) if (r.info.start_time !== null && (best === null || r.info.start_time > best)) best = r.info.start_time
  return best
}

/**
 * The loaded runs with each refreshed one put in its place (the same array when
 * nothing changed, and the same object for every run not refreshed, so rows,
 * selection and charts of the others stay as they are).
 */
export function withRefreshed(runs: Run[], fresh: readonly Run[]): Run[] {
  if (!fresh.length) return runs
  const byId = new Map(fresh.map((r) => [r.info.run_id, r]))
  let changed = false
  const out = runs.map((r) => {
    const f = byId.get(r.info.run_id)
    if (!f) return r
    changed = true
    return f
  })
  return changed ? out : runs
}

/** The runs read again that changed since loaded (an idle run's lines need not be read again; its row stays the same object). */
export function changedRuns(runs: readonly Run[], fresh: readonly Run[]): Run[] {
  const before = new Map(runs.map((r) => [r.info.run_id, r]))
  return fresh.filter((r) => {
    const b = before.get(r.info.run_id)
    return !b || JSON.stringify(b) !== JSON.stringify(r)
  })
}

/** Of the runs found since the watermark, those not loaded yet, newest first. */
export function unseenRuns(runs: readonly Run[], found: readonly Run[]): Run[] {
  const known = new Set(runs.map((r) => r.info.run_id))
  return found.filter((r) => !known.has(r.info.run_id)).sort((a, b) => (b.info.start_time ?? 0) - (a.info.start_time ?? 0))
}

/** A chart's series with those of the refreshed runs replaced by their new ones (runs without a series before get one). */
export function withRefreshedSeries<S extends { run_id: string }>(current: readonly S[], fresh: readonly S[], refreshed: readonly string[]): S[] {
  const ids = new Set(refreshed)
  return [...current.filter((s) => !ids.has(s.run_id)), ...fresh]
}
