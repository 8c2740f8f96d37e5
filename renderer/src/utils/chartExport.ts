/**
 * A chart as files: the PNG with the theme's background painted under it
 * (a canvas is transparent, which reads badly in viewers), and the data shown
 * as CSV, one row per point.
 */
import { METRIC_POINTS_CSV_HEADER, csvMetricValue, type CsvPoint } from '@shared/format/metricPoints'

export type { CsvPoint }

/** The renderer's own writer (csv-stringify's lib needs Node's Buffer); columns and values are the CLI's. */
function cell(v: string | number | null): string {
  if (v === null) return ''
  const s = typeof v === 'number' ? csvMetricValue(v) : v
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function pointsCsv(points: readonly CsvPoint[]): string {
  const lines = [METRIC_POINTS_CSV_HEADER.join(',')]
  for (const p of points) lines.push([p.run_id, p.run_name, p.metric, p.step, p.timestamp, p.value].map(cell).join(','))
  return `${lines.join('\r\n')}\r\n`
}

/** A PNG data URL of the canvas over a solid background. */
export function canvasPng(source: HTMLCanvasElement, background: string): string {
  const out = document.createElement('canvas')
  out.width = source.width
  out.height = source.height
  const ctx = out.getContext('2d')
  if (!ctx) return source.toDataURL('image/png')
  ctx.fillStyle = background
  ctx.fillRect(0, 0, out.width, out.height)
  ctx.drawImage(source, 0, 0)
  return out.toDataURL('image/png')
}

/** A file name from a metric key ("val/loss" -> "val_loss"). */
export function exportName(metric: string, ext: 'png' | 'csv'): string {
  const base = metric.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'metric'
  return `compare-${base}.${ext}`
}
