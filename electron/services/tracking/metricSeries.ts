import type { ReadOptions, Reader, StoreHandle } from '../connections/storeConnection'
import type { Metric } from '@shared/domain/mlflow'
import { assertRunExists } from './metricHistory'
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

/** NaN (MLflow's is_nan, or a NaN value), or +-inf (MLflow stores +-1.7976931348623157e308): never an extreme. */
export function nonFiniteSql(isNan: string): string {
  return `(${isNan} OR m.value = 'NaN'::float8 OR abs(m.value) >= 1.7976931348623157e308)`
}

const byStep = (a: PointRow, b: PointRow): number =>
  Number(a.step) - Number(b.step) || Number(a.timestamp) - Number(b.timestamp) || Number(a.value) - Number(b.value) || Number(a.is_nan) - Number(b.is_nan)

/** One run's histories of several keys, each cut down as downsampleHistory cuts one. */
export interface RunSeriesRequest {
  run_id: string
  metric_keys: readonly string[]
  max_points: number
  from_step?: number | null
  to_step?: number | null
}

/**
 * A metric history cut down for a chart: at most max_points points for the steps in
 * [from_step, to_step], keeping every bucket's first and last point, its finite minimum and
 * maximum (so the window's extremes are exact) and its first NaN/inf point. A window with no
 * more than max_points rows comes back exactly (every row, duplicate steps included), ordered by
 * step rather than MLflow's timestamp order.
 */
export async function downsampleHistory(store: StoreHandle, req: SeriesRequest): Promise<MetricSeries> {
  const { run_id, metric_key, ...window } = req
  return (await readRunSeries(store, { run_id, metric_keys: [metric_key], ...window })).get(metric_key)!
}

/** Per key: its rows in the window (n), and their lowest and highest step. */
interface Extent {
  key: string
  n: number
  lo: number
  hi: number
}

/**
 * Per key and bucket of a sampled key: its row count and the points it keeps, each as
 * [step, timestamp, value, is_nan] in float8 (`low` and `high` lead with the value, `high`'s negated).
 */
interface BucketRow {
  k: number
  n: number
  first: number[]
  last: number[]
  low: number[] | null
  high: number[] | null
  bad: number[] | null
}

/**
 * Every key's series of one run (a key the run never logged: an empty series; a run the store does
 * not hold: NOT_FOUND naming it), over one snapshot, each statement reading the run's rows of those
 * keys once and never a key's rows of every run (metricRowsFrom). Usually ONE pass over the run's
 * rows: the buckets need each key's lowest and highest step in the window, which a pass would have
 * to count first; they are taken from latest_metrics instead (the step MLflow keeps there is the
 * key's highest; the lowest is guessed as 0, or the window's start), and the pass's own answer
 * checks the guess:
 *  1. per equal-width step bucket of each key (computed in float8 and clamped, so steps up to 2^63
 *     and negative steps are safe, and rounding can only move a point to a neighbour), by one hash
 *     aggregate: the count and the points the bucket keeps, each the least of an array ordered as
 *     its role orders rows (first: step, timestamp, value, is_nan; lowest finite: value, then the
 *     earliest of those; ...). No sort of the history;
 *  2. the keys with no more than max_points rows: their rows, all of them;
 *  3. the keys whose lowest or highest step was not the guess: step 1 again with the extents step 1
 *     found (its first and last points are the window's lowest and highest steps).
 * The answer is the same as counting first would give; a wrong guess costs the pass it saved.
 */
export function readRunSeries(store: StoreHandle, req: RunSeriesRequest, opts?: ReadOptions): Promise<Map<string, MetricSeries>> {
  // One snapshot (a history still being logged cannot change between the statements), one transaction's round trips.
  return store.read((reader) => readRunSeriesIn(store, reader, req), opts)
}

async function readRunSeriesIn(store: StoreHandle, reader: Reader, req: RunSeriesRequest): Promise<Map<string, MetricSeries>> {
  const step = store.capabilities.metricSteps ? 'm.step' : '0::bigint'
  const isNan = store.capabilities.metricNaN ? 'm.is_nan' : 'false'
  const access = await metricAccess(store)
  const window = { max_points: req.max_points, from_step: req.from_step, to_step: req.to_step }
  if (access === 'step') {
    const out = new Map<string, MetricSeries>()
    for (const key of req.metric_keys) out.set(key, await downsampleByProbes(store, reader, { run_id: req.run_id, metric_key: key, ...window }))
    return out
  }
  // $1 the run, $2 the keys, then the window.
  const rowsOf = (bind: unknown[]): string => {
    const where = { runs: 'm.run_uuid = $1', keys: 'm.key = ANY($2::text[])', steps: [] as string[] }
    if (req.from_step !== null && req.from_step !== undefined) where.steps.push(`${step} >= $${bind.push(req.from_step)}`)
    if (req.to_step !== null && req.to_step !== undefined) where.steps.push(`${step} <= $${bind.push(req.to_step)}`)
    return metricRowsFrom(access, where)
  }
  const sql = { step, isNan, rowsOf }
  const out = new Map<string, MetricSeries>(req.metric_keys.map((k) => [k, { metrics: [], sampled: false, total_points: 0, bucket_width: null }]))
  const guessed = await guessExtents(store, reader, req)
  const found = new Map<string, Extent>()
  const whole: string[] = []
  let retry: Extent[] = []
  const sample = (extents: readonly Extent[], stats: Map<string, BucketRow[]>, check: boolean) => {
    for (const e of extents) {
      const rows = stats.get(e.key) ?? []
      if (!rows.length) continue
      const n = rows.reduce((sum, r) => sum + r.n, 0)
      const actual = { key: e.key, n, lo: Math.min(...rows.map((r) => r.first[0])), hi: Math.max(...rows.map((r) => r.last[0])) }
      found.set(e.key, actual)
      if (n <= req.max_points) whole.push(e.key)
      else if (check && (actual.lo !== Number(e.lo) || actual.hi !== Number(e.hi))) retry.push(actual)
      else out.set(e.key, sampledSeries(e, rows, bucketsFor(req.max_points)))
    }
  }
  sample(guessed, await bucketStats(reader, sql, req, guessed), true)
  if (!found.size) {
    await assertRunExists(store, req.run_id, reader)
    return out
  }
  if (retry.length) {
    const exact = retry
    retry = []
    sample(exact, await bucketStats(reader, sql, req, exact), false)
  }
  if (whole.length) {
    const b = [req.run_id, whole]
    const rows = await reader.select<PointRow & { key: string }>(`SELECT m.key, m.value, m.timestamp, ${step} AS step, ${isNan} AS is_nan FROM ${rowsOf(b)}`, b)
    for (const key of whole) {
      const points = rows.filter((r) => r.key === key).sort(byStep)
      out.set(key, { metrics: points.map((r) => toMetric(key, r)), sampled: false, total_points: points.length, bucket_width: null })
    }
  }
  return out
}

/**
 * Each key's likely lowest and highest step in the window, without reading its history: the
 * highest is the step latest_metrics holds (MLflow keeps the row of the highest step there), the
 * lowest 0 (or the window's start). A key with neither gets [0, 0]: every step 0, as a history
 * logged without steps is. Only a guess: readRunSeriesIn checks it against what it reads.
 */
async function guessExtents(store: StoreHandle, reader: Reader, req: RunSeriesRequest): Promise<Extent[]> {
  const latest = new Map<string, number>()
  if (store.capabilities.latestMetrics && store.capabilities.metricSteps) {
    const rows = await reader.select<{ key: string; step: string }>('SELECT key, step FROM latest_metrics WHERE run_uuid = $1 AND key = ANY($2::text[])', [
      req.run_id,
      req.metric_keys,
    ])
    for (const r of rows) latest.set(r.key, Number(r.step))
  }
  const from = req.from_step ?? null
  const to = req.to_step ?? null
  return req.metric_keys.map((key) => {
    const lo = from !== null ? Number(from) : Math.min(0, latest.get(key) ?? 0)
    const last = latest.get(key) ?? lo
    return { key, n: 0, lo, hi: to !== null ? Math.min(Number(to), last) : last }
  })
}

/** Buckets per sampled series: each keeps 5 points at most, so max_points / 5. */
const bucketsFor = (maxPoints: number): number => Math.max(1, Math.floor(maxPoints / POINTS_PER_BUCKET))

/** Steps per bucket for a key's extent; float8 on both sides (JS numbers are float8), so SQL and the width agree. */
const scaleOf = (e: Extent, buckets: number): number => buckets / Math.max(1, Number(e.hi) - Number(e.lo) + 1)

/**
 * Each key's buckets over its extent `e.lo`..`e.hi` (a row outside it is clamped into the first or
 * last bucket), by key. The keys' extents are joined to the rows as a three-column list: one hash
 * probe per row, no per-row array lookups.
 */
async function bucketStats(
  reader: Reader,
  sql: { step: string; isNan: string; rowsOf: (bind: unknown[]) => string },
  req: RunSeriesRequest,
  extents: readonly Extent[],
): Promise<Map<string, BucketRow[]>> {
  const buckets = bucketsFor(req.max_points)
  const bind: unknown[] = [req.run_id, extents.map((e) => e.key)]
  const from = sql.rowsOf(bind)
  const lo = `$${bind.push(extents.map((e) => Number(e.lo)))}::float8[]`
  const scale = `$${bind.push(extents.map((e) => scaleOf(e, buckets)))}::float8[]`
  const point = (...columns: string[]) => `ARRAY[${columns.join(', ')}]`
  const rows = await reader.select<BucketRow>(
    `SELECT k, count(*)::int AS n, min(p) AS first, max(p) AS last, min(p) FILTER (WHERE bad) AS bad,
            min(${point('value', 'step', 'ts', 'nan')}) FILTER (WHERE NOT bad) AS low,
            min(${point('-value', 'step', 'ts', 'nan')}) FILTER (WHERE NOT bad) AS high
       FROM (SELECT s.k, greatest(0, least(${buckets - 1}, floor((${sql.step}::float8 - s.lo) * s.scale)))::int AS b,
                    ${point(`${sql.step}::float8`, 'm.timestamp::float8', 'm.value', `${sql.isNan}::int::float8`)} AS p,
                    ${sql.step}::float8 AS step, m.timestamp::float8 AS ts, m.value, ${sql.isNan}::int::float8 AS nan, ${nonFiniteSql(sql.isNan)} AS bad
               FROM ${from} JOIN unnest($2::text[], ${lo}, ${scale}) WITH ORDINALITY AS s(key, lo, scale, k) ON s.key = m.key) x
      GROUP BY k, b`,
    bind,
  )
  const out = new Map<string, BucketRow[]>()
  for (const r of rows) {
    const key = extents[Number(r.k) - 1].key
    const rows = out.get(key)
    if (rows) rows.push(r)
    else out.set(key, [r])
  }
  return out
}

/** A sampled key's series from its buckets: every bucket's first, last, lowest, highest and first non-finite point, once each. */
function sampledSeries(e: Extent, stats: readonly BucketRow[], buckets: number): MetricSeries {
  const kept = new Map<string, PointRow>()
  const keep = (p: number[] | null, lead: 'step' | 'value' = 'step', negate = false) => {
    if (!p) return
    const [a, b, c, nan] = p
    const point = lead === 'step' ? { step: a, timestamp: b, value: c } : { value: negate ? -a : a, step: b, timestamp: c }
    kept.set(`${point.step}/${point.timestamp}/${point.value}/${nan}`, { ...point, is_nan: nan === 1 })
  }
  let total = 0
  for (const r of stats) {
    total += r.n
    keep(r.first)
    keep(r.last)
    keep(r.low, 'value')
    keep(r.high, 'value', true)
    keep(r.bad)
  }
  return { metrics: [...kept.values()].sort(byStep).map((r) => toMetric(e.key, r)), sampled: true, total_points: total, bucket_width: 1 / scaleOf(e, buckets) }
}

function toMetric(key: string, r: PointRow): Metric {
  return { key, value: metricValue(r.value, r.is_nan), timestamp: Number(r.timestamp), step: Number(r.step) }
}

/*
 * With our step index (run_uuid, key, step), a series is cheaper read by probes and two passes
 * over the index than by the one-pass aggregate (1M points: 1.1 s against 2.4 s, the arrays
 * cost more per row than the index entries do):
 *  1. the first max_points + 1 rows by step: when they are all, that is the answer;
 *  2. the window's lowest and highest step (two probes);
 *  3. per bucket: count, first/last step, finite min/max, first non-finite step (a hash aggregate over the index);
 *  4. the rows that hold those values, matched per row against its own bucket's (arrays indexed
 *     by bucket, not a join), from which each bucket's five points are picked here.
 */

/** Per bucket: how many rows, its first and last step, finite extremes and first non-finite step. */
interface StepBucket {
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

function probeSql(store: StoreHandle, req: SeriesRequest): SeriesSql {
  const step = store.capabilities.metricSteps ? 'm.step' : '0::bigint'
  const isNan = store.capabilities.metricNaN ? 'm.is_nan' : 'false'
  const bind: unknown[] = [req.run_id, req.metric_key]
  let from = 'FROM metrics m WHERE m.run_uuid = $1 AND m.key = $2'
  if (req.from_step !== null && req.from_step !== undefined) from += ` AND ${step} >= $${bind.push(req.from_step)}`
  if (req.to_step !== null && req.to_step !== undefined) from += ` AND ${step} <= $${bind.push(req.to_step)}`
  return { step, isNan, bad: nonFiniteSql(isNan), from, bind }
}

async function downsampleByProbes(store: StoreHandle, reader: Reader, req: SeriesRequest): Promise<MetricSeries> {
  const q = probeSql(store, req)
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
  const stats = await reader.select<StepBucket>(
    `SELECT b, count(*)::int AS n, min(step) AS s0, max(step) AS s1,
            min(value) FILTER (WHERE NOT bad) AS v0, max(value) FILTER (WHERE NOT bad) AS v1, min(step) FILTER (WHERE bad) AS sb
       FROM (SELECT ${bucketOf} AS b, ${q.step} AS step, m.value, ${q.bad} AS bad ${q.from}) x
      GROUP BY b`,
    [...q.bind, Number(lo), scale],
  )
  const byBucket = new Array<StepBucket | undefined>(buckets)
  for (const s of stats) byBucket[s.b] = s
  const column = <K extends keyof StepBucket>(k: K) => Array.from(byBucket, (s) => (s ? s[k] : null))
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

/**
 * Each bucket's first point (its lowest step, earliest), last (highest step, latest), the first
 * points holding its finite min and max, and its first non-finite point; one row may fill
 * several roles. Returned sorted by step.
 */
export function pickBucketPoints(candidates: Candidate[], buckets: ReadonlyArray<StepBucket | undefined>): PointRow[] {
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
