import { describe, expect, it } from 'vitest'
import type { Run } from '@shared/domain/mlflow'
import { describeStats, metricStats } from '@/utils/groupStats'

const run = (id: string, metrics: Record<string, number>): Run =>
  ({
    info: {
      run_id: id,
      run_uuid: id,
      run_name: id,
      experiment_id: '1',
      status: 'FINISHED',
      start_time: 0,
      end_time: 1,
      lifecycle_stage: 'active',
      artifact_uri: '',
    },
    data: { metrics: Object.entries(metrics).map(([key, value]) => ({ key, value, step: 0, timestamp: 0 })), params: [], tags: [] },
  }) as unknown as Run

describe('a group row summary of a metric', () => {
  it('gives mean, min and max over the runs that logged it', () => {
    const s = metricStats([run('a', { acc: 0.5 }), run('b', { acc: 0.9 }), run('c', { loss: 1 }), run('d', { acc: 0.7 })], 'acc')
    expect(s).toMatchObject({ n: 3, nonFinite: 0, min: 0.5, max: 0.9 })
    expect(s!.mean).toBeCloseTo(0.7)
    expect(describeStats(s!, 4, false)).toBe('mean 0.7 · min 0.5 · max 0.9\nover 3 of 4 runs')
    expect(describeStats(s!, 4, true)).toContain('loaded so far')
  })

  it('leaves NaN and infinities out of the figures and says so', () => {
    const s = metricStats([run('a', { loss: NaN }), run('b', { loss: 2 }), run('c', { loss: Infinity })], 'loss')
    expect(s).toEqual({ n: 1, nonFinite: 2, mean: 2, min: 2, max: 2 })
    expect(describeStats(s!, 3, false)).toContain('2 NaN or infinite left out')
  })

  it('is empty when no run of the group logged the metric', () => {
    expect(metricStats([run('a', { acc: 1 })], 'loss')).toBeNull()
  })
})
