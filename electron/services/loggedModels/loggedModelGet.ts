import { AppError } from '@shared/api/errors'
import { TRACE_MODEL_ID_KEY, type LoggedModelGetResponse, type LoggedModelTrace } from '@shared/domain/loggedModels'
import type { StoreHandle } from '../connections/storeConnection'
import { allMetricsJson, modelColumnsSql, toLoggedModel, type ModelRow } from './loggedModelSql'

/** How many of the model's newest traces its page lists (the Traces tab filters the rest). */
export const LINKED_TRACES_SHOWN = 50

type GetRow = ModelRow & {
  experiment_name: string | null
  traces: Array<Omit<LoggedModelTrace, 'request_time'> & { request_time: number }>
  trace_count: number
}

function tracesSql(can: StoreHandle['capabilities']): { traces: string; count: string } {
  if (!can.traces) return { traces: `'[]'::json`, count: '0' }
  const named = `FROM trace_request_metadata md JOIN trace_info t ON t.request_id = md.request_id
                WHERE md.key = '${TRACE_MODEL_ID_KEY}' AND md.value = lm.model_id`
  return {
    traces: `COALESCE((SELECT json_agg(json_build_object('trace_id', y.request_id, 'state', y.status, 'request_time', y.timestamp_ms,
               'execution_duration', y.execution_time_ms,
               'name', (SELECT g.value FROM trace_tags g WHERE g.request_id = y.request_id AND g.key = 'mlflow.traceName'))
               ORDER BY y.timestamp_ms DESC, y.request_id)
               FROM (SELECT t.* ${named} ORDER BY t.timestamp_ms DESC, t.request_id LIMIT ${LINKED_TRACES_SHOWN}) y), '[]'::json)`,
    count: `(SELECT count(*)::int ${named})`,
  }
}

/**
 * One logged model as MLflow's get_logged_model reads it (deleted ones too, marked by their
 * lifecycle stage), with every metric row and the traces made while it was active. Unknown id, or
 * a store before MLflow 3.0: NOT_FOUND saying which.
 */
export async function getLoggedModel(store: StoreHandle, modelId: string): Promise<LoggedModelGetResponse> {
  if (!store.capabilities.loggedModels) {
    throw new AppError('NOT_FOUND', `Logged model '${modelId}' not found: ${store.where} has no MLflow 3 logged models (its schema predates MLflow 3.0).`, {
      field: 'model_id',
    })
  }
  const t = tracesSql(store.capabilities)
  const [row] = await store.select<GetRow>(
    `SELECT ${modelColumnsSql(allMetricsJson())}, e.name AS experiment_name, ${t.traces} AS traces, ${t.count} AS trace_count
       FROM logged_models lm LEFT JOIN experiments e ON e.experiment_id = lm.experiment_id
      WHERE lm.model_id = $1`,
    [modelId],
  )
  if (!row) throw new AppError('NOT_FOUND', `Logged model '${modelId}' not found in ${store.where}.`, { field: 'model_id' })
  return {
    model: toLoggedModel(row),
    experiment_name: row.experiment_name,
    traces: row.traces.map((x) => ({
      ...x,
      request_time: Number(x.request_time),
      execution_duration: x.execution_duration === null ? null : Number(x.execution_duration),
    })),
    trace_count: row.trace_count,
  }
}
