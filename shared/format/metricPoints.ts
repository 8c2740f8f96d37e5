/**
 * One metric point as a comparison exports it, its CSV columns and how a value is written:
 * dependency-free, so the renderer's chart export and the CLI's metrics compare --csv share it.
 */
export interface CsvPoint {
  run_id: string
  run_name: string
  metric: string
  step: number
  /** Milliseconds since the epoch, as MLflow stores it. */
  timestamp: number | null
  value: number
}

export const METRIC_POINTS_CSV_HEADER = ['run_id', 'run_name', 'metric', 'step', 'timestamp', 'value'] as const

const MAX_DOUBLE = 1.7976931348623157e308

/** A value as Python writes it, so pandas reads it back: NaN, inf, -inf (MLflow stores +-inf as the +-max double). */
export function csvMetricValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v >= MAX_DOUBLE) return 'inf'
  if (v <= -MAX_DOUBLE) return '-inf'
  return String(v)
}
