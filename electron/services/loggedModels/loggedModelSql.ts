import type { LoggedModelMetric, LoggedModelWithMetrics } from '@shared/domain/loggedModels'
import { loggedModelStatusName } from '@shared/domain/loggedModels'
import type { LoggedModel } from '@shared/domain/mlflow'

/**
 * SQL pieces over `logged_models lm` shared by search, get and forRun: one JSON object per model
 * with its tags, params and metrics, so each read is one statement (one snapshot).
 */

/** A metric row of logged_model_metrics `x` as JSON (the domain's LoggedModelMetric). */
const METRIC_JSON = `json_build_object('key', x.metric_name, 'value', x.metric_value, 'timestamp', x.metric_timestamp_ms,
  'step', x.metric_step, 'run_id', x.run_id, 'dataset_name', x.dataset_name, 'dataset_digest', x.dataset_digest)`
const METRIC_ORDER = 'x.metric_name, x.dataset_name NULLS FIRST, x.dataset_digest NULLS FIRST'

/** Every metric row of the model matching `where` (on alias m), by name, dataset, step and time. */
export function allMetricsJson(where = 'TRUE'): string {
  return `COALESCE((SELECT json_agg(${METRIC_JSON} ORDER BY ${METRIC_ORDER}, x.metric_step, x.metric_timestamp_ms, x.run_id)
    FROM logged_model_metrics x WHERE x.model_id = lm.model_id AND ${where.replace(/\bm\./g, 'x.')}), '[]'::json)`
}

/** Per metric and dataset, the latest row (highest step, then newest), as MLflow's latest value. */
export function latestMetricsJson(where = 'TRUE'): string {
  return `COALESCE((SELECT json_agg(${METRIC_JSON} ORDER BY ${METRIC_ORDER})
    FROM (SELECT DISTINCT ON (m.metric_name, m.dataset_name, m.dataset_digest) m.*
            FROM logged_model_metrics m WHERE m.model_id = lm.model_id AND ${where}
           ORDER BY m.metric_name, m.dataset_name, m.dataset_digest, m.metric_step DESC, m.metric_timestamp_ms DESC, m.run_id) x), '[]'::json)`
}

/** The latest value of one metric (any dataset): an order key. `nameParam` is the bound metric name. */
export function latestMetricValueSql(nameParam: string): string {
  return `(SELECT m.metric_value FROM logged_model_metrics m WHERE m.model_id = lm.model_id AND m.metric_name = ${nameParam}
            ORDER BY m.metric_step DESC, m.metric_timestamp_ms DESC LIMIT 1)`
}

const kv = (table: string, key: string, value: string) =>
  `COALESCE((SELECT json_agg(json_build_object('key', t.${key}, 'value', t.${value}) ORDER BY t.${key}) FROM ${table} t WHERE t.model_id = lm.model_id), '[]'::json)`

/** The model's columns, tags and params, and `metrics` (one of the JSON pieces above). */
export function modelColumnsSql(metrics: string): string {
  return `lm.model_id, lm.name, lm.experiment_id::text AS experiment_id, lm.source_run_id, lm.artifact_location,
          lm.creation_timestamp_ms::float8 AS creation_timestamp_ms, lm.last_updated_timestamp_ms::float8 AS last_updated_timestamp_ms,
          lm.status, lm.status_message, lm.model_type, lm.lifecycle_stage,
          ${kv('logged_model_tags', 'tag_key', 'tag_value')} AS tags,
          ${kv('logged_model_params', 'param_key', 'param_value')} AS params,
          ${metrics} AS metrics`
}

export type ModelRow = Omit<LoggedModel, 'status'> & {
  status: number | null
  metrics: Array<Omit<LoggedModelMetric, 'value'> & { value: number | string | null }>
}

/** PostgreSQL's JSON writes a NaN or infinite double as a string; MLflow reads them as numbers. */
function metricValue(v: number | string | null): number | null {
  if (v === null || typeof v === 'number') return v
  return v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : Number(v)
}

/** A row as the domain's model: the status's name, metric values as numbers. */
export function toLoggedModel(r: ModelRow): LoggedModelWithMetrics {
  return {
    model_id: r.model_id,
    name: r.name,
    experiment_id: r.experiment_id,
    source_run_id: r.source_run_id,
    artifact_location: r.artifact_location,
    creation_timestamp_ms: r.creation_timestamp_ms,
    last_updated_timestamp_ms: r.last_updated_timestamp_ms,
    status: loggedModelStatusName(r.status),
    status_message: r.status_message,
    model_type: r.model_type,
    lifecycle_stage: r.lifecycle_stage,
    tags: r.tags,
    params: r.params,
    metrics: r.metrics.map((m) => ({ ...m, value: metricValue(m.value) })),
  }
}
