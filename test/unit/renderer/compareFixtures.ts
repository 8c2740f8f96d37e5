import type { Metric, Run } from '@shared/domain/mlflow'
import type { CompareSeries } from '@shared/api/contract'

/** A run as the API returns it, with only what the compare panels read. */
export function run(
  id: string,
  opts: { name?: string; params?: Record<string, string>; tags?: Record<string, string>; metrics?: Record<string, number> } = {},
): Run {
  const kv = (o: Record<string, string> = {}) => Object.entries(o).map(([key, value]) => ({ key, value }))
  return {
    info: {
      run_id: id,
      run_uuid: id,
      run_name: opts.name ?? id,
      experiment_id: '1',
      user_id: null,
      status: 'FINISHED',
      start_time: 0,
      end_time: 1,
      artifact_uri: null,
      lifecycle_stage: 'active',
    },
    data: {
      params: kv(opts.params),
      tags: kv(opts.tags),
      metrics: Object.entries(opts.metrics ?? {}).map(([key, value]): Metric => ({ key, value, timestamp: 0, step: 0 })),
    },
    inputs: { dataset_inputs: [], model_inputs: [] },
    outputs: { model_outputs: [] },
  }
}

export function series(runId: string, key: string, values: Array<[step: number, value: number]>, extra: Partial<CompareSeries> = {}): CompareSeries {
  return {
    run_id: runId,
    key,
    metrics: values.map(([step, value]) => ({ key, value, step, timestamp: step })),
    sampled: false,
    total_points: values.length,
    bucket_width: null,
    ...extra,
  }
}
