import type { Chart, ChartEvent } from 'chart.js'
import { describe, expect, it } from 'vitest'
import { eachRunAtX, nearestIndexByX } from '@/utils/eachRunAtX'

const at = (xs: number[]) => (i: number) => xs[i]!

describe('nearestIndexByX', () => {
  it('finds the nearest point on either side, and none beyond the distance', () => {
    const xs = [0, 10, 20, 30, 40]
    expect(nearestIndexByX(xs.length, at(xs), 14, 24)).toBe(1)
    expect(nearestIndexByX(xs.length, at(xs), 16, 24)).toBe(2)
    expect(nearestIndexByX(xs.length, at(xs), -5, 24)).toBe(0)
    expect(nearestIndexByX(xs.length, at(xs), 64, 24)).toBe(4)
    expect(nearestIndexByX(xs.length, at(xs), 65, 24)).toBe(-1)
    expect(nearestIndexByX(0, at([]), 3, 24)).toBe(-1)
  })

  it('agrees with a linear scan on many random lines', () => {
    for (let n = 1; n < 200; n += 7) {
      const xs = Array.from({ length: n }, () => Math.random() * 1000).sort((a, b) => a - b)
      for (const x of [-10, 0, 333.3, 999, 1010, Math.random() * 1000]) {
        const best = xs.reduce((b, v, i) => (Math.abs(v - x) < Math.abs(xs[b]! - x) ? i : b), 0)
        const want = Math.abs(xs[best]! - x) <= 24 ? Math.abs(xs[best]! - x) : -1
        const got = nearestIndexByX(n, at(xs), x, 24)
        expect(got === -1 ? -1 : Math.abs(xs[got]! - x)).toBe(want)
      }
    }
  })
})

/** A chart as the mode reads it: datasets of points with pixel x, some hidden. */
function chartOf(lines: Array<{ xs: number[]; hidden?: boolean }>): Chart {
  const point = (x: number) => ({ x, y: 0, getProps: () => ({ x }) })
  return {
    data: { datasets: lines.map(() => ({})) },
    isDatasetVisible: (i: number) => !lines[i]!.hidden,
    getDatasetMeta: (i: number) => ({ data: lines[i]!.xs.map(point) }),
  } as unknown as Chart
}
const pointer = (x: number) => ({ type: 'mousemove', x, y: 50, native: null }) as unknown as ChartEvent

describe('eachRunAtX', () => {
  it('gives every visible line its point at the pointer x, though their steps differ', () => {
    // Three runs downsampled on their own steps, one hidden, one ending 81 px (more than AT_X_PIXELS) before the pointer.
    const chart = chartOf([{ xs: [0, 50, 100, 150] }, { xs: [0, 47, 103] }, { xs: [0, 52, 98], hidden: true }, { xs: [0, 20] }])
    const items = eachRunAtX(chart, pointer(101), {}, false)
    expect(items.map((i) => [i.datasetIndex, i.index])).toEqual([
      [0, 2],
      [1, 2],
    ])
  })
})
