import type { Reader, StoreHandle } from '../connections/storeConnection'
import type { Metric } from '@shared/domain/mlflow'
import { assertRunsExist } from './metricHistory'
import { metricAccess, metricRowsFrom } from './metricRows'
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

/** NaN (MLflow's is_nan, or a NaN value), or +-inf (MLflow stores +-1.7976931348623157e308): never an extreme. */
export function nonFiniteSql(isNan: string): string {
  return `(${isNan} OR m.value = 'NaN'::float8 OR abs(m.value) >= 1.7976931348623157e308)`
}

const byStep = (a: PointRow, b: PointRow): number =>
  Number(a.step) - Number(b.step) || Number(a.timestamp) - Number(b.timestamp) || Number(a.value) - Number(b.value) || Number(a.is_nan) - Number(b.is_nan)

/** Several runs' histories of several keys, each cut down as downsampleHistory cuts one. */
export interface SeriesBatch {
  run_ids: readonly string[]
  metric_keys: readonly string[]
  max_points: number
  from_step?: number | null
  to_step?: number | null
}

/** Where a run's series of a key sits in readSeries' answer. */
export const seriesKey = (runId: string, key: string): string => `${runId}\u0000${key}`

/**
 * A metric history cut down for a chart: at most max_points points for the steps in
 * [from_step, to_step], keeping every bucket's first and last point, its finite minimum and
 * maximum (so the window's extremes are exact) and its first NaN/inf point. A window with no
 * more than max_points rows comes back exactly (every row, duplicate steps included), ordered by
 * step rather than MLflow's timestamp order.
 */
export async function downsampleHistory(store: StoreHandle, req: SeriesRequest): Promise<MetricSeries> {
  const { run_id, metric_key, ...window } = req
  const answer = await readSeries(store, { run_ids: [run_id], metric_keys: [metric_key], ...window })
  return answer.get(seriesKey(run_id, metric_key))!
}

/**
 * Every run x key series of a batch, in two statements over one snapshot, each reading the
 * runs' rows of those keys once or twice, never a key's rows of the whole store (metricRowsFrom):
 *  1. per series: its row count and lowest and highest step in the window;
 *  2. the rows of the series that fit max_points whole, and for the others, per equal-width step
 *     bucket (computed in float8 and clamped, so steps up to 2^63 and negative steps are safe,
 *     and rounding can only move a point to a neighbour) the count, first/last step, finite
 *     min/max and first non-finite step, joined back to the rows that hold them (hash aggregate
 *     and hash join, no sort) — from which each bucket's five points are picked here.
 * A run without a key's rows gets an empty series; a run id the store does not hold is an error naming it.
 */
export function readSeries(store: StoreHandle, req: SeriesBatch): Promise<Map<string, MetricSeries>> {
  // One snapshot (a history still being logged cannot change between the statements), one transaction's round trips.
  return store.read((reader) => readSeriesIn(store, reader, req))
}

interface Extent {
  run_uuid: string
  key: string
  n: number
  lo: number
  hi: number
}

async function readSeriesIn(store: StoreHandle, reader: Reader, req: SeriesBatch): Promise<Map<string, MetricSeries>> {
  const step = store.capabilities.metricSteps ? 'm.step' : '0::bigint'
  const isNan = store.capabilities.metricNaN ? 'm.is_nan' : 'false'
  const access = await metricAccess(reader)
  const rowsOf = (bind: unknown[], runs: readonly string[], keys: readonly string[]): string => {
    const where = { runs: `m.run_uuid = ANY($${bind.push(runs)}::text[])`, keys: `m.key = ANY($${bind.push(keys)}::text[])`, steps: [] as string[] }
    if (req.from_step !== null && req.from_step !== undefined) where.steps.push(`${step} >= $${bind.push(req.from_step)}`)
    if (req.to_step !== null && req.to_step !== undefined) where.steps.push(`${step} <= $${bind.push(req.to_step)}`)
    return metricRowsFrom(access, where)
  }
  const bind1: unknown[] = []
  const extents = await reader.select<Extent>(
    `SELECT m.run_uuid, m.key, count(*)::int AS n, min(${step}) AS lo, max(${step}) AS hi
       FROM ${rowsOf(bind1, req.run_ids, req.metric_keys)} GROUP BY m.run_uuid, m.key`,
    bind1,
  )
  const out = new Map<string, MetricSeries>()
  for (const run of req.run_ids)
    for (const key of req.metric_keys) out.set(seriesKey(run, key), { metrics: [], sampled: false, total_points: 0, bucket_width: null })
  const withRows = new Set(extents.map((e) => e.run_uuid))
  const without = req.run_ids.filter((id) => !withRows.has(id))
  if (without.length) await assertRunsExist(store, without, reader)
  if (!extents.length) return out

  const buckets = Math.max(1, Math.floor(req.max_points / POINTS_PER_BUCKET))
  // Steps per bucket; float8 on both sides (JS numbers are float8), so SQL and the width agree. Null: the series fits whole.
  const scales = extents.map((e) => (e.n > req.max_points ? buckets / (Number(e.hi) - Number(e.lo) + 1) : null))
  const bind2: unknown[] = []
  const p = (values: unknown[], type: string) => `$${bind2.push(values)}::${type}[]`
  const pairs = `unnest(${p(extents.map((e) => e.run_uuid), 'text')}, ${p(extents.map((e) => e.key), 'text')}, ${p(
    extents.map((e) => Number(e.lo)),
    'float8',
  )}, ${p(scales, 'float8')}) AS p(run_uuid, key, lo, scale)`
  const from = rowsOf(bind2, [...new Set(extents.map((e) => e.run_uuid))], [...new Set(extents.map((e) => e.key))])
  const rows = await reader.select<Candidate & Partial<BucketRow> & { run_uuid: string; key: string; whole: boolean }>(
    `WITH x AS NOT MATERIALIZED (
       SELECT m.run_uuid, m.key, m.value, m.timestamp, ${step} AS step, ${isNan} AS is_nan, ${nonFiniteSql(isNan)} AS bad, p.scale IS NULL AS whole,
              CASE WHEN p.scale IS NULL THEN 0 ELSE least(${buckets - 1}, floor((${step}::float8 - p.lo) * p.scale))::int END AS b
         FROM ${from} JOIN ${pairs} ON p.run_uuid = m.run_uuid AND p.key = m.key),
     s AS (
       SELECT run_uuid, key, b, count(*)::int AS n, min(step) AS s0, max(step) AS s1,
              min(value) FILTER (WHERE NOT bad) AS v0, max(value) FILTER (WHERE NOT bad) AS v1, min(step) FILTER (WHERE bad) AS sb
         FROM x WHERE NOT whole GROUP BY run_uuid, key, b)
     SELECT x.run_uuid, x.key, x.b, x.value, x.timestamp, x.step, x.is_nan, x.bad, x.whole, s.n, s.s0, s.s1, s.v0, s.v1, s.sb
       FROM x LEFT JOIN s ON s.run_uuid = x.run_uuid AND s.key = x.key AND s.b = x.b
      WHERE x.whole OR x.step = s.s0 OR x.step = s.s1 OR x.step = s.sb OR (NOT x.bad AND (x.value = s.v0 OR x.value = s.v1))`,
    bind2,
  )
  const grouped = new Map<string, typeof rows>()
  for (const r of rows) {
    const k = seriesKey(r.run_uuid, r.key)
    const list = grouped.get(k)
    if (list) list.push(r)
    else grouped.set(k, [r])
  }
  extents.forEach((e, i) => {
    const k = seriesKey(e.run_uuid, e.key)
    const found = grouped.get(k) ?? []
    const scale = scales[i]
    if (scale === null) {
      out.set(k, { metrics: found.sort(byStep).map((r) => toMetric(e.key, r)), sampled: false, total_points: found.length, bucket_width: null })
      return
    }
    const byBucket = new Array<BucketRow | undefined>(buckets)
    for (const r of found) byBucket[r.b] ??= r as BucketRow
    out.set(k, {
      metrics: pickBucketPoints(found, byBucket).map((r) => toMetric(e.key, r)),
      sampled: true,
      total_points: byBucket.reduce((sum, s) => sum + (s?.n ?? 0), 0),
      bucket_width: 1 / scale,
    })
  })
  return out
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
