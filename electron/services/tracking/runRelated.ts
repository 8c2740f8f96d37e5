import { AppError } from '@shared/api/errors'
import type { RunRelatedResponse } from '@shared/api/contract'
import { loggedModelStatusName } from '@shared/domain/loggedModels'
import type { LoggedModel, ModelVersion, RunSummary } from '@shared/domain/mlflow'
import type { StoreHandle } from '../connections/storeConnection'
import type { StoreCapabilities } from '../mlflowSchema/capabilities'
import { RUN_MODEL_LINKS_SQL } from '../loggedModels/loggedModelsForRun'
import { runNameSql } from './runNameSql'
import { LOG_MODEL_HISTORY_TAG, parseLogModelHistory } from '../models/logModelHistory'
import { liveVersion, modelVersionJson } from './registry'

/** MLflow's only nesting mechanism: the child carries its parent's id in this tag. */
const PARENT_TAG = 'mlflow.parentRunId'

/** logged_models.status is MLflow's LoggedModelStatus enum stored as its number. */
export const loggedModelStatus = loggedModelStatusName

/** A run link as JSON from runs alias `r`; the name falls back to the mlflow.runName tag as for runs from MLflow <= 1.29. */
function runSummaryJson(can: StoreCapabilities): string {
  return `json_build_object('run_id', r.run_uuid, 'run_name', ${runNameSql(can)}, 'experiment_id', r.experiment_id::text,
    'status', r.status, 'start_time', r.start_time, 'lifecycle_stage', r.lifecycle_stage)`
}

function loggedModelsJson(can: StoreCapabilities): string {
  if (!can.loggedModels) return `'[]'::json`
  const kv = (table: string, key: string, value: string) =>
    `COALESCE((SELECT json_agg(json_build_object('key', x.${key}, 'value', COALESCE(x.${value}, '')) ORDER BY x.${key}) FROM ${table} x WHERE x.model_id = lm.model_id), '[]'::json)`
  return `COALESCE((SELECT json_agg(json_build_object(
      'model_id', lm.model_id, 'name', lm.name, 'experiment_id', lm.experiment_id::text, 'source_run_id', lm.source_run_id,
      'artifact_location', lm.artifact_location, 'creation_timestamp_ms', lm.creation_timestamp_ms,
      'last_updated_timestamp_ms', lm.last_updated_timestamp_ms, 'status', lm.status, 'status_message', lm.status_message,
      'model_type', lm.model_type, 'lifecycle_stage', lm.lifecycle_stage,
      'tags', ${kv('logged_model_tags', 'tag_key', 'tag_value')},
      'params', ${kv('logged_model_params', 'param_key', 'param_value')})
    ORDER BY lm.creation_timestamp_ms DESC, lm.model_id) FROM logged_models lm WHERE lm.model_id IN (SELECT l.model_id FROM (${RUN_MODEL_LINKS_SQL}) l)), '[]'::json)`
}

function modelVersionsJson(can: StoreCapabilities): string {
  if (!can.modelRegistry) return `'[]'::json`
  return `COALESCE((SELECT json_agg(${modelVersionJson(can)} ORDER BY v.name, v.version DESC)
      FROM model_versions v WHERE v.run_id = $1 AND ${liveVersion()}), '[]'::json)`
}

interface RelatedRow {
  found: boolean
  parent: RunSummary | null
  children: RunSummary[]
  logged_models: Array<Omit<LoggedModel, 'status'> & { status: number | null }>
  model_versions: ModelVersion[]
  history: string | null
}

/**
 * What surrounds a run on its detail page, in one statement (one snapshot):
 * its parent and children (every lifecycle stage, by start_time), the MLflow 3
 * logged models it produced, used or logged metrics for (RUN_MODEL_LINKS_SQL), the models MLflow 1.x/2.x logged in it (its
 * mlflow.log-model.history tag), and the registered model versions made from it.
 */
export async function getRunRelated(store: StoreHandle, runId: string): Promise<RunRelatedResponse> {
  const summary = runSummaryJson(store.capabilities)
  const [row] = await store.select<RelatedRow>(
    `SELECT EXISTS (SELECT 1 FROM runs WHERE run_uuid = $1) AS found,
            (SELECT ${summary} FROM tags p JOIN runs r ON r.run_uuid = p.value
              WHERE p.run_uuid = $1 AND p.key = '${PARENT_TAG}') AS parent,
            COALESCE((SELECT json_agg(${summary} ORDER BY r.start_time ASC NULLS LAST, r.run_uuid)
                        FROM tags c JOIN runs r ON r.run_uuid = c.run_uuid
                       WHERE c.key = '${PARENT_TAG}' AND c.value = $1), '[]'::json) AS children,
            ${loggedModelsJson(store.capabilities)} AS logged_models,
            ${modelVersionsJson(store.capabilities)} AS model_versions,
            (SELECT h.value FROM tags h WHERE h.run_uuid = $1 AND h.key = '${LOG_MODEL_HISTORY_TAG}') AS history`,
    [runId],
  )
  if (!row?.found) throw new AppError('NOT_FOUND', `Run '${runId}' not found in ${store.where}.`)
  const history = parseLogModelHistory(row.history)
  return {
    parent: row.parent,
    children: row.children,
    logged_models: row.logged_models.map((m) => ({ ...m, status: loggedModelStatus(m.status) })),
    model_versions: row.model_versions,
    history_models: history.models,
    history_problem: history.problem,
  }
}
