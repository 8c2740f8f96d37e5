/**
 * MLflow 3 logged models (the logged_models tables): what the Models tab, a logged model's page and
 * the run page show, and MLflow's own REST JSON of one (get_logged_model / search_logged_models).
 */
import type { LoggedModel } from './mlflow'

/** The request metadata key MLflow 3 records a trace's active logged model under (TraceMetadataKey.MODEL_ID). */
export const TRACE_MODEL_ID_KEY = 'mlflow.modelId'

/** MLflow's LoggedModelStatus, stored in logged_models.status as its proto number. */
export const LOGGED_MODEL_STATUSES = ['UNSPECIFIED', 'PENDING', 'READY', 'FAILED'] as const
export type LoggedModelStatus = (typeof LOGGED_MODEL_STATUSES)[number]

/** The proto enum's names (what MLflow's REST API writes), by the stored number. */
const STATUS_PROTO: Record<LoggedModelStatus, string> = {
  UNSPECIFIED: 'LOGGED_MODEL_STATUS_UNSPECIFIED',
  PENDING: 'LOGGED_MODEL_PENDING',
  READY: 'LOGGED_MODEL_READY',
  FAILED: 'LOGGED_MODEL_UPLOAD_FAILED',
}

/** The status a stored number names; a number MLflow does not define reads as UNSPECIFIED. */
export function loggedModelStatusName(n: number | null | undefined): LoggedModelStatus {
  return (n !== null && n !== undefined && LOGGED_MODEL_STATUSES[n]) || 'UNSPECIFIED'
}

/** The number a status is stored as. */
export function loggedModelStatusNumber(s: LoggedModelStatus): number {
  return LOGGED_MODEL_STATUSES.indexOf(s)
}

/** One row of logged_model_metrics. */
export interface LoggedModelMetric {
  key: string
  value: number | null
  /** ms since the epoch. */
  timestamp: number
  step: number
  run_id: string
  dataset_name: string | null
  dataset_digest: string | null
}

/** A logged model with its metrics: the latest value per metric and dataset in lists, every row on its page. */
export interface LoggedModelWithMetrics extends LoggedModel {
  metrics: LoggedModelMetric[]
}

/** loggedModels:search — one page. */
export interface LoggedModelsSearchResponse {
  models: LoggedModelWithMetrics[]
  next_page_token: string | null
}

/** A trace made while the model was active (request metadata mlflow.modelId). */
export interface LoggedModelTrace {
  trace_id: string
  name: string | null
  state: string
  /** ms since the epoch. */
  request_time: number
  /** ms; null while in progress. */
  execution_duration: number | null
}

/** loggedModels:get — one model, every metric row, and its newest linked traces. */
export interface LoggedModelGetResponse {
  model: LoggedModelWithMetrics
  experiment_name: string | null
  /** The newest linked traces (at most LINKED_TRACES_SHOWN). */
  traces: LoggedModelTrace[]
  /** How many traces name the model in all. */
  trace_count: number
}

/** How a run is tied to a logged model. */
export type RunModelRelation = 'source' | 'output' | 'input' | 'metrics'

/** loggedModels:forRun — the models a run made, used or measured, with the metrics it logged for each. */
export interface LoggedModelsForRunResponse {
  models: Array<LoggedModelWithMetrics & { relations: RunModelRelation[] }>
}

/** MLflow's Metric proto in REST JSON. */
export interface MlflowMetricJson {
  key: string
  value: number | null
  timestamp: number
  step: number
  dataset_name?: string
  dataset_digest?: string
  model_id: string
  run_id: string
}

/** MLflow's LoggedModel proto in REST JSON (get_logged_model answers {"model": this}); unset fields left out. */
export interface MlflowLoggedModelJson {
  info: {
    model_id: string
    experiment_id: string
    name: string
    creation_timestamp_ms: number
    last_updated_timestamp_ms: number
    artifact_uri: string
    status: string
    status_message?: string
    model_type?: string
    source_run_id?: string
    tags: Array<{ key: string; value: string }>
  }
  data: {
    params: Array<{ key: string; value: string }>
    metrics: MlflowMetricJson[]
  }
}

/** A logged model as MLflow's REST API writes it (LoggedModel.to_proto(), then JSON with proto field names). */
export function loggedModelJson(m: LoggedModelWithMetrics): MlflowLoggedModelJson {
  const info: MlflowLoggedModelJson['info'] = {
    model_id: m.model_id,
    experiment_id: m.experiment_id,
    name: m.name,
    creation_timestamp_ms: m.creation_timestamp_ms,
    last_updated_timestamp_ms: m.last_updated_timestamp_ms,
    artifact_uri: m.artifact_location,
    status: STATUS_PROTO[m.status as LoggedModelStatus] ?? STATUS_PROTO.UNSPECIFIED,
    tags: m.tags.map((t) => ({ key: t.key, value: t.value })),
  }
  if (m.status_message) info.status_message = m.status_message
  if (m.model_type) info.model_type = m.model_type
  if (m.source_run_id) info.source_run_id = m.source_run_id
  const metrics = m.metrics.map((x): MlflowMetricJson => {
    const j: MlflowMetricJson = { key: x.key, value: x.value, timestamp: x.timestamp, step: x.step, model_id: m.model_id, run_id: x.run_id }
    if (x.dataset_name) j.dataset_name = x.dataset_name
    if (x.dataset_digest) j.dataset_digest = x.dataset_digest
    return j
  })
  return { info, data: { params: m.params.map((p) => ({ key: p.key, value: p.value })), metrics } }
}
