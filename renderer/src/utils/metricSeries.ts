/**
 * Metric histories for drawing: MLflow returns NaN as NaN and +-inf as the
 * +-max double it stores, so a value is either plottable or one of three
 * special kinds that the sparkline and the history chart show as gaps with
 * a marker (never silently dropped).
 */
import type { Metric } from '@shared/domain/mlflow'

const MAX_DOUBLE = 1.7976931348623157e308

export type ValueKind = 'finite' | 'nan' | 'posinf' | 'neginf'

export function valueKind(v: number): ValueKind {
  if (Number.isNaN(v)) return 'nan'
  if (v >= MAX_DOUBLE) return 'posinf'
  if (v <= -MAX_DOUBLE) return 'neginf'
  return 'finite'
}

/** A history point on the step axis; y is null where the value cannot be plotted. */
export interface SeriesPoint {
  step: number
  timestamp: number | null
  value: number
  y: number | null
  kind: ValueKind
}

export interface SpecialCounts {
  nan: number
  posinf: number
  neginf: number
}

/**
 * MLflow orders a history by (timestamp, step, value); a chart over steps wants
 * step order. The sort is stable on that order, so repeated steps stay in time order.
 */
export function toSeries(history: readonly Metric[]): SeriesPoint[] {
  return history
    .map((m) => {
      const kind = valueKind(m.value)
      return { step: m.step, timestamp: m.timestamp, value: m.value, y: kind === 'finite' ? m.value : null, kind }
    })
    .sort((a, b) => a.step - b.step)
}

export function countSpecials(series: readonly SeriesPoint[]): SpecialCounts {
  const c: SpecialCounts = { nan: 0, posinf: 0, neginf: 0 }
  for (const p of series) if (p.kind !== 'finite') c[p.kind]++
  return c
}

/** "2 NaN, 1 +∞" — or null when every value was plotted. */
export function describeSpecials(c: SpecialCounts): string | null {
  const parts = [c.nan ? `${c.nan} NaN` : '', c.posinf ? `${c.posinf} +∞` : '', c.neginf ? `${c.neginf} −∞` : ''].filter(Boolean)
  return parts.length ? parts.join(', ') : null
}

/**
 * At most `max` points that keep the line's shape: the series is cut into
 * buckets and each keeps its lowest and highest finite value (in step order),
 * so spikes survive. A bucket holding a special value keeps one of those, so
 * its gap survives too.
 */
export function downsample(series: readonly SeriesPoint[], max: number): SeriesPoint[] {
  if (series.length <= max) return [...series]
  // Each bucket keeps up to three points (low, high, a special value).
  const buckets = Math.max(1, Math.floor(max / 3))
  const out: SeriesPoint[] = []
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * series.length) / buckets)
    const to = Math.floor(((b + 1) * series.length) / buckets)
    let lo = -1
    let hi = -1
    let special = -1
    for (let i = from; i < to; i++) {
      const y = series[i].y
      if (y === null) {
        if (special < 0) special = i
        continue
      }
      if (lo < 0 || y < series[lo].y!) lo = i
      if (hi < 0 || y > series[hi].y!) hi = i
    }
    const keep = [...new Set([lo, hi, special].filter((i) => i >= 0))].sort((a, b) => a - b)
    for (const i of keep) out.push(series[i])
  }
  return out
}

export interface Sparkline {
  /** SVG path data; a special value breaks the line. Empty when nothing is plottable. */
  path: string
  /** Where a lone finite point sits between gaps (a path segment of one point draws nothing). */
  dots: Array<{ x: number; y: number }>
  /** x positions of special values, for markers. */
  specials: Array<{ x: number; kind: Exclude<ValueKind, 'finite'> }>
}

/** Scale a (downsampled) series into a width x height box with `pad` pixels around it. */
export function sparkline(series: readonly SeriesPoint[], width: number, height: number, pad = 2): Sparkline {
  const finite = series.filter((p) => p.y !== null).map((p) => p.y!)
  const lo = finite.length ? Math.min(...finite) : 0
  const hi = finite.length ? Math.max(...finite) : 0
  const n = series.length
  const x = (i: number) => (n <= 1 ? width / 2 : pad + (i * (width - 2 * pad)) / (n - 1))
  const y = (v: number) => (hi === lo ? height / 2 : pad + ((hi - v) * (height - 2 * pad)) / (hi - lo))
  const round = (v: number) => Math.round(v * 10) / 10
  const segments: Array<Array<{ x: number; y: number }>> = [[]]
  const specials: Sparkline['specials'] = []
  series.forEach((p, i) => {
    if (p.y === null) {
      specials.push({ x: round(x(i)), kind: p.kind as Exclude<ValueKind, 'finite'> })
      if (segments[segments.length - 1].length) segments.push([])
    } else segments[segments.length - 1].push({ x: round(x(i)), y: round(y(p.y)) })
  })
  const lines = segments.filter((s) => s.length > 1)
  return {
    path: lines.map((s) => s.map((p, i) => `${i ? 'L' : 'M'}${p.x} ${p.y}`).join(' ')).join(' '),
    dots: segments.filter((s) => s.length === 1).map((s) => s[0]),
    specials,
  }
}
