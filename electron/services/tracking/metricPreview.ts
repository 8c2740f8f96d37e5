import type { StoreHandle } from '../connections/storeConnection'
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
  const rows = await store.select<{ run_uuid: string; key: string; step: number; timestamp: number; value: number | string; is_nan: boolean }>(
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
  const out = new Map(req.pairs.map((p) => [`${p.run_id}\u0000${p.key}`, { run_id: p.run_id, key: p.key, metrics: [] as Metric[] }]))
  for (const r of rows) {
    out
      .get(`${r.run_uuid}\u0000${r.key}`)
      ?.metrics.push({ key: r.key, value: metricValue(r.value, r.is_nan), timestamp: Number(r.timestamp), step: Number(r.step) })
  }
  return [...out.values()]
}
