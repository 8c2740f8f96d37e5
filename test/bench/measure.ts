/** Timing helpers: figures are medians of repeated runs, after a warm-up. */
export interface Figure {
  name: string
  median: number
  min: number
  max: number
  unit: string
}

export async function measure(name: string, fn: () => Promise<unknown>, opts: { repeat: number; warmup: number }): Promise<Figure> {
  for (let i = 0; i < opts.warmup; i++) await fn()
  const times: number[] = []
  for (let i = 0; i < opts.repeat; i++) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
  }
  times.sort((a, b) => a - b)
  return { name, median: medianOf(times), min: times[0], max: times[times.length - 1], unit: 'ms' }
}

/** The median of times sorted ascending. */
export function medianOf(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** One line per figure: name, median, min, max. */
export function formatFigure(f: Figure): string {
  const n = (v: number) => (f.unit === 'ms' ? v.toFixed(2) : v.toFixed(1)).padStart(10)
  return `${f.name.padEnd(58)} median ${n(f.median)} ${f.unit}   min ${n(f.min)}   max ${n(f.max)}`
}
