import { describe, expect, it } from 'vitest'
import { bestOf, bestRunIndex, compareValues, defaultDirection, summarize, summaryTable } from '@/utils/metricsSummary'
import { run, series } from '../compareFixtures'

const MAX = 1.7976931348623157e308

describe('defaultDirection', () => {
  it('prefers low values for loss-like names and high ones otherwise', () => {
    for (const k of ['loss', 'val_loss', 'train_error', 'mae', 'RMSE', 'perplexity', 'top1_err']) expect(defaultDirection(k)).toBe('min')
    for (const k of ['accuracy', 'f1', 'auc', 'val_acc']) expect(defaultDirection(k)).toBe('max')
  })
})

describe('summarize', () => {
  it('takes min, max and their first steps from finite values only, counting NaN and ±inf apart', () => {
    const c = summarize(
      NaN,
      series('a', 'loss', [
        [0, 2],
        [1, NaN],
        [2, MAX],
        [3, 0.5],
        [4, -MAX],
        [5, 0.5],
        [6, 3],
      ]),
    )
    expect(c).toMatchObject({ min: 0.5, minStep: 3, max: 3, maxStep: 6, specials: 3, points: 7, sampledFrom: null })
    expect(Number.isNaN(c.last)).toBe(true)
    expect(bestOf(c, 'min')).toEqual({ value: 0.5, step: 3 })
    expect(bestOf(c, 'max')).toEqual({ value: 3, step: 6 })
  })

  it('has no min, max or best when every value is NaN or inf', () => {
    const c = summarize(
      MAX,
      series('a', 'loss', [
        [0, NaN],
        [1, MAX],
      ]),
    )
    expect(c.min).toBeUndefined()
    expect(bestOf(c, 'min')).toBeUndefined()
    expect(c.specials).toBe(2)
  })

  it('reports stored points and how many were sent when sampled', () => {
    const c = summarize(
      1,
      series(
        'a',
        'acc',
        [
          [0, 1],
          [99, 2],
        ],
        { sampled: true, total_points: 100_000 },
      ),
    )
    expect(c.points).toBe(100_000)
    expect(c.sampledFrom).toBe(2)
  })
})

describe('summaryTable and bestRunIndex', () => {
  const runs = [run('a', { metrics: { loss: 0.3, acc: 0.8 } }), run('b', { metrics: { loss: NaN, acc: 0.9 } }), run('c', { metrics: { acc: 0.7 } })]
  const all = [
    series('a', 'loss', [
      [0, 1],
      [1, 0.3],
    ]),
    series('a', 'acc', [
      [0, 0.5],
      [1, 0.8],
    ]),
    series('b', 'loss', [
      [0, -MAX],
      [1, NaN],
      [2, 0.2],
      [3, 0.25],
    ]),
    series('b', 'acc', [
      [0, 0.6],
      [1, 0.95],
      [2, 0.9],
    ]),
    series('c', 'loss', [], { total_points: 0 }),
    series('c', 'acc', [
      [0, NaN],
      [1, 0.7],
    ]),
  ]
  const table = summaryTable(runs, all, ['loss', 'acc'])

  it('keeps runs in order and never lets -inf win a lower-is-better metric', () => {
    const loss = table.get('loss')!
    expect(loss.map((c) => c.min)).toEqual([0.3, 0.2, undefined])
    expect(bestRunIndex(loss, 'min')).toBe(1)
    expect(loss[1].minStep).toBe(2)
    expect(bestRunIndex(loss, 'max')).toBe(0)
  })

  it('follows the flipped direction', () => {
    const acc = table.get('acc')!
    expect(bestRunIndex(acc, 'max')).toBe(1)
    expect(bestOf(acc[1], 'max')!.step).toBe(1)
    expect(bestRunIndex(acc, 'min')).toBe(0)
  })

  it('returns -1 when no run has a finite value', () => {
    expect(bestRunIndex([summarize(undefined, undefined)], 'min')).toBe(-1)
  })

  it('sorts finite numbers first, then NaN/inf, then missing', () => {
    expect([undefined, NaN, 2, 1].sort(compareValues)).toEqual([1, 2, NaN, undefined])
  })
})
