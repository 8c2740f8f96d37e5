import type { Reader, StoreHandle } from '../connections/storeConnection'
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

/** The columns of one metric row as every statement here selects them. */
interface PointRow {
  value: number | string
  timestamp: number
  step: number
  is_nan: boolean
}

/** Per bucket: how many rows, its first and last step, finite extremes and first non-finite step. */
interface BucketRow {
  b: number
  n: number
  s0: number
  s1: number
  v0: number | null
  v1: number | null
  sb: number | null
}

interface Candidate extends PointRow {
  b: number
  bad: boolean
}

/** The SQL pieces that depend on the store's schema and the request's window. */
interface SeriesSql {
  step: string
  isNan: string
  /** NaN, or +-inf which MLflow stores as +-1.7976931348623157e308: drawn as a gap, never as an extreme. */
  bad: string
  /** `FROM metrics m WHERE ...` for the run, key and step window; binds $1 run, $2 key, then the window. */
  from: string
  bind: unknown[]
}

/** NaN (MLflow's is_nan, or a NaN value), or +-inf (MLflow stores +-1.7976931348623157e308): never an extreme. */
export function nonFiniteSql(isNan: string): string {
  return `(${isNan} OR m.value = 'NaN'::float8 OR abs(m.value) >= 1.7976931348623157e308)`
}

function seriesSql(store: StoreHandle, req: SeriesRequest): SeriesSql {
  const step = store.capabilities.metricSteps ? 'm.step' : '0::bigint'
  const isNan = store.capabilities.metricNaN ? 'm.is_nan' : 'false'
  const bind: unknown[] = [req.run_id, req.metric_key]
  let from = 'FROM metrics m WHERE m.run_uuid = $1 AND m.key = $2'
  if (req.from_step !== null && req.from_step !== undefined) from += ` AND ${step} >= $${bind.push(req.from_step)}`
  if (req.to_step !== null && req.to_step !== undefined) from += ` AND ${step} <= $${bind.push(req.to_step)}`
  return { step, isNan, bad: nonFiniteSql(isNan), from, bind }
}

const byStep = (a: PointRow, b: PointRow): number =>
  Number(a.step) - Number(b.step) || Number(a.timestamp) - Number(b.timestamp) || Number(a.value) - Number(b.value) || Number(a.is_nan) - Number(b.is_nan)

/**
 * A metric history cut down for a chart, in SQL, without sorting the history: at most
 * max_points points for the steps in [from_step, to_step], keeping every bucket's first and
 * last point, its finite minimum and maximum (so the window's extremes are exact) and its
 * first NaN/inf point. A window with no more than max_points rows comes back exactly (every
 * row, duplicate steps included), ordered by step rather than MLflow's timestamp order.
 *
 * Staged, each stage one pass at most (an index on (run_uuid, key, step), as `mlflow-desk
 * indexes create` adds, turns the first two into probes):
 *  1. the first max_points + 1 rows by step: when they are all, that is the answer;
 *  2. the window's lowest and highest step;
 *  3. per equal-width step bucket: count, first/last step, finite min/max, first non-finite step
 *     (a hash aggregate over the window; the bucket is computed in float8 and clamped, so steps
 *     up to 2^63 and negative steps are safe, and rounding can only move a point to a neighbour);
 *  4. the rows that hold those values, matched per row against its own bucket's (arrays
 *     indexed by bucket, not a join), from which each bucket's five points are picked here.
 */
export function downsampleHistory(store: StoreHandle, req: SeriesRequest): Promise<MetricSeries> {
  // One snapshot for the stages (a history still being logged cannot change between them), one transaction's round trips.
  return store.read((r) => downsampleIn(store, r, req))
}

async function downsampleIn(store: StoreHandle, reader: Reader, req: SeriesRequest): Promise<MetricSeries> {
  const q = seriesSql(store, req)
  const head = await reader.select<PointRow>(
    `SELECT m.value, m.timestamp, ${q.step} AS step, ${q.isNan} AS is_nan ${q.from} ORDER BY ${q.step}, m.timestamp, m.value LIMIT ${req.max_points + 1}`,
    q.bind,
  )
  if (head.length === 0) {
    await assertRunExists(store, req.run_id, reader)
    return { metrics: [], sampled: false, total_points: 0, bucket_width: null }
  }
  if (head.length <= req.max_points)
    return { metrics: head.sort(byStep).map((r) => toMetric(req.metric_key, r)), sampled: false, total_points: head.length, bucket_width: null }

  const [{ lo, hi }] = await reader.select<{ lo: number; hi: number }>(`SELECT min(${q.step}) AS lo, max(${q.step}) AS hi ${q.from}`, q.bind)
  const buckets = Math.max(1, Math.floor(req.max_points / POINTS_PER_BUCKET))
  // Steps per bucket; float8 on both sides (JS numbers are float8), so SQL and the width agree.
  const scale = buckets / (Number(hi) - Number(lo) + 1)
  const n = q.bind.length
  const bucketOf = `least(${buckets - 1}, floor((${q.step}::float8 - $${n + 1}::float8) * $${n + 2}::float8))::int`
  const stats = await reader.select<BucketRow>(
    `SELECT b, count(*)::int AS n, min(step) AS s0, max(step) AS s1,
            min(value) FILTER (WHERE NOT bad) AS v0, max(value) FILTER (WHERE NOT bad) AS v1, min(step) FILTER (WHERE bad) AS sb
       FROM (SELECT ${bucketOf} AS b, ${q.step} AS step, m.value, ${q.bad} AS bad ${q.from}) x
      GROUP BY b`,
    [...q.bind, Number(lo), scale],
  )
  const byBucket = new Array<BucketRow | undefined>(buckets)
  for (const s of stats) byBucket[s.b] = s
  const column = <K extends keyof BucketRow>(k: K) => Array.from(byBucket, (s) => (s ? s[k] : null))
  const m = n + 2
  const candidates = await reader.select<Candidate>(
    `SELECT b, value, timestamp, step, is_nan, bad FROM (
       SELECT ${bucketOf} AS b, m.value, m.timestamp, ${q.step} AS step, ${q.isNan} AS is_nan, ${q.bad} AS bad ${q.from}) x
      WHERE step = ($${m + 1}::bigint[])[b + 1] OR step = ($${m + 2}::bigint[])[b + 1] OR step = ($${m + 5}::bigint[])[b + 1]
         OR (NOT bad AND (value = ($${m + 3}::float8[])[b + 1] OR value = ($${m + 4}::float8[])[b + 1]))`,
    [...q.bind, Number(lo), scale, column('s0'), column('s1'), column('v0'), column('v1'), column('sb')],
  )
  const points = pickBucketPoints(candidates, byBucket)
  return {
    metrics: points.map((r) => toMetric(req.metric_key, r)),
    sampled: true,
    total_points: stats.reduce((sum, s) => sum + s.n, 0),
    bucket_width: 1 / scale,
  }
}

/** One metric of several runs, each run's history in the step window, as far as it fits. */
export interface KeyAcrossRuns {
  run_ids: string[]
  metric_key: string
  max_points: number
  from_step?: number | null
  to_step?: number | null
}

/**
 * One metric of several runs read together, for the runs whose window holds no more than
 * max_points points (the whole series, as downsampleHistory returns it); the others map to
 * null, for downsampleHistory. MLflow's metric_pk leads with the key, so without the step
 * index one scan of the key's range serves every run, where a statement per run scans the
 * range once per run. Two statements in one snapshot: each run's point count, then every point
 * of the runs that fit. Runs without the metric get an empty series (the caller checks they exist).
 */
export function seriesThatFit(store: StoreHandle, req: KeyAcrossRuns): Promise<Map<string, MetricSeries | null>> {
  const step = store.capabilities.metricSteps ? 'm.step' : '0::bigint'
  const isNan = store.capabilities.metricNaN ? 'm.is_nan' : 'false'
  // $1 the runs, $2 the key, then the window.
  const bind: unknown[] = [req.run_ids, req.metric_key]
  let where = 'm.key = $2 AND m.run_uuid = ANY($1::text[])'
  if (req.from_step !== null && req.from_step !== undefined) where += ` AND ${step} >= $${bind.push(req.from_step)}`
  if (req.to_step !== null && req.to_step !== undefined) where += ` AND ${step} <= $${bind.push(req.to_step)}`
  return store.read(async (reader) => {
    const counts = await reader.select<{ run_uuid: string; n: number }>(
      `SELECT m.run_uuid, count(*)::int AS n FROM metrics m WHERE ${where} GROUP BY m.run_uuid`,
      bind,
    )
    const out = new Map<string, MetricSeries | null>(req.run_ids.map((id) => [id, { metrics: [], sampled: false, total_points: 0, bucket_width: null }]))
    const fit: string[] = []
    for (const c of counts) {
      if (c.n > req.max_points) out.set(c.run_uuid, null)
      else fit.push(c.run_uuid)
    }
    if (!fit.length) return out
    const rows = await reader.select<PointRow & { run_uuid: string }>(
      `SELECT m.run_uuid, m.value, m.timestamp, ${step} AS step, ${isNan} AS is_nan FROM metrics m WHERE ${where}`,
      [fit, ...bind.slice(1)],
    )
    const byRun = new Map<string, PointRow[]>(fit.map((id) => [id, []]))
    for (const r of rows) byRun.get(r.run_uuid)?.push(r)
    for (const [id, points] of byRun)
      out.set(id, { metrics: points.sort(byStep).map((r) => toMetric(req.metric_key, r)), sampled: false, total_points: points.length, bucket_width: null })
    return out
  })
}

function toMetric(key: string, r: PointRow): Metric {
  return { key, value: metricValue(r.value, r.is_nan), timestamp: Number(r.timestamp), step: Number(r.step) }
}

/**
 * Each bucket's first point (its lowest step, earliest), last (highest step, latest), the first
 * points holding its finite min and max, and its first non-finite point; one row may fill
 * several roles. Returned sorted by step.
 */
export function pickBucketPoints(candidates: Candidate[], buckets: ReadonlyArray<BucketRow | undefined>): PointRow[] {
  const chosen = new Map<number, Map<string, Candidate>>()
  const offer = (role: string, c: Candidate, better: (a: Candidate, b: Candidate) => boolean) => {
    let roles = chosen.get(c.b)
    if (!roles) chosen.set(c.b, (roles = new Map()))
    const held = roles.get(role)
    if (!held || better(c, held)) roles.set(role, c)
  }
  const earlier = (a: Candidate, b: Candidate) => byStep(a, b) < 0
  for (const c of candidates) {
    const s = buckets[c.b]
    if (!s) continue
    if (Number(c.step) === Number(s.s0)) offer('first', c, earlier)
    if (Number(c.step) === Number(s.s1)) offer('last', c, (a, b) => byStep(a, b) > 0)
    if (c.bad && s.sb !== null && Number(c.step) === Number(s.sb)) offer('bad', c, earlier)
    if (!c.bad && s.v0 !== null && Number(c.value) === Number(s.v0)) offer('min', c, earlier)
    if (!c.bad && s.v1 !== null && Number(c.value) === Number(s.v1)) offer('max', c, earlier)
  }
  const unique = new Set<Candidate>()
  for (const roles of chosen.values()) for (const c of roles.values()) unique.add(c)
  return [...unique].sort(byStep)
}
