import type { LifecycleStage, Metric, Run, RunStatus } from '@shared/domain/mlflow'
import type { RunPageRow } from './runQueries'

/** PostgreSQL's json renders non-finite float8 as the strings "NaN", "Infinity", "-Infinity". */
function toNumber(v: number | string): number {
  return typeof v === 'number' ? v : Number(v)
}

/** MLflow stores NaN as value 0 with is_nan = true and gives NaN back when reading. */
export function metricValue(value: number | string, isNan: boolean): number {
  return isNan ? NaN : toNumber(value)
}

/** Map one page row to MLflow's Run shape, applying MLflow's reading rules. */
export function toRun(row: RunPageRow): Run {
  const tags = (row.tags ?? []).map(([key, value]) => ({ key, value: value ?? '' }))
  // Runs logged with MLflow <= 1.29 may have no name column value: MLflow's UI uses the tag.
  const runName = row.name || tags.find((t) => t.key === 'mlflow.runName')?.value || null
  const metrics: Metric[] = (row.metrics ?? []).map(([key, value, timestamp, step, isNan]) => ({
    key,
    value: metricValue(value, isNan),
    timestamp,
    step,
  }))
  return {
    info: {
      run_id: row.run_uuid,
      run_uuid: row.run_uuid,
      run_name: runName,
      experiment_id: String(row.experiment_id),
      user_id: row.user_id,
      status: row.status as RunStatus | null,
      start_time: row.start_time,
      end_time: row.end_time,
      artifact_uri: row.artifact_uri,
      lifecycle_stage: row.lifecycle_stage as LifecycleStage | null,
    },
    data: {
      metrics,
      params: (row.params ?? []).map(([key, value]) => ({ key, value })),
      tags,
    },
    inputs: {
      dataset_inputs: (row.datasets ?? []).map(([name, digest, source_type, source, schema, profile, dsTags]) => ({
        tags: (dsTags ?? []).map(([key, value]) => ({ key, value })),
        dataset: { name, digest, source_type, source, schema, profile },
      })),
      model_inputs: (row.model_inputs ?? []).map((model_id) => ({ model_id })),
    },
    outputs: {
      model_outputs: (row.model_outputs ?? []).map(([model_id, step]) => ({ model_id, step })),
    },
  }
}
