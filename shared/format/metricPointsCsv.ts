import { stringify } from 'csv-stringify/sync'

import { METRIC_POINTS_CSV_HEADER, csvMetricValue, type CsvPoint } from './metricPoints'

export { METRIC_POINTS_CSV_HEADER, csvMetricValue, type CsvPoint }

/** The points as CSV with a header row (CRLF line ends, RFC 4180 quoting). */
export function metricPointsCsv(points: Iterable<CsvPoint>): string {
  const rows: Array<Array<string | number | null>> = [[...METRIC_POINTS_CSV_HEADER]]
  for (const p of points) rows.push([p.run_id, p.run_name, p.metric, p.step, p.timestamp, csvMetricValue(p.value)])
  return stringify(rows, { record_delimiter: 'windows' })
}
