/**
 * Runs grouped by a param or tag value, each group drawn as its mean with a
 * min–max band. Runs log at different steps, so they are put on one x grid
 * (the union of their x values, or fixed bins over the range when that union
 * is too large) and each run is linearly interpolated there — only inside its
 * own first..last finite point, never extrapolated. NaN and ±∞ (y null) are
 * left out of the aggregate.
 */
import type { Run } from '@shared/domain/mlflow'
import { runParam, runTag } from './runValues'

export interface XY {
  x: number
  /** null where the value is not plottable (NaN, ±∞, off a log scale). */
  y: number | null
}

export interface BandPoint {
  x: number
  mean: number
  min: number
  max: number
  /** Runs that had a value here. */
  n: number
}

export interface RunGroup {
  /** The param or tag value; null for runs without it. */
  value: string | null
  runIds: string[]
}

/** Beyond this many distinct x values, the grid becomes fixed bins. */
export const MAX_GRID = 2000

/** Runs by the value of `params.NAME` / `tags.NAME`, in order of first appearance; runs without it last. */
export function groupRuns(runs: readonly Run[], groupBy: string): RunGroup[] {
  const dot = groupBy.indexOf('.')
  const entity = groupBy.slice(0, dot)
  const key = groupBy.slice(dot + 1)
  const byValue = new Map<string | null, string[]>()
  for (const r of runs) {
    const v = (entity === 'tags' ? runTag(r, key) : runParam(r, key)) ?? null
    const ids = byValue.get(v) ?? []
    ids.push(r.info.run_id)
    byValue.set(v, ids)
  }
  const groups = [...byValue.entries()].map(([value, runIds]) => ({ value, runIds }))
  return [...groups.filter((g) => g.value !== null), ...groups.filter((g) => g.value === null)]
}

/** The common grid: every x any series has, or `maxGrid` evenly spaced bins over their range. */
export function commonGrid(series: ReadonlyArray<readonly XY[]>, maxGrid = MAX_GRID): number[] {
  const xs = new Set<number>()
  for (const s of series) for (const p of s) if (p.y !== null) xs.add(p.x)
  const sorted = [...xs].sort((a, b) => a - b)
  if (sorted.length <= maxGrid) return sorted
  const lo = sorted[0]
  const hi = sorted[sorted.length - 1]
  return Array.from({ length: maxGrid }, (_, i) => lo + ((hi - lo) * i) / (maxGrid - 1))
}

/** One series' values on the grid: exact where it has the x, interpolated between its neighbours, null outside its range. */
export function resample(series: readonly XY[], grid: readonly number[]): Array<number | null> {
  // Finite points by x; a repeated x keeps its last value.
  const byX = new Map<number, number>()
  for (const p of series) if (p.y !== null && Number.isFinite(p.y)) byX.set(p.x, p.y)
  const pts = [...byX.entries()].sort((a, b) => a[0] - b[0])
  const out: Array<number | null> = []
  let j = 0
  for (const x of grid) {
    if (!pts.length || x < pts[0][0] || x > pts[pts.length - 1][0]) {
      out.push(null)
      continue
    }
    while (j < pts.length - 1 && pts[j + 1][0] <= x) j++
    const [x0, y0] = pts[j]
    if (x0 === x || j === pts.length - 1) {
      out.push(y0)
      continue
    }
    const [x1, y1] = pts[j + 1]
    out.push(y0 + ((y1 - y0) * (x - x0)) / (x1 - x0))
  }
  return out
}

/**
 * Mean, min and max over the series at each grid x where at least one has a
 * value. Where no run spans two neighbouring grid points (one run ends, the
 * next starts later), a gap point (NaN, n = 0) breaks the line rather than
 * drawing a mean nobody logged.
 */
export function aggregate(series: ReadonlyArray<readonly XY[]>, maxGrid = MAX_GRID): BandPoint[] {
  const grid = commonGrid(series, maxGrid)
  const columns = series.map((s) => resample(s, grid))
  const out: BandPoint[] = []
  grid.forEach((x, i) => {
    if (i > 0 && out.length && !columns.some((col) => col[i - 1] !== null && col[i] !== null)) {
      out.push({ x: (grid[i - 1] + x) / 2, mean: NaN, min: NaN, max: NaN, n: 0 })
    }
    let sum = 0
    let n = 0
    let min = Infinity
    let max = -Infinity
    for (const col of columns) {
      const v = col[i]
      if (v === null) continue
      sum += v
      n++
      if (v < min) min = v
      if (v > max) max = v
    }
    if (n) out.push({ x, mean: sum / n, min, max, n })
  })
  return out
}
