import { stringify } from 'csv-stringify/sync'

/** One metric point of one run, as a comparison exports it (the CLI's metrics compare --csv and a chart's "Save CSV"). */
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

/** The points as CSV with a header row (CRLF line ends, RFC 4180 quoting). */
export function metricPointsCsv(points: Iterable<CsvPoint>): string {
  const rows: Array<Array<string | number | null>> = [[...METRIC_POINTS_CSV_HEADER]]
  for (const p of points) rows.push([p.run_id, p.run_name, p.metric, p.step, p.timestamp, csvMetricValue(p.value)])
  return stringify(rows, { record_delimiter: 'windows' })
}
