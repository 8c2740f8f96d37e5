import { encodeCell, MAX_DOUBLE } from './copyWriter'
import { mix32, rngFor, type Rng } from './random'
import type { RunSkel, World } from './types'

/** 2^40: a step beyond 32 bits, as MLflow allows (steps are BIGINT). */
export const HUGE_STEP = 2 ** 40

/** [step, timestamp offset from the run's start + 1 s, value]: the quirky histories of ../shared/mlflow-schema.md. */
const SPECIAL_POINTS: Record<string, ReadonlyArray<readonly [number, number, number]>> = {
  // NaN, then +inf and -inf: the latest value is -inf, stored as -max double.
  unstable: [
    [0, 3, NaN],
    [1, 10, 1.5],
    [2, 17, Infinity],
    [3, 24, -Infinity],
  ],
  // The latest value is NaN: latest_metrics gets value 0, is_nan true.
  diverged: [
    [0, 3, 0.3],
    [1, 10, NaN],
  ],
  // A repeated step, a negative step, 2^40, and two values at the same (step, timestamp)
  // so the value decides which one is latest.
  dup_step: [
    [5, 3, 1],
    [5, 10, 2],
    [-3, 11, -1],
    [HUGE_STEP, 14, 3],
    [HUGE_STEP, 14, 2.5],
  ],
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6

/** A curve over training progress t in [0, 1] plus a noise amplitude, shaped by the run's quality. */
function curveFor(key: string, run: RunSkel, r: Rng): [(t: number) => number, number] {
  const q = run.quality
  const decay =
    (s0: number, e: number, k = 4) =>
    (t: number) =>
      e + (s0 - e) * Math.exp(-k * t)
  const rise =
    (s0: number, a: number, k = 4) =>
    (t: number) =>
      a - (a - s0) * Math.exp(-k * t)
  switch (key) {
    case 'loss':
      return [decay(2 + r.next() * 0.5, 0.03 + 0.45 * (1 - q)), 0.02]
    case 'val_loss': {
      const base = decay(2.1 + r.next() * 0.5, 0.08 + 0.5 * (1 - q))
      const overfit = 0.3 * (1 - q)
      return [(t) => base(t) + overfit * Math.max(0, t - 0.6), 0.03]
    }
    case 'acc':
      return [rise(0.1, 0.55 + 0.42 * q), 0.01]
    case 'val_acc':
      return [rise(0.1, 0.97 * (0.55 + 0.42 * q)), 0.012]
    case 'auc':
      return [rise(0.5, 0.6 + 0.38 * q), 0.008]
    case 'f1':
      return [rise(0.2, 0.4 + 0.5 * q), 0.01]
    case 'perplexity':
      return [decay(80, 1.5 + 20 * (1 - q)), 0.5]
    case 'lr': {
      const lr0 = Number(run.lr)
      return [(t) => Math.round(lr0 * 0.5 * (1 + Math.cos(Math.PI * t)) * 1e10) / 1e10, 0]
    }
    case 'rmse':
      return [decay(12, 0.5 + 4 * (1 - q), 3), 0.1]
    case 'mae':
      return [decay(9, 0.4 + 3 * (1 - q), 3), 0.08]
    case 'mape':
      return [decay(60, 3 + 20 * (1 - q), 3), 0.5]
    case 'r2':
      return [rise(-0.2, 0.3 + 0.65 * q, 3), 0.01]
    case 'best_val_acc':
      return [(t) => 0.5 + (0.35 * q + 0.1) * (1 - Math.exp(-3 * t)), 0]
    case 'epoch_time_s': {
      const v = 20 + 60 * r.next()
      return [() => v, 0]
    }
    default:
      return [decay(1.5, 0.2), 0.02]
  }
}

/**
 * One metric history of one run, produced point by point without allocating
 * (the 1,000,000-step history never exists as an array). Timestamps increase
 * strictly inside a history, and every key of a run shares the per-step time,
 * as log_metrics() writes them.
 */
export class Series {
  step = 0
  timestamp = 0
  value = 0
  private i = -1
  private readonly n: number
  private readonly points: ReadonlyArray<readonly [number, number, number]> | null
  private readonly t0: number
  private readonly dt: number
  private readonly half: number
  private readonly curve: (t: number) => number
  private readonly noise: number
  private readonly r: Rng
  private readonly nanAt: number
  private readonly infAt: number
  private readonly acc: boolean
  /** lr values are tiny: six decimals would flatten them. */
  private readonly round: boolean

  constructor(
    world: World,
    private readonly run: RunSkel,
    keyIndex: number,
  ) {
    const key = run.keys[keyIndex]
    this.r = rngFor(world.seed, 'metric', run.index, keyIndex)
    this.points = SPECIAL_POINTS[key] ?? null
    this.n = this.points ? this.points.length : key === 'epoch_time_s' ? 1 : run.steps
    this.t0 = run.start + 1_000
    this.dt = Math.max(2, Math.floor(((run.end ?? world.now) - this.t0 - 1_000) / (this.n + 1)))
    this.half = Math.floor(this.dt / 2)
    ;[this.curve, this.noise] = curveFor(key, run, this.r)
    this.acc = /acc|auc|f1/.test(key)
    this.round = key !== 'lr'
    const spiky = run.special === 'spiky'
    this.nanAt = spiky && keyIndex === 0 ? Math.floor(this.n / 2) : -1
    this.infAt = spiky && keyIndex === 2 ? Math.floor(this.n / 3) : -1
  }

  next(): boolean {
    const i = ++this.i
    if (i >= this.n) return false
    if (this.points) {
      const [step, offset, value] = this.points[i]
      this.step = step
      this.timestamp = this.t0 + offset
      this.value = value
      return true
    }
    this.step = i * this.run.stride
    this.timestamp = this.t0 + (i + 1) * this.dt + (this.half ? mix32(this.run.index * 65_599 + i) % this.half : 0)
    let v = this.curve(this.n > 1 ? i / (this.n - 1) : 1)
    if (this.noise) v += (this.r.next() - 0.5) * 2 * this.noise
    if (this.round) v = round6(v)
    if (this.acc) v = Math.min(1, Math.max(0, v))
    if (i === this.nanAt) v = NaN
    else if (i === this.infAt) v = Infinity
    this.value = v
    return true
  }
}

/** MLflow's stored form: NaN as 0 with is_nan, +-inf as +-max double. */
export function storedValue(v: number): number {
  if (Number.isNaN(v)) return 0
  if (v === Infinity) return MAX_DOUBLE
  if (v === -Infinity) return -MAX_DOUBLE
  return v
}

export interface LatestMetric {
  key: string
  value: number
  timestamp: number
  step: number
  isNan: boolean
  runId: string
}

export const METRIC_COLUMNS = ['key', 'value', 'timestamp', 'run_uuid', 'step', 'is_nan'] as const
export const LATEST_COLUMNS = ['key', 'value', 'timestamp', 'step', 'is_nan', 'run_uuid'] as const

const CHUNK = 256 * 1024

/**
 * COPY text for `metrics`, in chunks, for every run of the world. While the rows
 * stream by, the latest entry of each (run, key) is kept by MLflow's rule: the
 * greatest (step, timestamp, value), comparing the stored value (NaN as 0).
 */
export function* metricChunks(world: World, latest: LatestMetric[], onRows?: (rows: number) => void): Generator<string> {
  let buf = ''
  let rows = 0
  for (const run of world.runs) {
    for (let k = 0; k < run.keys.length; k++) {
      const key = encodeCell(run.keys[k])
      const s = new Series(world, run, k)
      // Scalars rather than an object per improvement: most rows improve on the last one.
      let has = false
      let bStep = 0
      let bTs = 0
      let bVal = 0
      let bNan = false
      while (s.next()) {
        const isNan = Number.isNaN(s.value)
        const stored = storedValue(s.value)
        buf += `${key}\t${stored}\t${s.timestamp}\t${run.id}\t${s.step}\t${isNan ? 't' : 'f'}\n`
        if (!has || s.step > bStep || (s.step === bStep && (s.timestamp > bTs || (s.timestamp === bTs && stored > bVal)))) {
          has = true
          bStep = s.step
          bTs = s.timestamp
          bVal = stored
          bNan = isNan
        }
        if (buf.length >= CHUNK) {
          yield buf
          buf = ''
        }
        if (++rows % 1_000_000 === 0) onRows?.(rows)
      }
      if (has) latest.push({ key: run.keys[k], value: bVal, timestamp: bTs, step: bStep, isNan: bNan, runId: run.id })
    }
  }
  if (buf) yield buf
}

/** The same latest rows, as COPY text. */
export function* latestChunks(latest: readonly LatestMetric[]): Generator<string> {
  let buf = ''
  for (const m of latest) {
    buf += `${encodeCell(m.key)}\t${m.value}\t${m.timestamp}\t${m.step}\t${m.isNan ? 't' : 'f'}\t${m.runId}\n`
    if (buf.length >= CHUNK) {
      yield buf
      buf = ''
    }
  }
  if (buf) yield buf
}
