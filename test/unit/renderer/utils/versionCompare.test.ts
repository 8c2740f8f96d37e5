import { describe, expect, it } from 'vitest'
import type { Run } from '@shared/domain/mlflow'
import { metricCompareRows, signatureCompareRows, signatureFieldText } from '../../../../renderer/src/utils/versionCompare'

const run = (metrics: Record<string, number>): Run =>
  ({
    info: { run_id: 'r' },
    data: { metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 0, step: 0 })), params: [], tags: [] },
  }) as unknown as Run

describe('metricCompareRows', () => {
  it('lists every key of either run by name, with B − A where both are finite', () => {
    expect(metricCompareRows(run({ loss: 0.5, acc: 0.8, only_a: 1 }), run({ loss: 0.25, acc: 0.8, only_b: NaN }))).toEqual([
      { key: 'acc', a: 0.8, b: 0.8, delta: 0, differs: false },
      { key: 'loss', a: 0.5, b: 0.25, delta: -0.25, differs: true },
      { key: 'only_a', a: 1, b: undefined, delta: null, differs: true },
      { key: 'only_b', a: undefined, b: NaN, delta: null, differs: true },
    ])
  })

  it('treats NaN on both sides as equal, and a missing run as no values', () => {
    expect(metricCompareRows(run({ x: NaN }), run({ x: NaN }))).toEqual([{ key: 'x', a: NaN, b: NaN, delta: null, differs: false }])
    expect(metricCompareRows(null, run({ x: 1 }))).toEqual([{ key: 'x', a: undefined, b: 1, delta: null, differs: true }])
    expect(metricCompareRows(null, null)).toEqual([])
  })
})

describe('signatureCompareRows', () => {
  const col = (name: string | null, type: string, required = true) => ({ name, type, required })

  it('matches columns by name (unnamed ones by position) and says what changed', () => {
    const a = { inputs: [col('x1', 'double'), col('x2', 'long'), col('gone', 'string')], outputs: [col(null, 'long')], params: null }
    const b = { inputs: [col('x1', 'double'), col('x2', 'double'), col('new', 'string', false)], outputs: [col(null, 'long', false)], params: null }
    expect(signatureCompareRows(a, b).map((r) => [r.part, r.name, r.change])).toEqual([
      ['inputs', 'x1', 'same'],
      ['inputs', 'x2', 'changed'],
      ['inputs', 'gone', 'removed'],
      ['inputs', 'new', 'added'],
      ['outputs', '#1', 'changed'],
    ])
  })

  it('compares against a missing signature as all added or removed', () => {
    const sig = { inputs: [col('a', 'double')], outputs: null, params: null }
    expect(signatureCompareRows(null, sig).map((r) => r.change)).toEqual(['added'])
    expect(signatureCompareRows(sig, undefined).map((r) => r.change)).toEqual(['removed'])
    expect(signatureFieldText(undefined)).toBe('—')
    expect(signatureFieldText(col('a', 'long', false))).toBe('long (optional)')
  })
})
