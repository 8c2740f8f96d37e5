import type { SpanView } from '@shared/domain/traces'

/**
 * The geometry of a trace's waterfall: every span on one time axis, from the trace's first span
 * start (offset 0) to its last span end. Bars in percent of the axis, so a row draws with two
 * style values and no measuring; a bar never vanishes (a 1 µs span still shows a sliver).
 */

/** The smallest bar, in percent of the axis: visible at any width. */
export const MIN_BAR_PERCENT = 0.25

/** The axis length in ns: the latest span end (or start, for one not ended), at least 1. */
export function traceSpanNs(spans: readonly SpanView[]): number {
  let end = 0
  for (const s of spans) end = Math.max(end, s.offset_ns + (s.duration_ns ?? 0))
  return Math.max(end, 1)
}

export interface Bar {
  left: number
  width: number
  /** The span has not ended: its bar runs to the end of the axis. */
  open: boolean
}

export function barOf(span: Pick<SpanView, 'offset_ns' | 'duration_ns'>, totalNs: number): Bar {
  const left = Math.min(100, Math.max(0, (span.offset_ns / totalNs) * 100))
  const open = span.duration_ns === null
  const raw = open ? 100 - left : (span.duration_ns! / totalNs) * 100
  const width = Math.max(MIN_BAR_PERCENT, Math.min(100 - left, raw))
  return { left: Math.min(left, 100 - MIN_BAR_PERCENT), width, open }
}

/** A duration in nanoseconds as a person reads it: 820 ns, 35.2 µs, 12.4 ms, 1.25 s, 2 min 5 s. */
export function formatNs(ns: number | null): string {
  if (ns === null) return 'running'
  if (ns < 1_000) return `${Math.round(ns)} ns`
  if (ns < 1_000_000) return `${trim(ns / 1_000)} µs`
  if (ns < 1_000_000_000) return `${trim(ns / 1_000_000)} ms`
  const s = ns / 1_000_000_000
  if (s < 60) return `${trim(s)} s`
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`
}

/** Three significant digits at most, no trailing zeros: 12.4, 1.25, 350. */
function trim(v: number): string {
  return String(Number(v.toPrecision(3)))
}

export interface Tick {
  /** Percent of the axis. */
  at: number
  label: string
}

/** Gridlines at a round step (1, 2 or 5 × 10^n ns), about `target` of them, 0 included. */
export function timeTicks(totalNs: number, target = 5): Tick[] {
  const rough = totalNs / Math.max(1, target)
  const pow = 10 ** Math.floor(Math.log10(rough))
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= rough) ?? 10 * pow
  const ticks: Tick[] = []
  for (let t = 0; t <= totalNs + step * 1e-9; t += step) ticks.push({ at: (t / totalNs) * 100, label: t === 0 ? '0' : formatNs(t) })
  return ticks
}
