import { describe, expect, it } from 'vitest'
import { categoryTick, fieldColumn, fieldId, fieldOptions, parseFieldId, scatterData } from '@/utils/scatterData'
import { run } from '../compareFixtures'

const MAX = 1.7976931348623157e308
const runs = [
  run('a', { name: 'alpha', params: { lr: '0.1', opt: 'sgd' }, metrics: { loss: 0.5 } }),
  run('b', { name: 'beta', params: { lr: '1e-2', opt: 'adam' }, metrics: { loss: 0.25 } }),
  run('c', { name: 'gamma', params: { lr: '.5', opt: 'sgd' }, metrics: { loss: NaN } }),
  run('d', { name: 'delta', params: { opt: 'adam10' }, metrics: { loss: MAX } }),
]

describe('fieldColumn', () => {
  it('reads params that are all numbers as a numeric axis', () => {
    const c = fieldColumn(runs, { kind: 'param', key: 'lr' })
    expect(c.type).toBe('numeric')
    expect(c.positions).toEqual([0.1, 0.01, 0.5, undefined])
    expect(c.texts).toEqual(['0.1', '1e-2', '.5', undefined])
    expect(c.positive).toBe(true)
  })

  it('reads other params as categories in natural order', () => {
    const c = fieldColumn(runs, { kind: 'param', key: 'opt' })
    expect(c.type).toBe('category')
    expect(c.categories).toEqual(['adam', 'adam10', 'sgd'])
    expect(c.positions).toEqual([2, 0, 2, 1])
    expect(categoryTick(c, 1)).toBe('adam10')
    expect(categoryTick(c, 0.5)).toBe('')
  })

  it('does not take empty strings or hex for numbers', () => {
    expect(fieldColumn([run('x', { params: { p: '' } }), run('y', { params: { p: '1' } })], { kind: 'param', key: 'p' }).type).toBe('category')
    expect(fieldColumn([run('x', { params: { p: '0x10' } })], { kind: 'param', key: 'p' }).type).toBe('category')
  })

  it('gives NaN and ±inf metrics no position but keeps their text', () => {
    const c = fieldColumn(runs, { kind: 'metric', key: 'loss' })
    expect(c.positions).toEqual([0.5, 0.25, undefined, undefined])
    expect(c.texts).toEqual(['0.5', '0.25', 'NaN', '∞'])
  })
})

describe('scatterData', () => {
  it('makes one point per run with both values and lists the others', () => {
    const d = scatterData(runs, { kind: 'param', key: 'lr' }, { kind: 'metric', key: 'loss' })
    expect(d.points.map((p) => [p.runName, p.x, p.y])).toEqual([
      ['alpha', 0.1, 0.5],
      ['beta', 0.01, 0.25],
    ])
    expect(d.missing).toEqual(['gamma', 'delta'])
  })

  it('places categorical values at their category index', () => {
    const d = scatterData(runs, { kind: 'param', key: 'opt' }, { kind: 'param', key: 'lr' })
    expect(d.x.type).toBe('category')
    expect(d.points.map((p) => [p.x, p.xText])).toEqual([
      [2, 'sgd'],
      [0, 'adam'],
      [2, 'sgd'],
    ])
  })
})

describe('fields', () => {
  it('lists chosen metrics first, then other metrics, then params', () => {
    const r = [run('a', { params: { b: '1', a: '2' }, metrics: { z: 1, y: 2, acc: 3 } })]
    expect(fieldOptions(r, ['z']).map(fieldId)).toEqual(['metric:z', 'metric:acc', 'metric:y', 'param:a', 'param:b'])
  })
  it('round-trips ids, keys with colons included', () => {
    expect(parseFieldId(fieldId({ kind: 'param', key: 'a:b' }))).toEqual({ kind: 'param', key: 'a:b' })
    expect(parseFieldId('tag:x')).toBeNull()
  })
})
