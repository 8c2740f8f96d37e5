/** Display helpers for MLflow values: ms timestamps, durations, metric numbers. */

const MAX_DOUBLE = 1.7976931348623157e308

export function formatDateTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—'
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
}

/** Made once: an Intl formatter costs far more to make than to use (the runs table formats a time cell per row as it scrolls). */
let relativeFormat: Intl.RelativeTimeFormat | null = null

export function formatRelative(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined) return '—'
  const s = Math.round((now - ms) / 1000)
  const abs = Math.abs(s)
  const unit =
    abs < 60
      ? [s, 'second']
      : abs < 3600
        ? [s / 60, 'minute']
        : abs < 86400
          ? [s / 3600, 'hour']
          : abs < 86400 * 30
            ? [s / 86400, 'day']
            : abs < 86400 * 365
              ? [s / (86400 * 30), 'month']
              : [s / (86400 * 365), 'year']
  relativeFormat ??= new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' })
  return relativeFormat.format(-Math.round(unit[0] as number), unit[1] as Intl.RelativeTimeFormatUnit)
}

export function formatDuration(start: number | null, end: number | null): string {
  if (start === null || end === null) return '—'
  const ms = Math.max(0, end - start)
  if (ms < 1000) return `${ms} ms`
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}

/** MLflow stores +-inf as +-max double; show what the user logged. */
export function formatMetric(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v >= MAX_DOUBLE || v === Infinity) return '∞'
  if (v <= -MAX_DOUBLE || v === -Infinity) return '−∞'
  if (Number.isInteger(v)) return String(v)
  const abs = Math.abs(v)
  return abs !== 0 && (abs < 1e-4 || abs >= 1e6) ? v.toExponential(4) : String(Number(v.toPrecision(6)))
}

/** A one-line preview of a markdown note (MLflow's mlflow.note.content): markup dropped. */
export function notePreview(markdown: string | undefined): string | undefined {
  if (!markdown) return undefined
  const text = markdown
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, ' ')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[*`~>#|]+/g, '')
    // Underscores mark emphasis only at word edges; inside identifiers (val_acc) they stay.
    .replace(/(^|\s)_+|_+(?=\s|$|[.,;:!?])/g, '$1')
    .replace(/\s+/g, ' ')
    .trim()
  return text || undefined
}
