import { describe, expect, it } from 'vitest'
import type { Run } from '@shared/domain/mlflow'
import { aggregate, commonGrid, groupRuns, resample } from '@/utils/groupSeries'

const run = (id: string, params: Record<string, string>, tags: Record<string, string> = {}): Run => ({
  info: {
    run_id: id,
    run_uuid: id,
    run_name: id,
    experiment_id: '1',
    user_id: null,
    status: 'FINISHED',
    start_time: 0,
    end_time: 1,
    artifact_uri: null,
    lifecycle_stage: 'active',
  },
  data: {
    metrics: [],
    params: Object.entries(params).map(([key, value]) => ({ key, value })),
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
  },
  inputs: { dataset_inputs: [], model_inputs: [] },
  outputs: { model_outputs: [] },
})

describe('groupRuns', () => {
  it('groups by a param or tag value in order of appearance, runs without it last', () => {
    const runs = [run('a', { lr: '0.1' }), run('b', {}, { team: 'x' }), run('c', { lr: '0.01' }), run('d', { lr: '0.1' })]
    expect(groupRuns(runs, 'params.lr')).toEqual([
      { value: '0.1', runIds: ['a', 'd'] },
      { value: '0.01', runIds: ['c'] },
      { value: null, runIds: ['b'] },
    ])
    expect(groupRuns(runs, 'tags.team').map((g) => g.value)).toEqual(['x', null])
  })
})

describe('resample', () => {
  it('interpolates linearly inside the run and never outside it', () => {
    const s = [
      { x: 10, y: 1 },
      { x: 20, y: 3 },
    ]
    expect(resample(s, [0, 10, 15, 20, 25])).toEqual([null, 1, 2, 3, null])
  })

  it('skips NaN/inf points (null y) and interpolates across them', () => {
    const s = [
      { x: 0, y: 0 },
      { x: 5, y: null },
      { x: 10, y: 10 },
    ]
    expect(resample(s, [5])).toEqual([5])
  })
})

describe('aggregate', () => {
  it('gives mean, min and max over runs logged at misaligned steps', () => {
    const a = [
      { x: 0, y: 0 },
      { x: 10, y: 10 },
    ]
    const b = [
      { x: 5, y: 20 },
      { x: 15, y: 30 },
    ]
    const out = aggregate([a, b])
    expect(out.map((p) => p.x)).toEqual([0, 5, 10, 15])
    // x=0: only a; x=5: a interpolated (5) and b (20); x=10: a (10) and b interpolated (25); x=15: only b.
    expect(out[0]).toEqual({ x: 0, mean: 0, min: 0, max: 0, n: 1 })
    expect(out[1]).toEqual({ x: 5, mean: 12.5, min: 5, max: 20, n: 2 })
    expect(out[2]).toEqual({ x: 10, mean: 17.5, min: 10, max: 25, n: 2 })
    expect(out[3]).toEqual({ x: 15, mean: 30, min: 30, max: 30, n: 1 })
  })

  it('leaves NaN and ±inf out of the aggregate', () => {
    const a = [
      { x: 0, y: 2 },
      { x: 1, y: null },
      { x: 2, y: 2 },
    ]
    const b = [
      { x: 1, y: 4 },
      { x: 2, y: null },
    ]
    const out = aggregate([a, b])
    expect(out.find((p) => p.x === 1)).toEqual({ x: 1, mean: 3, min: 2, max: 4, n: 2 })
    expect(out.find((p) => p.x === 2)).toEqual({ x: 2, mean: 2, min: 2, max: 2, n: 1 })
    expect(out.every((p) => Number.isFinite(p.mean))).toBe(true)
  })

  it('bins a grid too large for the union of steps', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ x: i, y: i }))
    const grid = commonGrid([many], 100)
    expect(grid).toHaveLength(100)
    expect(grid[0]).toBe(0)
    expect(grid[99]).toBe(4999)
    const out = aggregate([many], 100)
    expect(out).toHaveLength(100)
    out.forEach((p) => expect(p.mean).toBeCloseTo(p.x, 9))
  })
})

describe('aggregate across runs that do not overlap', () => {
  it('breaks the mean line between one run ending and the next starting', () => {
    const early = [
      { x: 0, y: 1 },
      { x: 10, y: 2 },
    ]
    const late = [
      { x: 100, y: 5 },
      { x: 110, y: 6 },
    ]
    const out = aggregate([early, late])
    expect(out.map((p) => p.x)).toEqual([0, 10, 55, 100, 110])
    expect(out[2].n).toBe(0)
    expect(out[2].mean).toBeNaN()
    expect(out.filter((p) => p.n > 0).map((p) => p.mean)).toEqual([1, 2, 5, 6])
  })
})
