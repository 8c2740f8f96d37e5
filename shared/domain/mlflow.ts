import type { z } from 'zod'
import type { viewType } from '../api/trackingSchemas'

/**
 * MLflow entities in the shapes of MLflow's REST API (snake_case, ids as strings,
 * times in ms since the epoch), so CLI JSON output and the renderer share one form.
 * Unlike protobuf JSON, empty lists are [] and missing values are null here;
 * the CLI drops them when it prints MLflow-style JSON.
 */

/** Which lifecycle stages a listing shows (MLflow's ACTIVE_ONLY, DELETED_ONLY, ALL). */
export type ViewType = z.infer<typeof viewType>

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED'

export type LifecycleStage = 'active' | 'deleted'

export interface KeyValue {
  key: string
  value: string
}

export interface Experiment {
  experiment_id: string
  name: string
  artifact_location: string | null
  lifecycle_stage: LifecycleStage
  creation_time: number | null
  last_update_time: number | null
  tags: KeyValue[]
}

/**
 * A metric value as MLflow returns it: NaN stays NaN (stored as is_nan), +-inf
 * comes back as the +-max double it is stored as.
 */
export interface Metric {
  key: string
  value: number
  timestamp: number | null
  step: number
}

export interface RunInfo {
  run_id: string
  /** Same as run_id; MLflow keeps it for old clients. */
  run_uuid: string
  run_name: string | null
  experiment_id: string
  user_id: string | null
  status: RunStatus | null
  start_time: number | null
  end_time: number | null
  artifact_uri: string | null
  lifecycle_stage: LifecycleStage | null
}

export interface Dataset {
  name: string
  digest: string
  source_type: string
  source: string
  schema: string | null
  profile: string | null
}

export interface DatasetInput {
  tags: KeyValue[]
  dataset: Dataset
}

export interface ModelInput {
  model_id: string
}

export interface ModelOutput {
  model_id: string
  step: number
}

export interface Run {
  info: RunInfo
  data: {
    metrics: Metric[]
    params: KeyValue[]
    tags: KeyValue[]
  }
  inputs: {
    dataset_inputs: DatasetInput[]
    model_inputs: ModelInput[]
  }
  outputs: {
    model_outputs: ModelOutput[]
  }
}

/** What the app learnt about a connected store from its catalog. */
export interface StoreDescription {
  /** The alembic revision in alembic_version, or null when the table is missing (MLflow < 1.1). */
  revision: string | null
  /** Human range of MLflow versions that write this revision, e.g. "3.5 – 3.5.x". */
  mlflow_versions: string
  /** Whether the revision is one MLflow Desk knows. Unknown (newer) ones are read best-effort. */
  known_revision: boolean
  schema: string
  table_count: number
  /** Features the store's schema supports; the UI hides what is missing. */
  features: {
    run_name_column: boolean
    latest_metrics: boolean
    datasets: boolean
    model_registry: boolean
    model_aliases: boolean
    logged_models: boolean
    traces: boolean
    /** Assessments (MLflow 3.2+): what mlflow.genai.evaluate's scorers write, so the Evaluations tab shows. */
    evaluations: boolean
  }
}

/** Metric, param and tag keys, each list sorted. */
export interface RunKeys {
  metrics: string[]
  params: string[]
  tags: string[]
}

/** Metric, param and tag keys found in the runs of the chosen experiments (the runs table's columns), with how common each is. */
export interface RunColumns extends RunKeys {
  /** How many of the runs read have each key: what "the experiment's most common metrics" ranks by. */
  counts: { metrics: Record<string, number>; params: Record<string, number>; tags: Record<string, number> }
  /** How many runs were read for their keys (the newest ones, up to the sample size). */
  runs: number
  /** Older runs were left unread: a key missing here may still be in one of them. */
  sampled: boolean
}

/** A registered model version, as MLflow's REST API returns it. */
export interface ModelVersion {
  name: string
  /** MLflow's REST API passes versions as strings. */
  version: string
  creation_timestamp: number | null
  last_updated_timestamp: number | null
  user_id: string | null
  /** Legacy stage: "None", "Staging", "Production" or "Archived". */
  current_stage: string | null
  description: string | null
  source: string | null
  run_id: string | null
  status: string | null
  status_message: string | null
  run_link: string | null
  tags: KeyValue[]
  /** Aliases pointing at this version (e.g. "champion"). */
  aliases: string[]
}

export interface RegisteredModelAlias {
  alias: string
  version: string
}

/** A registered model, as MLflow's REST API returns it. */
export interface RegisteredModel {
  name: string
  creation_timestamp: number | null
  last_updated_timestamp: number | null
  description: string | null
  /** The latest version per stage, like MLflow's `latest_versions`. */
  latest_versions: ModelVersion[]
  tags: KeyValue[]
  aliases: RegisteredModelAlias[]
}

/** An MLflow 3 logged model (table logged_models). */
export interface LoggedModel {
  model_id: string
  name: string
  experiment_id: string
  source_run_id: string | null
  artifact_location: string
  creation_timestamp_ms: number
  last_updated_timestamp_ms: number
  /** PENDING, READY, FAILED or UNSPECIFIED (stored as an integer). */
  status: string
  status_message: string | null
  model_type: string | null
  lifecycle_stage: LifecycleStage | null
  tags: KeyValue[]
  params: KeyValue[]
}

/** Only what a link to a run needs. */
export interface RunSummary {
  run_id: string
  run_name: string | null
  experiment_id: string
  status: RunStatus | null
  start_time: number | null
  lifecycle_stage: LifecycleStage | null
}

/** The largest value of PostgreSQL's integer (int4): MLflow's experiment ids and model version numbers are such columns. */
export const INT4_MAX = 2_147_483_647
