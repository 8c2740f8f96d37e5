import { describe, expect, it } from 'vitest'
import type { Metric } from '@shared/domain/mlflow'
import { formatElapsed, stepWindow, toPlotSeries } from '@/utils/chartData'
import { colorOf, RUN_PALETTE } from '@/utils/runColors'
import { pointsCsv } from '@/utils/chartExport'

const MAX = 1.7976931348623157e308
const m = (step: number, value: number, timestamp: number | null = 10_000 + step * 1000): Metric => ({ key: 'loss', step, value, timestamp })

describe('toPlotSeries', () => {
  it('puts steps, wall time or time since the run started on x', () => {
    const h = [m(2, 0.5), m(1, 0.7)]
    expect(toPlotSeries(h, 'step', 'linear', null).points.map((p) => p.x)).toEqual([1, 2])
    expect(toPlotSeries(h, 'wall', 'linear', null).points.map((p) => p.x)).toEqual([11_000, 12_000])
    expect(toPlotSeries(h, 'relative', 'linear', 9_000).points.map((p) => p.x)).toEqual([2_000, 3_000])
    // Without a start time, relative time counts from the first point.
    expect(toPlotSeries(h, 'relative', 'linear', null).points.map((p) => p.x)).toEqual([0, 1_000])
  })

  it('keeps NaN and ±inf as marked gaps, and counts values a log scale cannot show', () => {
    const s = toPlotSeries([m(0, NaN), m(1, MAX), m(2, -3), m(3, 0), m(4, 2)], 'step', 'log', null)
    expect(s.points.map((p) => p.y)).toEqual([null, null, null, null, 2])
    expect(s.points.map((p) => p.kind)).toEqual(['nan', 'posinf', 'finite', 'finite', 'finite'])
    expect(s.offScale).toBe(2)
  })

  it('counts points without a timestamp on a time axis', () => {
    const s = toPlotSeries([m(0, 1, null), m(1, 2)], 'wall', 'linear', null)
    expect(s.points).toHaveLength(1)
    expect(s.untimed).toBe(1)
  })
})

describe('stepWindow', () => {
  it('widens a step range to whole steps', () => {
    expect(stepWindow([], 'step', 10.4, 99.2)).toEqual({ from: 10, to: 100 })
  })

  it('maps a visible time range to the steps drawn inside it', () => {
    const a = toPlotSeries([m(0, 1), m(5, 1), m(9, 1)], 'wall', 'linear', null).points
    const b = toPlotSeries([m(3, 1), m(7, 1)], 'wall', 'linear', null).points
    expect(stepWindow([a, b], 'wall', 12_500, 17_500)).toEqual({ from: 3, to: 7 })
    expect(stepWindow([a, b], 'wall', 50_000, 60_000)).toBeNull()
  })
})

describe('formatElapsed', () => {
  it('reads like a duration', () => {
    expect(formatElapsed(45_000)).toBe('45s')
    expect(formatElapsed(725_000)).toBe('12m 5s')
    expect(formatElapsed(3 * 3600_000 + 20 * 60_000)).toBe('3h 20m')
    expect(formatElapsed(2 * 86400_000)).toBe('2d')
  })
})

describe('colorOf', () => {
  it('gives a run the colour of its position, stable whatever else is asked', () => {
    const c = colorOf(['a', 'b', 'a', 'c'])
    expect([c('a'), c('b'), c('c')]).toEqual(RUN_PALETTE.slice(0, 3))
    expect(colorOf(Array.from({ length: 21 }, (_, i) => `r${i}`))('r20')).toBe(RUN_PALETTE[0])
    expect(new Set(RUN_PALETTE).size).toBe(20)
  })
})

describe('pointsCsv', () => {
  it('writes a header and one row per point, quoting and spelling NaN/inf as MLflow does', () => {
    const csv = pointsCsv([
      { run_id: 'r1', run_name: 'a, "b"', metric: 'loss', step: 1, timestamp: 5, value: NaN },
      { run_id: 'r1', run_name: 'x', metric: 'loss', step: 2, timestamp: null, value: -MAX },
    ])
    expect(csv).toBe('run_id,run_name,metric,step,timestamp,value\r\nr1,"a, ""b""",loss,1,5,NaN\r\nr1,x,loss,2,,-inf\r\n')
  })
})
