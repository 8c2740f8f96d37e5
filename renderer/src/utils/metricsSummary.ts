/**
 * The metrics summary of a comparison: per run and metric, the last value
 * (MLflow's latest_metrics), min, max and the step where the best value was
 * reached. min/max come from the compared series: the server's downsampling
 * keeps every bucket's extremes, so they are exact even when sampled.
 * NaN and ±inf are shown but never count as min, max or best.
 */
import type { Run } from '@shared/domain/mlflow'
import type { CompareSeries } from '@shared/api/contract'
import { runMetric } from './runValues'
import { valueKind } from './metricSeries'

export type Direction = 'min' | 'max'

const LOWER_IS_BETTER = /loss|error|err|mae|mse|rmse|perplexity|latency|duration/i

/** Loss-, error- and latency-like metrics are better low; everything else (accuracy, f1, auc...) high. */
export function defaultDirection(key: string): Direction {
  return LOWER_IS_BETTER.test(key) ? 'min' : 'max'
}

export interface SummaryCell {
  /** latest_metrics value; undefined when the run never logged the key. */
  last: number | undefined
  /** Over finite values only; undefined when there is none. */
  min: number | undefined
  minStep: number | undefined
  max: number | undefined
  maxStep: number | undefined
  /** Stored points (before sampling). */
  points: number
  /** Points the server sent when it sampled; null when the series is whole. */
  sampledFrom: number | null
  /** NaN and ±inf values in the series (not used for min/max). */
  specials: number
}

export function summarize(last: number | undefined, series: CompareSeries | undefined): SummaryCell {
  const cell: SummaryCell = {
    last,
    min: undefined,
    minStep: undefined,
    max: undefined,
    maxStep: undefined,
    points: series?.total_points ?? 0,
    sampledFrom: null,
    specials: 0,
  }
  if (!series) return cell
  if (series.sampled) cell.sampledFrom = series.metrics.length
  for (const m of series.metrics) {
    if (valueKind(m.value) !== 'finite') {
      cell.specials++
      continue
    }
    // Strict comparisons: the first step that reached the extreme wins.
    if (cell.min === undefined || m.value < cell.min) [cell.min, cell.minStep] = [m.value, m.step]
    if (cell.max === undefined || m.value > cell.max) [cell.max, cell.maxStep] = [m.value, m.step]
  }
  return cell
}

export function bestOf(cell: SummaryCell, direction: Direction): { value: number; step: number } | undefined {
  const value = direction === 'min' ? cell.min : cell.max
  const step = direction === 'min' ? cell.minStep : cell.maxStep
  return value === undefined || step === undefined ? undefined : { value, step }
}

/** Cells per metric key, one per run (in the order of the runs). */
export function summaryTable(runs: readonly Run[], series: readonly CompareSeries[], metricKeys: readonly string[]): Map<string, SummaryCell[]> {
  const byId = new Map(series.map((s) => [`${s.run_id}\u0000${s.key}`, s]))
  return new Map(metricKeys.map((key) => [key, runs.map((r) => summarize(runMetric(r, key)?.value, byId.get(`${r.info.run_id}\u0000${key}`)))]))
}

/** Index of the run with the best value for a metric (first one on ties), or -1 when none has a finite value. */
export function bestRunIndex(cells: readonly SummaryCell[], direction: Direction): number {
  let best = -1
  cells.forEach((c, i) => {
    const v = bestOf(c, direction)?.value
    if (v === undefined) return
    const current = best < 0 ? undefined : bestOf(cells[best], direction)!.value
    if (current === undefined || (direction === 'min' ? v < current : v > current)) best = i
  })
  return best
}

/** Sorting order for numbers where missing values always go last, NaN/inf before them. */
export function compareValues(a: number | undefined, b: number | undefined): number {
  const rank = (v: number | undefined) => (v === undefined ? 2 : valueKind(v) === 'finite' ? 0 : 1)
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb || ra !== 0) return ra - rb
  return a! - b!
}
