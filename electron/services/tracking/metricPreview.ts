import type { ReadOptions, StoreHandle } from '../connections/storeConnection'
import type { Metric } from '@shared/domain/mlflow'
import { metricAccess } from './metricRows'
import { metricValue } from './runMapper'

/** One series of a preview: which run and key, and its points ordered by step. */
export interface PreviewSeries {
  run_id: string
  key: string
  metrics: Metric[]
}

export interface PreviewRequest {
  pairs: ReadonlyArray<{ run_id: string; key: string }>
  /** Probes per series (points returned at most, plus the last one). */
  probes: number
  from_step?: number | null
  to_step?: number | null
}

/**
 * Whether metrics has a valid index leading with (run_uuid, key, step), as `mlflow-desk indexes
 * create` adds: only then can a preview seek to a step instead of reading the history.
 */
export async function hasStepIndex(store: StoreHandle): Promise<boolean> {
  return store.capabilities.metricSteps && (await metricAccess(store)) === 'step'
}

/**
 * A quick look at many histories at once, in one statement, reading only `probes` index entries
 * per series: the first point at or after each of `probes` equally spaced steps over the
 * series' step range, plus its last point (what MLflow's UI draws, at its fixed 320). It shows
 * a history's shape within a frame but not its extremes: the exact downsampled series follows.
 * Needs the step index (hasStepIndex); without it every probe would read the history.
 */
export async function previewHistories(store: StoreHandle, req: PreviewRequest): Promise<PreviewSeries[]> {
  const isNan = store.capabilities.metricNaN ? 'm.is_nan' : 'false AS is_nan'
  const bind: unknown[] = [req.pairs.map((p) => p.run_id), req.pairs.map((p) => p.key), req.probes]
  let window = ''
  if (req.from_step !== null && req.from_step !== undefined) window += ` AND m.step >= $${bind.push(req.from_step)}`
  if (req.to_step !== null && req.to_step !== undefined) window += ` AND m.step <= $${bind.push(req.to_step)}`
  const rows = await store.select<PointRow>(
    `WITH s AS (SELECT * FROM unnest($1::text[], $2::text[]) AS s(run_uuid, key)),
     d AS (
       SELECT s.run_uuid, s.key, lo.step AS lo, hi.step AS hi FROM s
        CROSS JOIN LATERAL (SELECT m.step FROM metrics m WHERE m.run_uuid = s.run_uuid AND m.key = s.key${window} ORDER BY m.step LIMIT 1) lo
        CROSS JOIN LATERAL (SELECT m.step FROM metrics m WHERE m.run_uuid = s.run_uuid AND m.key = s.key${window} ORDER BY m.step DESC LIMIT 1) hi)
     SELECT DISTINCT d.run_uuid, d.key, p.step, p.timestamp, p.value, p.is_nan
       FROM d
      CROSS JOIN LATERAL (
        SELECT d.lo + floor(g.i * ((d.hi::float8 - d.lo::float8 + 1) / $3::int))::bigint AS at FROM generate_series(0, $3::int - 1) g(i)
        UNION SELECT d.hi) g
      CROSS JOIN LATERAL (
        SELECT m.step, m.timestamp, m.value, ${isNan} FROM metrics m
         WHERE m.run_uuid = d.run_uuid AND m.key = d.key AND m.step >= g.at${window}
         ORDER BY m.step, m.timestamp LIMIT 1) p
      ORDER BY d.run_uuid, d.key, p.step, p.timestamp`,
    bind,
  )
  return toPreviews(req, rows)
}

/**
 * A preview without our step index, from MLflow's own primary key, metric_pk (key, timestamp,
 * step, run_uuid, value, is_nan): each series is cut into `probes` equal spans of TIME, from its
 * first point (walked to from the run's start time) to its latest point's (latest_metrics), and
 * each span gives its first point of the run, read from the index alone. A probe walks the key's entries of every run in its
 * span until it meets this run's, so its cost is how many other runs logged the key meanwhile:
 * nothing on a store whose runs ran one after another, a few entries each where a sweep ran them
 * side by side. The last point is latest_metrics' row. Points are spaced in time, not in steps:
 * the history's shape for a first frame, never its extremes (the exact series follows).
 * Only for the whole history (a step window cannot be found by time): null for a window, or where
 * the store has no latest_metrics.
 */
export async function previewByTime(store: StoreHandle, req: PreviewRequest, opts?: ReadOptions): Promise<PreviewSeries[] | null> {
  const windowed = (req.from_step ?? null) !== null || (req.to_step ?? null) !== null
  if (windowed || !store.capabilities.latestMetrics) return null
  // latest_metrics came after metrics.step and metrics.is_nan (MLflow 1.3 after 1.1 and 1.2): a store with it has both.
  const rows = await store.select<PointRow>(
    `WITH l AS (
       SELECT s.run_uuid, s.key, least(r.start_time, l.timestamp) AS since, l.timestamp AS hi, l.step, l.value, l.is_nan
         FROM unnest($1::text[], $2::text[]) AS s(run_uuid, key)
         JOIN runs r ON r.run_uuid = s.run_uuid
         JOIN latest_metrics l ON l.run_uuid = s.run_uuid AND l.key = s.key AND l.timestamp IS NOT NULL),
     d AS (
       -- The first point's time, walked to from the run's start (a run may compute a while before it logs).
       SELECT l.*, coalesce(f.timestamp, l.hi) AS lo FROM l
         LEFT JOIN LATERAL (
           SELECT m.timestamp FROM metrics m
            WHERE m.key = l.key AND m.timestamp >= l.since AND m.timestamp <= l.hi AND (m.run_uuid || '') = l.run_uuid
            ORDER BY m.timestamp LIMIT 1) f ON true)
     SELECT d.run_uuid, d.key, p.step, p.timestamp, p.value, p.is_nan
       FROM d
      CROSS JOIN LATERAL (
        SELECT d.lo + floor(g.i * ((d.hi - d.lo + 1)::float8 / $3::int))::bigint AS at,
               d.lo + floor((g.i + 1) * ((d.hi - d.lo + 1)::float8 / $3::int))::bigint AS upto
          FROM generate_series(0, $3::int - 1) g(i)) g
      CROSS JOIN LATERAL (
        -- run_uuid || '': not a condition index_metrics_run_uuid can serve, so the planner cannot read the run's whole history per probe.
        SELECT m.step, m.timestamp, m.value, m.is_nan FROM metrics m
         WHERE m.key = d.key AND m.timestamp >= g.at AND m.timestamp < g.upto AND (m.run_uuid || '') = d.run_uuid
         ORDER BY m.timestamp LIMIT 1) p
     UNION ALL
     SELECT d.run_uuid, d.key, d.step, d.hi, d.value, d.is_nan FROM d`,
    [req.pairs.map((p) => p.run_id), req.pairs.map((p) => p.key), req.probes],
    opts,
  )
  return toPreviews(req, rows)
}

type PointRow = { run_uuid: string; key: string; step: number; timestamp: number; value: number | string; is_nan: boolean }

/** The rows by series, in the order of req.pairs (a series without rows: no points), each ordered by step then timestamp, a point once. */
function toPreviews(req: PreviewRequest, rows: readonly PointRow[]): PreviewSeries[] {
  const out = new Map(req.pairs.map((p) => [`${p.run_id}\u0000${p.key}`, { run_id: p.run_id, key: p.key, metrics: [] as Metric[] }]))
  const seen = new Set<string>()
  const sorted = [...rows].sort((a, b) => Number(a.step) - Number(b.step) || Number(a.timestamp) - Number(b.timestamp))
  for (const r of sorted) {
    const id = `${r.run_uuid}\u0000${r.key}`
    const point = `${id}\u0000${r.step}\u0000${r.timestamp}\u0000${r.value}`
    if (seen.has(point)) continue
    seen.add(point)
    out.get(id)?.metrics.push({ key: r.key, value: metricValue(r.value, r.is_nan), timestamp: Number(r.timestamp), step: Number(r.step) })
  }
  return [...out.values()]
}
