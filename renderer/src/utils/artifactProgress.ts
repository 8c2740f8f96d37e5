import type { ExportProgress } from '@shared/domain/exports'
import { formatBytes } from './queryValues'

/** Seconds as "45 s", "3 min 05 s", "1 h 12 min". */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}

/** 0..100 by bytes (by files when the sizes are unknown); null while the folders are still being listed. */
export function progressPercent(p: ExportProgress): number | null {
  if (p.phase === 'done') return 100
  if (!p.listing_done) return null
  if (p.bytes_total > 0) return Math.min(100, (p.bytes_done / p.bytes_total) * 100)
  return p.files_total > 0 ? Math.min(100, (p.files_done / p.files_total) * 100) : 0
}

/** "3 of 12 files · 1.20 MB of 4.50 MB · 2.10 MB/s · 5 s left" (totals marked "+" while listing). */
export function progressFigures(p: ExportProgress): string {
  const more = p.listing_done ? '' : '+'
  const parts = [
    `${p.files_done.toLocaleString('en-US')} of ${p.files_total.toLocaleString('en-US')}${more} file${p.files_total === 1 && !more ? '' : 's'}`,
    `${formatBytes(p.bytes_done)} of ${formatBytes(p.bytes_total)}${more}`,
  ]
  if (p.phase !== 'done' && p.rate > 0) parts.push(`${formatBytes(p.rate)}/s`)
  if (p.phase !== 'done' && p.eta_seconds !== null) parts.push(`${formatEta(p.eta_seconds)} left`)
  return parts.join(' · ')
}
