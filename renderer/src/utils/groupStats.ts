import type { Run } from '@shared/domain/mlflow'
import { formatMetric } from './format'
import { runMetric } from './runValues'

/**
 * A group row's summary of one metric column: over the group's runs that
 * logged the metric, how many, and the mean, least and greatest latest value.
 * NaN and infinite values are left out of the figures and counted apart, so
 * one diverged run does not turn the mean into NaN.
 */
export interface MetricStats {
  /** Runs with a finite value. */
  n: number
  /** Runs with NaN or ±∞. */
  nonFinite: number
  mean: number
  min: number
  max: number
}

export function metricStats(runs: readonly Run[], key: string): MetricStats | null {
  let n = 0
  let nonFinite = 0
  let sum = 0
  let min = Infinity
  let max = -Infinity
  for (const r of runs) {
    const m = runMetric(r, key)
    if (!m) continue
    if (!Number.isFinite(m.value)) {
      nonFinite++
      continue
    }
    n++
    sum += m.value
    if (m.value < min) min = m.value
    if (m.value > max) max = m.value
  }
  if (!n && !nonFinite) return null
  return { n, nonFinite, mean: n ? sum / n : NaN, min: n ? min : NaN, max: n ? max : NaN }
}

/** The tooltip of a group's summary cell: every figure, and over which runs. */
export function describeStats(s: MetricStats, groupSize: number, partial: boolean): string {
  const over = `${s.n} of ${groupSize} run${groupSize === 1 ? '' : 's'}${partial ? ' loaded so far' : ''}`
  const figures = s.n ? `mean ${formatMetric(s.mean)} · min ${formatMetric(s.min)} · max ${formatMetric(s.max)}` : 'no finite value'
  return `${figures}\nover ${over}${s.nonFinite ? ` (${s.nonFinite} NaN or infinite left out)` : ''}`
}
