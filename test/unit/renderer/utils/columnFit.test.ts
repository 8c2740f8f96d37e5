import { describe, expect, it } from 'vitest'
import type { Run } from '@shared/domain/mlflow'
import { densitySpec, fitColumns, keyColumnWidth, keyCounts, rankKeys } from '@/utils/columnFit'

const widthOf =
  (w: Record<string, number>, fallback = 100) =>
  (id: string) =>
    w[id] ?? fallback

describe('fitting the runs table to its window', () => {
  const counts = {
    metrics: { loss: 40, acc: 40, f1: 12, rare: 1, never: 0 },
    params: { lr: 40, batch: 30 },
  }

  it('ranks keys by how many runs have them, ties alphabetically, and drops keys no run has', () => {
    expect(rankKeys(counts.metrics)).toEqual(['acc', 'loss', 'f1', 'rare'])
    expect(rankKeys({})).toEqual([])
  })

  it('picks the most common metrics, then params, as many as the width left takes', () => {
    expect(fitColumns({ available: 1000, taken: 500, counts, widthOf: widthOf({}) })).toEqual([
      'metrics.acc',
      'metrics.loss',
      'metrics.f1',
      'metrics.rare',
      'params.lr',
    ])
    expect(fitColumns({ available: 1440, taken: 500, counts, widthOf: widthOf({}) })).toHaveLength(6)
    expect(fitColumns({ available: 760, taken: 500, counts, widthOf: widthOf({}) })).toEqual(['metrics.acc', 'metrics.loss'])
  })

  it('passes over a column too wide for what is left for a narrower one after it', () => {
    const w = widthOf({ 'metrics.loss': 300 })
    expect(fitColumns({ available: 850, taken: 500, counts, widthOf: w })).toEqual(['metrics.acc', 'metrics.f1', 'metrics.rare'])
  })

  it('shows one metric even when the window is too narrow for any', () => {
    expect(fitColumns({ available: 500, taken: 500, counts, widthOf: widthOf({}) })).toEqual(['metrics.acc'])
    expect(fitColumns({ available: 500, taken: 500, counts: { metrics: {}, params: {} }, widthOf: widthOf({}) })).toEqual([])
  })

  it('fills around what is already shown, from the entities asked for', () => {
    const got = fitColumns({ available: 800, taken: 500, counts, entities: ['params'], shown: ['params.lr'], widthOf: widthOf({}) })
    expect(got).toEqual(['params.batch'])
  })

  it('makes rows and key columns smaller when compact and bigger when comfortable', () => {
    expect(densitySpec('compact').rowHeight).toBeLessThan(densitySpec('fit').rowHeight)
    expect(densitySpec('comfortable').rowHeight).toBeGreaterThan(densitySpec('fit').rowHeight)
    expect(keyColumnWidth('metrics', 'val_accuracy', 'compact')).toBeLessThan(keyColumnWidth('metrics', 'val_accuracy'))
    expect(keyColumnWidth('metrics', 'val_accuracy', 'comfortable')).toBeGreaterThan(keyColumnWidth('metrics', 'val_accuracy'))
    // A denser table fits more columns in the same window.
    const fit = (d: 'compact' | 'comfortable') =>
      fitColumns({ available: 900, taken: 500, counts, widthOf: (id) => keyColumnWidth(id.startsWith('metrics.') ? 'metrics' : 'params', id, d) })
    expect(fit('compact').length).toBeGreaterThan(fit('comfortable').length)
  })
})

describe('how common each key is', () => {
  const run = (metrics: string[], params: string[]): Run =>
    ({
      info: { run_id: metrics.join() + params.join() },
      data: { metrics: metrics.map((key) => ({ key, value: 1, step: 0, timestamp: 0 })), params: params.map((key) => ({ key, value: '1' })), tags: [] },
    }) as unknown as Run

  it('counts the loaded runs until the experiments’ counts come, then takes the larger of the two per key', () => {
    const runs = [run(['acc', 'constructor'], ['lr']), run(['acc'], [])]
    const loaded = keyCounts(null, runs)
    expect({ ...loaded.metrics }).toEqual({ acc: 2, constructor: 1 })
    const merged = keyCounts(
      {
        metrics: ['acc', 'loss'],
        params: ['lr'],
        tags: [],
        counts: { metrics: { acc: 40, loss: 38 }, params: { lr: 40 }, tags: {} },
        runs: 40,
        sampled: false,
      },
      runs,
    )
    expect({ ...merged.metrics }).toEqual({ acc: 40, loss: 38, constructor: 1 })
    expect(rankKeys(merged.metrics)).toEqual(['acc', 'loss', 'constructor'])
    // A key named like an Object method is a key like any other.
    expect(rankKeys(keyCounts(null, []).metrics)).toEqual([])
  })
})
