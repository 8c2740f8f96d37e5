/**
 * A chart as files: the PNG with the theme's background painted under it
 * (a canvas is transparent, which reads badly in viewers), and the data shown
 * as CSV, one row per point.
 */
export type { CsvPoint } from '@shared/format/metricPointsCsv'
/** The data shown as CSV: the same writer (and columns) as `mlflow-desk metrics compare --csv`. */
export { metricPointsCsv as pointsCsv } from '@shared/format/metricPointsCsv'

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
