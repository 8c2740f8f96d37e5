/**
 * What the Models tab, its compare dialog and a logged model's page compute from logged models:
 * metric columns (a metric per dataset), the side-by-side comparison with the best value of each
 * metric, and the Traces tab's filter for a model's traces.
 */
import { TRACE_MODEL_ID_KEY, type LoggedModelMetric, type LoggedModelWithMetrics } from '@shared/domain/loggedModels'
import { defaultDirection, type Direction } from './metricsSummary'

/** A metric's column: its name, and the dataset it was measured on when there is one. */
export function metricLabel(m: Pick<LoggedModelMetric, 'key' | 'dataset_name'>): string {
  return m.dataset_name ? `${m.key} (${m.dataset_name})` : m.key
}

/** The latest row per label (highest step, then newest): what a list or a comparison shows of a model. */
export function latestMetrics(metrics: readonly LoggedModelMetric[]): Map<string, LoggedModelMetric> {
  const out = new Map<string, LoggedModelMetric>()
  for (const m of metrics) {
    const label = metricLabel(m)
    const had = out.get(label)
    if (!had || m.step > had.step || (m.step === had.step && m.timestamp > had.timestamp)) out.set(label, m)
  }
  return out
}

/** Every metric label the models have, A→Z. */
export function metricLabels(models: readonly LoggedModelWithMetrics[]): string[] {
  return [...new Set(models.flatMap((m) => m.metrics.map(metricLabel)))].sort((a, b) => a.localeCompare(b))
}

export interface MetricComparison {
  label: string
  key: string
  direction: Direction
  /** One per model, in the models' order; null where the model has no value. */
  values: Array<number | null>
  /** The models holding the best finite value (ties: all of them); empty when fewer than two have one. */
  best: number[]
}

/** The models' latest metrics side by side; each metric's best value found by its direction (loss, error, latency: low). */
export function compareMetrics(models: readonly LoggedModelWithMetrics[], directionOf: (key: string) => Direction = defaultDirection): MetricComparison[] {
  const latest = models.map((m) => latestMetrics(m.metrics))
  return metricLabels(models).map((label) => {
    const cells = latest.map((l) => l.get(label) ?? null)
    const key = cells.find((c) => c)!.key
    const direction = directionOf(key)
    const values = cells.map((c) => (c ? c.value : null))
    const finite = values.flatMap((v, i) => (v !== null && Number.isFinite(v) ? [{ v, i }] : []))
    let best: number[] = []
    if (finite.length >= 2) {
      const target = direction === 'min' ? Math.min(...finite.map((f) => f.v)) : Math.max(...finite.map((f) => f.v))
      best = finite.filter((f) => f.v === target).map((f) => f.i)
    }
    return { label, key, direction, values, best }
  })
}

/** The Traces tab's filter (MLflow's search_traces syntax) for the traces made with a model. */
export function modelTracesFilter(modelId: string): string {
  return `metadata.\`${TRACE_MODEL_ID_KEY}\` = '${modelId.replace(/'/g, "\\'")}'`
}
