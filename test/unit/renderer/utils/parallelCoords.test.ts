import { describe, expect, it } from 'vitest'
import { MISSING_CATEGORY, defaultPcpParams, pcpData, sequentialColor } from '@/utils/parallelCoords'
import { run } from '../compareFixtures'

const runs = [
  run('a', { params: { lr: '0.1', opt: 'sgd', seed: '1' }, metrics: { acc: 0.9 } }),
  run('b', { params: { lr: '0.3', opt: 'adam', seed: '1' }, metrics: { acc: 0.7 } }),
  run('c', { params: { lr: '0.2', seed: '1' }, metrics: { acc: 0.8 } }),
  run('d', { params: { opt: 'sgd', seed: '1' }, metrics: { acc: NaN } }),
]

describe('pcpData', () => {
  const d = pcpData(runs, ['lr', 'opt', 'seed'], 'acc')

  it('puts the metric last', () => {
    expect(d.axes.map((a) => `${a.field.kind}:${a.field.key}`)).toEqual(['param:lr', 'param:opt', 'param:seed', 'metric:acc'])
  })

  it('scales numeric axes from their min to their max', () => {
    const lr = d.axes[0]
    expect([lr.min, lr.max]).toEqual([0.1, 0.3])
    expect(lr.normalized.map((v) => (v === null ? null : Number(v.toFixed(6))))).toEqual([0, 1, 0.5, null])
  })

  it('spaces categories evenly, a missing value as its own category', () => {
    const opt = d.axes[1]
    expect(opt.type).toBe('category')
    expect(opt.categories).toEqual(['adam', 'sgd', MISSING_CATEGORY])
    expect(opt.values).toEqual([1, 0, 2, 1])
    expect(opt.normalized).toEqual([0.5, 0, 1, 0.5])
    expect(opt.texts[2]).toBe(MISSING_CATEGORY)
  })

  it('centres an axis with a single value', () => {
    expect(d.axes[2].normalized).toEqual([0.5, 0.5, 0.5, 0.5])
  })

  it('leaves out runs without a number on a numeric axis or with a NaN metric', () => {
    expect(d.drawn).toEqual([0, 1, 2])
    expect(d.missing).toEqual(['d'])
    expect(d.axes[3].normalized.slice(0, 3).map((v) => Number(v!.toFixed(6)))).toEqual([1, 0, 0.5])
  })

  it('works without a metric', () => {
    expect(pcpData(runs, ['opt'], null).drawn).toEqual([0, 1, 2, 3])
  })
})

describe('defaultPcpParams', () => {
  it('takes the params that differ, up to the limit', () => {
    expect(defaultPcpParams(runs)).toEqual(['lr', 'opt'])
    expect(defaultPcpParams(runs, 1)).toEqual(['lr'])
  })
  it('falls back to the first params when none differ', () => {
    expect(defaultPcpParams([runs[0]])).toEqual(['lr', 'opt', 'seed'])
  })
})

describe('sequentialColor', () => {
  it('runs from dark purple to yellow and clamps', () => {
    expect(sequentialColor(0)).toBe('rgb(68, 1, 84)')
    expect(sequentialColor(1)).toBe('rgb(253, 231, 37)')
    expect(sequentialColor(2)).toBe(sequentialColor(1))
    expect(sequentialColor(NaN)).toBe(sequentialColor(0))
  })
})

describe('log axes', () => {
  const spread = [
    run('a', { params: { lr: '0.0001', opt: 'sgd' }, metrics: { loss: 0.5 } }),
    run('b', { params: { lr: '0.001', opt: 'adam' }, metrics: { loss: -1 } }),
    run('c', { params: { lr: '0.1', opt: 'sgd' }, metrics: { loss: 0.2 } }),
  ]

  it('draws a positive axis spanning two decades on log10 by default, evenly per decade', () => {
    const lr = pcpData(spread, ['lr'], null).axes[0]!
    expect([lr.log, lr.logPossible]).toEqual([true, true])
    expect([lr.min, lr.max].map((v) => Number(v.toFixed(9)))).toEqual([-4, -1])
    expect(lr.normalized.map((v) => Number(v!.toFixed(6)))).toEqual([0, 0.333333, 1])
    expect(lr.texts).toEqual(['0.0001', '0.001', '0.1'])
  })

  it('follows the choice: linear on request, log on request when every value is positive', () => {
    const linear = pcpData(spread, ['lr'], null, { 'param:lr': false }).axes[0]!
    expect([linear.log, linear.min, linear.max]).toEqual([false, 0.0001, 0.1])
    const narrow = pcpData(runs, ['lr'], null, { 'param:lr': true }).axes[0]!
    expect(narrow.log).toBe(true)
    expect(narrow.max).toBeCloseTo(Math.log10(0.3))
  })

  it('never makes an axis with a value <= 0, nor a category, logarithmic', () => {
    const d = pcpData(spread, ['opt'], 'loss', { 'metric:loss': true, 'param:opt': true })
    expect(d.axes.map((a) => [a.log, a.logPossible])).toEqual([
      [false, false],
      [false, false],
    ])
  })
})
