import type { RouteLocationRaw } from 'vue-router'
import { BUCKET_MS, type OverviewBucket } from '@shared/domain/traceInsights'

/**
 * What the Sessions and Overview tabs show of numbers and times, and where
 * their rows and charts lead: the experiment's Traces tab filtered in MLflow's
 * search_traces syntax (the route another tab owns: /experiments/:ids/traces?filter=…).
 */

/** A latency: "640 ms", "1.25 s", "2 min 5 s". */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—'
  if (ms === 0) return '0 ms'
  if (ms < 1) return `${ms.toFixed(2)} ms`
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
  const s = Math.round(ms / 1000)
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}

/** A count: 12,345 / 1.2M. */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—'
  return n >= 1e6 ? `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)}M` : n.toLocaleString()
}

export function formatPercent(part: number, whole: number): string {
  return whole === 0 ? '—' : percent((100 * part) / whole)
}

/** A percentage: one decimal under 10 ("3.4%"), whole above ("42%"). */
export const percent = (p: number): string => `${p < 10 && p !== 0 ? p.toFixed(1) : Math.round(p)}%`

const pad = (n: number) => String(n).padStart(2, '0')

/** A bucket's label in local time: "14:05" (minute), "Dec 6 14:00" (hour), "Dec 6" (day). */
export function bucketLabel(startMs: number, bucket: OverviewBucket): string {
  const d = new Date(startMs)
  const day = d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })
  if (bucket === 'day') return day
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}`
  return bucket === 'hour' ? `${day} ${time}` : time
}

/** A bucket's range [start, end). */
export const bucketRange = (startMs: number, bucket: OverviewBucket): [number, number] => [startMs, startMs + BUCKET_MS[bucket]]

/** The experiment's Traces tab showing the traces of a filter. */
export function tracesLink(experimentIds: readonly string[], filter: string): RouteLocationRaw {
  return { path: `/experiments/${experimentIds.join(',')}/traces`, query: { filter } }
}

/** The ranges the Overview offers, relative to now (null: all time). */
export const OVERVIEW_RANGES: ReadonlyArray<{ key: string; label: string; ms: number | null }> = [
  { key: 'all', label: 'All time', ms: null },
  { key: '1h', label: 'Last hour', ms: 3_600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
]
