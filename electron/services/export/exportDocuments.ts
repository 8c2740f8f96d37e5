import type { Experiment, ModelVersion, RegisteredModel, Run } from '@shared/domain/mlflow'
import type { StoreHandle } from '../connections/storeConnection'
import { getMetricHistory } from '../tracking/metricHistory'
import { utcString } from './exportJson'

/**
 * The `mlflow` parts of mlflow-export-import's files (../shared/PRIOR-ART.md §2), built from
 * our readers. Key order is the order its exporter writes them; every key its importer
 * indexes directly is always present (mlflow.inputs, info.failed_runs, mlflow.runs, ...).
 */

const byKey = <T>(entries: Array<[string, T]>): Record<string, T> => Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))

/** run.json's `mlflow`: info, params, metrics with their full history, tags (sorted, strings), inputs, outputs. */
export async function runDocument(store: StoreHandle, run: Run): Promise<Record<string, unknown>> {
  const metrics: Record<string, Array<{ value: number; timestamp: number | null; step: number }>> = {}
  // Latest metrics name the keys; get_metric_history gives every stored value (NaN restored), as the exporter asks.
  for (const key of [...new Set(run.data.metrics.map((m) => m.key))]) {
    const { metrics: history } = await getMetricHistory(store, { run_id: run.info.run_id, metric_key: key })
    metrics[key] = history.map((m) => ({ value: m.value, timestamp: m.timestamp, step: m.step }))
  }
  const i = run.info
  return {
    info: {
      run_uuid: i.run_uuid,
      run_id: i.run_id,
      experiment_id: i.experiment_id,
      user_id: i.user_id ?? '',
      status: i.status ?? 'FINISHED',
      start_time: i.start_time,
      end_time: i.end_time,
      lifecycle_stage: i.lifecycle_stage ?? 'active',
      artifact_uri: i.artifact_uri,
      run_name: i.run_name ?? '',
      _start_time: utcString(i.start_time),
      _end_time: utcString(i.end_time),
    },
    params: Object.fromEntries(run.data.params.map((p) => [p.key, p.value])),
    metrics,
    tags: byKey(run.data.tags.map((t) => [t.key, String(t.value ?? '')])),
    inputs: {
      dataset_inputs: run.inputs.dataset_inputs.map((d) => ({ dataset: { ...d.dataset }, tags: d.tags.map((t) => ({ key: t.key, value: t.value })) })),
      model_inputs: run.inputs.model_inputs.map((m) => ({ model_id: m.model_id })),
    },
    outputs: { model_outputs: run.outputs.model_outputs.map((m) => ({ model_id: m.model_id, step: m.step })) },
  }
}

/** experiment.json's `info` and `mlflow` for the runs exported into runs/<run_id>/. */
export function experimentDocument(
  experiment: Experiment,
  runIds: string[],
  failedRuns: string[],
): { info: Record<string, unknown>; mlflow: Record<string, unknown> } {
  return {
    info: {
      num_total_runs: runIds.length + failedRuns.length,
      num_ok_runs: runIds.length,
      num_failed_runs: failedRuns.length,
      failed_runs: failedRuns,
    },
    mlflow: {
      experiment: {
        experiment_id: experiment.experiment_id,
        name: experiment.name,
        artifact_location: experiment.artifact_location,
        lifecycle_stage: experiment.lifecycle_stage,
        tags: byKey(experiment.tags.map((t) => [t.key, t.value])),
        creation_time: experiment.creation_time,
        last_update_time: experiment.last_update_time,
        _creation_time: utcString(experiment.creation_time),
        _last_update_time: utcString(experiment.last_update_time),
      },
      runs: runIds,
    },
  }
}

/** One exported model version: MLflow's fields, tags as a map (create_model_version takes a dict), plus the exporter's extras. */
export function versionDocument(v: ModelVersion, run: Run, experimentName: string): Record<string, unknown> {
  return {
    name: v.name,
    version: v.version,
    creation_timestamp: v.creation_timestamp,
    last_updated_timestamp: v.last_updated_timestamp,
    user_id: v.user_id ?? '',
    current_stage: v.current_stage ?? 'None',
    description: v.description ?? '',
    source: v.source,
    run_id: v.run_id,
    status: v.status,
    status_message: v.status_message ?? '',
    run_link: v.run_link ?? '',
    tags: byKey(v.tags.map((t) => [t.key, t.value])),
    aliases: v.aliases,
    _run_artifact_uri: run.info.artifact_uri,
    _experiment_name: experimentName,
    _creation_timestamp: utcString(v.creation_timestamp),
    _last_updated_timestamp: utcString(v.last_updated_timestamp),
  }
}

/** model.json's `info` and `mlflow.registered_model` (versions: the exported ones, oldest first). */
export function modelDocument(
  model: RegisteredModel,
  versions: Array<Record<string, unknown>>,
  failedVersions: Array<{ version: string; run_id: string | null; reason: string }>,
) {
  return {
    info: { num_versions: versions.length + failedVersions.length, num_exported_versions: versions.length, failed_versions: failedVersions },
    mlflow: {
      registered_model: {
        name: model.name,
        creation_timestamp: model.creation_timestamp,
        last_updated_timestamp: model.last_updated_timestamp,
        description: model.description ?? '',
        aliases: model.aliases.map((a) => ({ alias: a.alias, version: a.version })),
        tags: model.tags.map((t) => ({ key: t.key, value: t.value })),
        _creation_timestamp: utcString(model.creation_timestamp),
        _last_updated_timestamp: utcString(model.last_updated_timestamp),
        versions,
      },
    },
  }
}
