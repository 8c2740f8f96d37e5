import { describe, expect, it } from 'vitest'
import type { Run } from '@shared/domain/mlflow'
import { MAX_COMPARE_RUNS } from '@shared/api/contract'
import { compareLinkFor, DEFAULT_COMPARE_STATE, parseCompareState, writeCompareState, type CompareState } from '@/utils/compareState'

describe('compare state in the link', () => {
  it('round-trips every field', () => {
    const s: CompareState = {
      runs: ['a1', 'b2'],
      metrics: ['loss', 'val/acc'],
      x: 'wall',
      y: 'log',
      smooth: 0.6,
      group: 'params.lr',
      points: 3000,
      tab: 'scatter',
    }
    const q = writeCompareState(s)
    expect(q).toEqual({ runs: 'a1,b2', metrics: 'loss,val/acc', x: 'wall', y: 'log', smooth: '0.6', group: 'params.lr', points: '3000', tab: 'scatter' })
    expect(parseCompareState(q)).toEqual(s)
  })

  it('leaves defaults out of the link', () => {
    expect(writeCompareState({ ...DEFAULT_COMPARE_STATE, runs: ['a'] })).toEqual({ runs: 'a' })
  })

  it('falls back to defaults on bad values', () => {
    const s = parseCompareState({ runs: 'ok1,,bad id!,ok1', x: 'sideways', y: 'sqrt', smooth: '1.5', group: 'metrics.acc', points: '5', tab: 'nope' })
    expect(s).toEqual({ ...DEFAULT_COMPARE_STATE, runs: ['ok1'] })
    expect(parseCompareState({ smooth: 'abc', points: '1e3' })).toMatchObject({ smooth: 0, points: 1000 })
    expect(parseCompareState({ smooth: '-0.2', points: '200000' })).toMatchObject({ smooth: 0, points: 1000 })
  })

  it('reads vue-router arrays and caps the runs at the contract limit', () => {
    const ids = Array.from({ length: MAX_COMPARE_RUNS + 5 }, (_, i) => `r${i}`)
    const s = parseCompareState({ runs: [ids.join(','), 'x'], tab: ['params'] })
    expect(s.runs).toHaveLength(MAX_COMPARE_RUNS)
    expect(s.tab).toBe('params')
  })
})

describe('compareLinkFor', () => {
  const run = (id: string, metrics: string[]): Run => ({
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
    data: { metrics: metrics.map((key) => ({ key, value: 1, timestamp: 0, step: 0 })), params: [], tags: [] },
    inputs: { dataset_inputs: [], model_inputs: [] },
    outputs: { model_outputs: [] },
  })

  it('orders the ticked runs as the table does and picks the most common metrics', () => {
    const table = [run('a', ['loss', 'acc']), run('b', ['loss', 'f1', 'acc']), run('c', ['loss', 'x', 'y']), run('d', ['z'])]
    expect(compareLinkFor(table, ['c', 'a', 'b'])).toEqual({ runs: 'a,b,c', metrics: 'loss,acc,f1' })
  })

  it('refuses nothing ticked and more than a comparison takes', () => {
    expect(compareLinkFor([], [])).toBeNull()
    expect(
      compareLinkFor(
        [],
        Array.from({ length: MAX_COMPARE_RUNS + 1 }, (_, i) => `r${i}`),
      ),
    ).toBeNull()
  })
})
