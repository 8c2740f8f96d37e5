import { AppError } from '@shared/api/errors'
import type { LoggedModelsForRunResponse, RunModelRelation } from '@shared/domain/loggedModels'
import type { StoreHandle } from '../connections/storeConnection'
import { latestMetricsJson, modelColumnsSql, toLoggedModel, type ModelRow } from './loggedModelSql'

/**
 * The ways MLflow 3 ties a run ($1) to a logged model: the model's source run; the run's outputs
 * (inputs: RUN_OUTPUT -> MODEL_OUTPUT, log_model in the run); its inputs (RUN_INPUT -> MODEL_INPUT,
 * a model the run evaluated or logged metrics with); and metrics the run logged for the model.
 */
export const RUN_MODEL_LINKS_SQL = `SELECT model_id, 'source' AS relation FROM logged_models WHERE source_run_id = $1
  UNION SELECT destination_id, 'output' FROM inputs WHERE source_type = 'RUN_OUTPUT' AND source_id = $1 AND destination_type = 'MODEL_OUTPUT'
  UNION SELECT destination_id, 'input' FROM inputs WHERE source_type = 'RUN_INPUT' AND source_id = $1 AND destination_type = 'MODEL_INPUT'
  UNION SELECT model_id, 'metrics' FROM logged_model_metrics WHERE run_id = $1`

const RELATION_ORDER: RunModelRelation[] = ['source', 'output', 'input', 'metrics']

/**
 * A run's logged models (newest first) with how each is tied to it and the metrics this run logged
 * for it (latest per metric and dataset). Unknown run: NOT_FOUND; a store before MLflow 3.0: none.
 */
export async function loggedModelsForRun(store: StoreHandle, runId: string): Promise<LoggedModelsForRunResponse> {
  const models = store.capabilities.loggedModels
    ? `COALESCE((SELECT json_agg(json_build_object('model', to_json(x), 'relations', x.relations) ORDER BY x.creation_timestamp_ms DESC, x.model_id)
         FROM (SELECT ${modelColumnsSql(latestMetricsJson('m.run_id = $1'))},
                      (SELECT json_agg(DISTINCT l.relation) FROM links l WHERE l.model_id = lm.model_id) AS relations
                 FROM logged_models lm WHERE lm.model_id IN (SELECT model_id FROM links)) x), '[]'::json)`
    : `'[]'::json`
  const [row] = await store.select<{ found: boolean; models: Array<{ model: ModelRow; relations: RunModelRelation[] }> }>(
    `${store.capabilities.loggedModels ? `WITH links AS (${RUN_MODEL_LINKS_SQL}) ` : ''}
     SELECT EXISTS (SELECT 1 FROM runs WHERE run_uuid = $1) AS found, ${models} AS models`,
    [runId],
  )
  if (!row?.found) throw new AppError('NOT_FOUND', `Run '${runId}' not found in ${store.where}.`, { field: 'run_id' })
  return {
    models: row.models.map((m) => ({
      ...toLoggedModel(m.model),
      relations: RELATION_ORDER.filter((r) => m.relations.includes(r)),
    })),
  }
}
