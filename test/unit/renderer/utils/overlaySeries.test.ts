import { describe, expect, it } from 'vitest'
import type { CompareSeries } from '@shared/api/contract'
import type { Run } from '@shared/domain/mlflow'
import { overlayRuns, overlaySeries, overlaySuggestions } from '@/utils/overlaySeries'

const run = { info: { run_id: 'r1', run_uuid: 'r1', run_name: 'first', start_time: 1000 }, data: { metrics: [], params: [], tags: [] } } as unknown as Run
const series = (runId: string, key: string): CompareSeries => ({ run_id: runId, key, metrics: [], sampled: false, total_points: 0, bucket_width: null })

describe('overlay of several keys of one run', () => {
  it('hands each key to the chart as a run named by the key, starting when the run started', () => {
    const runs = overlayRuns(run, ['loss', 'val_loss'])
    expect(runs.map((r) => [r.info.run_id, r.info.run_name, r.info.start_time])).toEqual([
      ['loss', 'loss', 1000],
      ['val_loss', 'val_loss', 1000],
    ])
    expect(run.info.run_id).toBe('r1')
    expect(overlaySeries([series('r1', 'loss'), series('r2', 'loss'), series('r1', 'val_loss')], 'r1').map((s) => s.run_id)).toEqual(['loss', 'val_loss'])
  })

  it('suggests a metric with its validation twin', () => {
    expect(overlaySuggestions(['val_loss', 'loss', 'acc', 'train/f1', 'val/f1', 'train/val_x', 'x'])).toEqual([
      ['loss', 'val_loss'],
      ['train/f1', 'val/f1'],
    ])
  })
})
