import type { StoreHandle } from '../connections/storeConnection'
import type { Metric } from '@shared/domain/mlflow'
import { assertRunExists } from './metricHistory'
import { metricValue } from './runMapper'

/** What a chart asks for: one metric of one run, at most max_points points, optionally only steps in [from_step, to_step]. */
export interface SeriesRequest {
  run_id: string
  metric_key: string
  max_points: number
  from_step?: number | null
  to_step?: number | null
}

export interface MetricSeries {
  /** Sorted by step, then timestamp, then value; MLflow's metric JSON shape (NaN as NaN, +-inf as the +-max double). */
  metrics: Metric[]
  /** True when points were left out (the window held more than max_points). */
  sampled: boolean
  /** Stored points in the step window, before sampling. */
  total_points: number
  /** Steps per bucket when sampled (may be fractional), else null. */
  bucket_width: number | null
}

/** A bucket keeps its first, last, lowest and highest finite point, and one NaN/inf marker: 5 at most. */
export const POINTS_PER_BUCKET = 5

interface SeriesRow {
  key: string
  value: number | string
  timestamp: number
  step: number
  is_nan: boolean
  n: number
  buckets: number
  lo: number
  hi: number
}

/*
 * One statement. Buckets are equal-width over the window's [lo, hi] step range; the index is
 * computed in float8 (never in bigint, where step - lo overflows for ranges wider than 2^63) and
 * clamped to [0, buckets - 1]: beyond 2^53 rounding can only move a point to a neighbouring
 * bucket, and every bucket still keeps its own extremes, so nothing a chart needs is lost.
 * (numeric was exact but measured ~20% slower on a 1M-point history.)
 * Rows sorted once by (bucket, step, timestamp, value, is_nan): per bucket we keep row 1 (first),
 * the last row, the first row holding the bucket's finite minimum and maximum, and the first
 * non-finite row (NaN, or +-inf which MLflow stores as +-1.7976931348623157e308) so a chart can
 * draw a gap. A window with no more than max_points rows comes back whole (buckets = 0).
 */
function seriesSql(step: string, isNan: string, window: string): string {
  const nonFinite = `(${isNan} OR m.value = 'NaN'::float8 OR abs(m.value) >= 1.7976931348623157e308)`
  return `
  WITH pts AS MATERIALIZED (
    SELECT m.value, m.timestamp, ${step} AS step, ${isNan} AS is_nan, ${nonFinite} AS bad
      FROM metrics m
     WHERE m.run_uuid = $1 AND m.key = $2${window}
  ), dims AS MATERIALIZED (
    SELECT s.n, s.lo, s.hi, CASE WHEN s.n <= $3::int THEN 0 ELSE greatest(1, $3::int / ${POINTS_PER_BUCKET}) END AS buckets
      FROM (SELECT count(*)::bigint AS n, min(step) AS lo, max(step) AS hi FROM pts) s
  ), ranked AS (
    SELECT p.*, d.n, d.lo, d.hi, d.buckets,
           CASE WHEN d.buckets = 0 THEN 0
                ELSE least(d.buckets - 1, floor((p.step::float8 - d.lo::float8) * d.buckets / (d.hi::float8 - d.lo::float8 + 1)))::int END AS bucket
      FROM pts p CROSS JOIN dims d
  ), marked AS (
    SELECT r.*,
           row_number() OVER w AS rn,
           count(*) OVER b AS cnt,
           min(r.value) FILTER (WHERE NOT r.bad) OVER b AS vmin,
           max(r.value) FILTER (WHERE NOT r.bad) OVER b AS vmax
      FROM ranked r
    WINDOW b AS (PARTITION BY r.bucket), w AS (b ORDER BY r.step, r.timestamp, r.value, r.is_nan)
  ), picked AS (
    SELECT m.*,
           min(m.rn) FILTER (WHERE NOT m.bad AND m.value = m.vmin) OVER b AS rn_min,
           min(m.rn) FILTER (WHERE NOT m.bad AND m.value = m.vmax) OVER b AS rn_max,
           min(m.rn) FILTER (WHERE m.bad) OVER b AS rn_bad
      FROM marked m
    WINDOW b AS (PARTITION BY m.bucket)
  )
  SELECT $2::text AS key, value, timestamp, step, is_nan, n::int AS n, buckets, lo, hi
    FROM picked
   WHERE buckets = 0 OR rn = 1 OR rn = cnt OR rn = rn_min OR rn = rn_max OR rn = rn_bad
   ORDER BY step, timestamp, value, is_nan`
}

/**
 * A metric history cut down for a chart, in SQL: at most max_points points for the steps in
 * [from_step, to_step], keeping extremes, the first and last point and every bucket's NaN/inf
 * marker. When the window holds no more than max_points rows it is returned exactly (every
 * row, duplicate steps included), ordered by step rather than MLflow's timestamp order.
 */
export async function downsampleHistory(store: StoreHandle, req: SeriesRequest): Promise<MetricSeries> {
  const step = store.schema.has('metrics', 'step') ? 'm.step' : '0::bigint'
  const isNan = store.schema.has('metrics', 'is_nan') ? 'm.is_nan' : 'false'
  const bind: unknown[] = [req.run_id, req.metric_key, req.max_points]
  let window = ''
  if (req.from_step !== null && req.from_step !== undefined) window += ` AND ${step} >= $${bind.push(req.from_step)}`
  if (req.to_step !== null && req.to_step !== undefined) window += ` AND ${step} <= $${bind.push(req.to_step)}`
  const rows = await store.select<SeriesRow>(seriesSql(step, isNan, window), bind)
  if (rows.length === 0) {
    await assertRunExists(store, req.run_id)
    return { metrics: [], sampled: false, total_points: 0, bucket_width: null }
  }
  const { n, buckets, lo, hi } = rows[0]
  return {
    metrics: rows.map((r) => ({ key: r.key, value: metricValue(r.value, r.is_nan), timestamp: r.timestamp, step: r.step })),
    sampled: buckets > 0,
    total_points: n,
    bucket_width: buckets > 0 ? (hi - lo + 1) / buckets : null,
  }
}
