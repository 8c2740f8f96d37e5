import { describe, expect, it } from 'vitest'
import type { Metric } from '@shared/domain/mlflow'
import { countSpecials, describeSpecials, downsample, sparkline, toSeries, valueKind } from '@/utils/metricSeries'

const MAX = 1.7976931348623157e308
const m = (step: number, value: number, timestamp = 1000 + step): Metric => ({ key: 'loss', step, value, timestamp })

describe('valueKind', () => {
  it('tells NaN and the stored ±inf (±max double) from plottable values', () => {
    expect(valueKind(NaN)).toBe('nan')
    expect(valueKind(MAX)).toBe('posinf')
    expect(valueKind(-MAX)).toBe('neginf')
    expect(valueKind(Infinity)).toBe('posinf')
    expect(valueKind(0)).toBe('finite')
    expect(valueKind(1e300)).toBe('finite')
  })
})

describe('toSeries', () => {
  it('orders by step, keeps every point, and nulls the ones that cannot be plotted', () => {
    const s = toSeries([m(2, 0.5), m(0, NaN), m(1, MAX), m(-3, 1)])
    expect(s.map((p) => p.step)).toEqual([-3, 0, 1, 2])
    expect(s.map((p) => p.y)).toEqual([1, null, null, 0.5])
    expect(s.map((p) => p.kind)).toEqual(['finite', 'nan', 'posinf', 'finite'])
  })

  it('keeps repeated steps in the order MLflow returned them (time order)', () => {
    const s = toSeries([m(1, 10, 5), m(1, 20, 6), m(0, 1, 7)])
    expect(s.map((p) => p.value)).toEqual([1, 10, 20])
  })
})

describe('countSpecials / describeSpecials', () => {
  it('counts each kind and says nothing when all were plotted', () => {
    const c = countSpecials(toSeries([m(0, NaN), m(1, NaN), m(2, -MAX), m(3, 4)]))
    expect(c).toEqual({ nan: 2, posinf: 0, neginf: 1 })
    expect(describeSpecials(c)).toBe('2 NaN, 1 −∞')
    expect(describeSpecials({ nan: 0, posinf: 0, neginf: 0 })).toBeNull()
  })
})

describe('downsample', () => {
  it('returns short series unchanged', () => {
    const s = toSeries([m(0, 1), m(1, 2)])
    expect(downsample(s, 10)).toEqual(s)
  })

  it('caps the points and keeps the extremes and the gaps', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => Math.sin(i / 50))
    values[4321] = 99 // a spike
    values[7777] = NaN
    const out = downsample(toSeries(values.map((v, i) => m(i, v))), 90)
    expect(out.length).toBeLessThanOrEqual(90)
    expect(out.some((p) => p.value === 99)).toBe(true)
    expect(out.some((p) => p.kind === 'nan' && p.step === 7777)).toBe(true)
    // still in step order
    expect(out.map((p) => p.step)).toEqual([...out.map((p) => p.step)].sort((a, b) => a - b))
  })
})

describe('sparkline', () => {
  it('scales into the box: the highest value at the top, the lowest at the bottom', () => {
    const s = sparkline(toSeries([m(0, 0), m(1, 10), m(2, 5)]), 100, 20, 2)
    expect(s.path).toBe('M2 18 L50 2 L98 10')
    expect(s.specials).toEqual([])
  })

  it('breaks the line at a special value and marks it', () => {
    const s = sparkline(toSeries([m(0, 1), m(1, 2), m(2, NaN), m(3, 3), m(4, 4)]), 104, 20, 2)
    expect(s.path.match(/M/g)).toHaveLength(2)
    expect(s.specials).toEqual([{ x: 52, kind: 'nan' }])
  })

  it('draws a flat series in the middle and a lone point as a dot', () => {
    expect(sparkline(toSeries([m(0, 3), m(1, 3)]), 100, 20, 2).path).toBe('M2 10 L98 10')
    const lone = sparkline(toSeries([m(0, 7)]), 100, 20)
    expect(lone.path).toBe('')
    expect(lone.dots).toEqual([{ x: 50, y: 10 }])
  })
})
