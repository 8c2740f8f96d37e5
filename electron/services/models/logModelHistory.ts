import type { HistoryModel } from '@shared/domain/models'
import { isDict, utcTimeMs } from './mlmodel'

/** The run tag MLflow 1.x/2.x appends one JSON entry to on every log_model call (MLflow 3 has logged_models instead). */
export const LOG_MODEL_HISTORY_TAG = 'mlflow.log-model.history'

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null)

/**
 * The models a run logged, from its `mlflow.log-model.history` tag: a JSON list of
 * Model.get_tags_dict() (run_id, artifact_path, utc_time_created, flavors, model_uuid,
 * and from 2.x mlflow_version and model_size_bytes). Entries without an artifact path
 * are skipped; a tag that is not a JSON list (cut by a length limit, hand-edited)
 * gives no models and a problem saying so, never a failure of the run page.
 */
export function parseLogModelHistory(value: string | null): { models: HistoryModel[]; problem: string | null } {
  if (value === null || value.trim() === '') return { models: [], problem: null }
  let parsed: unknown
  try {
    parsed = JSON.parse(value)
  } catch {
    return { models: [], problem: `The run tag ${LOG_MODEL_HISTORY_TAG} is not valid JSON (${value.length} characters): its logged models cannot be listed.` }
  }
  if (!Array.isArray(parsed)) return { models: [], problem: `The run tag ${LOG_MODEL_HISTORY_TAG} is not a JSON list: its logged models cannot be listed.` }
  const models = parsed.flatMap((e): HistoryModel[] => {
    const path = isDict(e) ? str(e.artifact_path) : null
    if (!isDict(e) || path === null) return []
    return [
      {
        artifact_path: path.replace(/^\/+|\/+$/g, ''),
        flavors: isDict(e.flavors) ? Object.keys(e.flavors) : [],
        created_ms: utcTimeMs(e.utc_time_created),
        model_uuid: str(e.model_uuid),
        mlflow_version: str(e.mlflow_version),
        model_size_bytes: typeof e.model_size_bytes === 'number' && Number.isFinite(e.model_size_bytes) ? e.model_size_bytes : null,
        run_id: str(e.run_id),
      },
    ]
  })
  const skipped = parsed.length - models.length
  return {
    models,
    problem: skipped ? `${skipped} of ${parsed.length} entries of the run tag ${LOG_MODEL_HISTORY_TAG} name no artifact path and are not listed.` : null,
  }
}
