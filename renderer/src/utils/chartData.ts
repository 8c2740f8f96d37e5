/**
 * A compared series as chart points: the x of each point for the chosen axis
 * (step, wall time, or time since the run started), the y for the chosen
 * scale (a log scale cannot show values <= 0: they become gaps and are
 * counted), and the way back from a visible x range to a step window.
 */
import type { Metric } from '@shared/domain/mlflow'
import { toSeries, type ValueKind } from './metricSeries'
import type { XAxis, YScale } from './compareState'

export interface PlotPoint {
  x: number
  /** null: a gap (NaN, ±∞, or <= 0 on a log scale). */
  y: number | null
  step: number
  timestamp: number | null
  value: number
  kind: ValueKind
}

export interface PlotSeries {
  points: PlotPoint[]
  /** Finite values <= 0 a log scale could not draw. */
  offScale: number
  /** Points without a timestamp, left out of a time axis. */
  untimed: number
}

/** Where x = 0 sits on the relative axis: the run's start, else its first logged point. */
function origin(points: ReadonlyArray<{ timestamp: number | null }>, runStart: number | null): number {
  if (runStart !== null) return runStart
  const first = points.find((p) => p.timestamp !== null)
  return first?.timestamp ?? 0
}

export function toPlotSeries(history: readonly Metric[], xAxis: XAxis, yScale: YScale, runStart: number | null): PlotSeries {
  const series = toSeries(history)
  const zero = xAxis === 'relative' ? origin(series, runStart) : 0
  let offScale = 0
  let untimed = 0
  const points: PlotPoint[] = []
  for (const p of series) {
    let x: number
    if (xAxis === 'step') x = p.step
    else if (p.timestamp === null) {
      untimed++
      continue
    } else x = p.timestamp - zero
    let y = p.y
    if (yScale === 'log' && y !== null && y <= 0) {
      offScale++
      y = null
    }
    points.push({ x, y, step: p.step, timestamp: p.timestamp, value: p.value, kind: p.kind })
  }
  // Wall and relative time: in time order (steps and time usually agree, but need not).
  if (xAxis !== 'step') points.sort((a, b) => a.x - b.x)
  return { points, offScale, untimed }
}

export interface StepWindow {
  from: number
  to: number
}

/**
 * The step window behind a visible x range: on the step axis the range itself
 * (widened to whole steps); on a time axis the lowest and highest step of the
 * points drawn inside it (null when none is).
 */
export function stepWindow(series: ReadonlyArray<readonly PlotPoint[]>, xAxis: XAxis, xMin: number, xMax: number): StepWindow | null {
  if (!(xMin <= xMax)) return null
  if (xAxis === 'step') return { from: Math.floor(xMin), to: Math.ceil(xMax) }
  let from = Infinity
  let to = -Infinity
  for (const s of series) {
    for (const p of s) {
      if (p.x < xMin || p.x > xMax) continue
      if (p.step < from) from = p.step
      if (p.step > to) to = p.step
    }
  }
  return from <= to ? { from, to } : null
}

/** "45s", "12m 5s", "3h 20m", "2d 4h" for the relative time axis (ms). */
export function formatElapsed(ms: number): string {
  const sign = ms < 0 ? '−' : ''
  const s = Math.round(Math.abs(ms) / 1000)
  if (s < 60) return `${sign}${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${sign}${m}m${s % 60 ? ` ${s % 60}s` : ''}`
  const h = Math.floor(m / 60)
  if (h < 24) return `${sign}${h}h${m % 60 ? ` ${m % 60}m` : ''}`
  const d = Math.floor(h / 24)
  return `${sign}${d}d${h % 24 ? ` ${h % 24}h` : ''}`
}

export const X_AXIS_LABELS: Record<XAxis, string> = { step: 'Step', wall: 'Wall time', relative: 'Relative time' }
