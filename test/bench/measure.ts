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
  const mid = Math.floor(times.length / 2)
  const median = times.length % 2 ? times[mid] : (times[mid - 1] + times[mid]) / 2
  return { name, median, min: times[0], max: times[times.length - 1], unit: 'ms' }
}

/** One line per figure: name, median, min, max. */
export function formatFigure(f: Figure): string {
  const n = (v: number) => (f.unit === 'ms' ? v.toFixed(2) : v.toFixed(1)).padStart(10)
  return `${f.name.padEnd(58)} median ${n(f.median)} ${f.unit}   min ${n(f.min)}   max ${n(f.max)}`
}
