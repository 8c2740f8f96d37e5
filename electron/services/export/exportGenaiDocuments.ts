import type { StoreHandle } from '../connections/storeConnection'
import { allMetricsJson, modelColumnsSql, toLoggedModel } from '../loggedModels/loggedModelSql'
import type { ModelRow } from '../loggedModels/loggedModelSql'
import { folderSafe } from './exportFiles'
import type { PlannedDocument } from './plannedDocument'

/**
 * An experiment's logged models and evaluation datasets as mlflow-export-import's export-logged-models
 * and export-evaluation-datasets write them (../shared/PRIOR-ART.md §2): a folder per object with its
 * JSON in the export envelope, and a summary file per kind.
 */

/** A logged model whose artifacts the export copies into `dir`/artifacts. */
export interface PlannedModel {
  model_id: string
  name: string
  artifact_location: string
  dir: string
}

export interface PlannedDataset {
  dataset_id: string
  name: string
  dir: string
  records: number
}

const MODELS_DIR = 'logged_models'
const DATASETS_DIR = 'evaluation_datasets'

/** The experiment's active logged models: logged_models/<model_id>/logged_model.json, and logged_models/logged_models.json. */
export async function loggedModelDocuments(
  store: StoreHandle,
  experiment: { experiment_id: string; name: string },
): Promise<{ models: PlannedModel[]; documents: PlannedDocument[] }> {
  if (!store.capabilities.loggedModels) return { models: [], documents: [] }
  const rows = await store.select<ModelRow>(
    `SELECT ${modelColumnsSql(allMetricsJson())} FROM logged_models lm
      WHERE lm.experiment_id = $1::int AND lm.lifecycle_stage = 'active'
      ORDER BY lm.creation_timestamp_ms, lm.model_id`,
    [experiment.experiment_id],
  )
  if (rows.length === 0) return { models: [], documents: [] }
  const models: PlannedModel[] = []
  const documents: PlannedDocument[] = []
  // An id that cannot name a folder (not one MLflow writes) is reported as failed, never used as a path.
  const failed = rows.filter((r) => !folderSafe(r.model_id)).map((r) => r.model_id)
  for (const m of rows.filter((r) => folderSafe(r.model_id)).map(toLoggedModel)) {
    const dir = `${MODELS_DIR}/${m.model_id}`
    models.push({ model_id: m.model_id, name: m.name, artifact_location: m.artifact_location, dir })
    // LoggedModel's attributes in its order, as logged_model_to_json writes them (the status enum's value).
    documents.push({
      path: `${dir}/logged_model.json`,
      mlflow: {
        experiment_id: m.experiment_id,
        model_id: m.model_id,
        name: m.name,
        artifact_location: m.artifact_location,
        creation_timestamp: m.creation_timestamp_ms,
        last_updated_timestamp: m.last_updated_timestamp_ms,
        model_type: m.model_type,
        source_run_id: m.source_run_id,
        status: m.status,
        status_message: m.status_message,
        tags: Object.fromEntries(m.tags.map((t) => [t.key, t.value])),
        params: Object.fromEntries(m.params.map((p) => [p.key, p.value])),
        metrics: m.metrics.map((x) => ({
          key: x.key,
          value: x.value,
          timestamp: x.timestamp,
          step: x.step,
          dataset_name: x.dataset_name,
          dataset_digest: x.dataset_digest,
          model_id: m.model_id,
          run_id: x.run_id,
        })),
      },
    })
  }
  documents.push({
    path: `${MODELS_DIR}/logged_models.json`,
    info: {
      num_total_logged_models: rows.length,
      num_ok_logged_models: models.length,
      num_failed_logged_models: failed.length,
      failed_logged_models: failed,
    },
    mlflow: { experiments: [{ id: experiment.experiment_id, name: experiment.name, logged_models: models.map((m) => m.model_id) }] },
  })
  return { models, documents }
}

type DatasetRow = Record<string, unknown> & { dataset_id: string; name: string }

/** A folder name for "<name>_<dataset_id>": the name's characters a file system may refuse become "_". */
const datasetFolder = (d: DatasetRow) => `${d.name.replace(/[^\w.-]/g, '_').replace(/^\.+/, '_')}_${d.dataset_id}`

/** MLflow wraps a record's outputs that are not an object as {"mlflow_wrapped": value}; DatasetRecord gives the value. */
function unwrapped(outputs: unknown): unknown {
  if (outputs && typeof outputs === 'object' && !Array.isArray(outputs)) {
    const keys = Object.keys(outputs)
    if (keys.length === 1 && keys[0] === 'mlflow_wrapped') return (outputs as { mlflow_wrapped: unknown }).mlflow_wrapped
  }
  return outputs
}

/**
 * The evaluation datasets associated with the experiment, with their tags, experiments and every record, as
 * EvaluationDataset.to_dict() gives them: evaluation_datasets/<name>_<dataset_id>/evaluation_dataset.json,
 * and evaluation_datasets/evaluation_datasets_summary.json.
 */
export async function datasetDocuments(store: StoreHandle, experimentId: string): Promise<{ datasets: PlannedDataset[]; documents: PlannedDocument[] }> {
  if (!store.capabilities.evaluationDatasets) return { datasets: [], documents: [] }
  const rows = await store.select<DatasetRow>(
    `SELECT d.dataset_id, d.name, d.tags, d.schema, d.profile, d.digest,
            d.created_time::float8 AS created_time, d.last_update_time::float8 AS last_update_time, d.created_by, d.last_updated_by,
            d.experiment_ids, d.records
       FROM (SELECT ed.*,
                    (SELECT coalesce(json_object_agg(t.key, t.value ORDER BY t.key), '{}'::json) FROM evaluation_dataset_tags t WHERE t.dataset_id = ed.dataset_id) AS tags,
                    (SELECT coalesce(json_agg(a.destination_id ORDER BY a.destination_id), '[]'::json) FROM entity_associations a
                      WHERE a.source_type = 'evaluation_dataset' AND a.source_id = ed.dataset_id AND a.destination_type = 'experiment') AS experiment_ids,
                    (SELECT coalesce(json_agg(to_jsonb(r) - 'input_hash' ORDER BY r.created_time, r.dataset_record_id), '[]'::json)
                       FROM evaluation_dataset_records r WHERE r.dataset_id = ed.dataset_id) AS records
               FROM evaluation_datasets ed
              WHERE ed.dataset_id IN (SELECT a.source_id FROM entity_associations a
                                       WHERE a.destination_type = 'experiment' AND a.destination_id = $1 AND a.source_type = 'evaluation_dataset')) d
      ORDER BY d.created_time, d.dataset_id`,
    [experimentId],
  )
  if (rows.length === 0) return { datasets: [], documents: [] }
  const datasets: PlannedDataset[] = []
  const documents: PlannedDocument[] = []
  const ok = rows.filter((d) => folderSafe(d.dataset_id))
  for (const d of ok) {
    const records = (d.records as Array<Record<string, unknown>>).map((r) => ({ ...r, outputs: unwrapped(r.outputs) }))
    const dir = `${DATASETS_DIR}/${datasetFolder(d)}`
    datasets.push({ dataset_id: d.dataset_id, name: d.name, dir, records: records.length })
    documents.push({ path: `${dir}/evaluation_dataset.json`, mlflow: { evaluation_dataset: { ...d, records } } })
  }
  documents.push({
    path: `${DATASETS_DIR}/evaluation_datasets_summary.json`,
    mlflow: {
      total_datasets: rows.length,
      successful_exports: datasets.length,
      failed_exports: rows.length - ok.length,
      datasets: datasets.map((d) => ({ name: d.name, dataset_id: d.dataset_id })),
    },
  })
  return { datasets, documents }
}
