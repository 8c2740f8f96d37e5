import { z } from 'zod'
import type { Channel, EventName } from './channelNames'
import { MAX_COMPARE_KEYS, MAX_COMPARE_RUNS, MAX_PREVIEW_BYTES } from '../domain/requestLimits'

export { MAX_COMPARE_KEYS, MAX_COMPARE_RUNS, MAX_PREVIEW_BYTES }
import type { AppErrorPayload } from './errors'
import type { ArtifactFile, ArtifactPreview } from '../domain/artifacts'
import type { ExportProgress, ExportReport } from '../domain/exports'
import {
  INT4_MAX,
  type Experiment,
  type LoggedModel,
  type Metric,
  type ModelVersion,
  type RegisteredModel,
  type Run,
  type RunColumns,
  type RunSummary,
  type StoreDescription,
} from '../domain/mlflow'
import type { HistoryModel, ModelFilesResponse, ModelVersionResponse } from '../domain/models'
import type { FindResolveResponse, FindSearchResponse } from '../domain/find'
import type { ConnectionTestResult, Environment, ProfileView, RoleAccess } from '../domain/profiles'
import type {
  CutValue,
  LibraryQuery,
  PlanNode,
  QueryCell,
  QueryColumn,
  QueryExportProgress,
  QueryHistoryEntry,
  QueryTab,
  SavedQuery,
  SchemaTable,
  SqlProblem,
  StatementKind,
} from '../domain/query'
import { profileSecretsSchema, profileSettingsSchema, type ProfileSettingsInput } from './profileSchemas'
import { experimentId, runId, viewType } from './trackingSchemas'
import { exportName, exportSelection } from './exportSchemas'
import { findResolveRequest, findSearchRequest } from './findSchemas'
import { tracesColumnsRequest, tracesGetRequest, tracesSearchRequest } from './traceSchemas'
import { tracesOverviewRequest, tracesSessionRequest, tracesSessionsRequest } from './traceInsightSchemas'
import type { TraceOverviewResponse, TraceSessionResponse, TraceSessionsResponse } from '../domain/traceInsights'
import type { TraceColumns, TraceGetResponse, TraceRow } from '../domain/traces'
import { loggedModelsForRunRequest, loggedModelsGetRequest, loggedModelsSearchRequest } from './loggedModelSchemas'
import type { LoggedModelGetResponse, LoggedModelsForRunResponse, LoggedModelsSearchResponse } from '../domain/loggedModels'
import { promptsGetRequest, promptsSearchRequest } from './promptSchemas'
import type { PromptSummary, PromptVersion } from '../domain/prompts'
import { datasetsGetRequest, datasetsListRequest, evaluationsCompareRequest, evaluationsListRequest, evaluationsRowsRequest } from './evaluationSchemas'
import type {
  DatasetGetResponse,
  DatasetsListResponse,
  EvaluationCompareResponse,
  EvaluationRowsResponse,
  EvaluationsListResponse,
} from '../domain/evaluations'
import {
  jobId,
  queryCancelRequest,
  queryCheckRequest,
  queryExplainRequest,
  queryExportRequest,
  queryHistoryRequest,
  queryRunRequest,
  querySavedDeleteRequest,
  querySavedSaveRequest,
  queryTabsSaveRequest,
  queryValueRequest,
} from './querySchemas'

export { CHANNELS, EVENTS, isChannel } from './channelNames'
export type { Channel, EventName } from './channelNames'

/**
 * The API contract: one map from channel to its request schema (validated at
 * every transport boundary) and its response type. Handlers, the preload, the
 * HTTP transport and the renderer's `api` are all typed from it.
 */

/** MLflow's search_runs accepts at most 50,000 results per page. */
export const MAX_RESULTS_LIMIT = 50_000

const def = <Req extends z.ZodType, Res>(request: Req) => ({ request, response: null as unknown as Res })

export interface AppInfo {
  name: string
  version: string
  /** How this renderer is served: inside Electron, or through the local HTTP transport (the CLI calls the same handlers: 'cli'). */
  transport: 'ipc' | 'http' | 'cli'
}

export interface ConnectionSummary {
  id: string
  name: string
  /** Environment label; `demo` is the built-in embedded store. */
  environment: Environment | 'demo'
  /** host:port/database and user, never a password. */
  display: string
}

export interface SessionDescription {
  connection: ConnectionSummary
  server_version: string
  /** The server is a hot standby (a read replica). */
  standby: boolean
  store: StoreDescription
  /** What the connected role can do (read-only role, can write, superuser); null when the catalog could not tell. */
  role_access: RoleAccess | null
}

export interface ExperimentWithStats extends Experiment {
  /** Active runs in the experiment. */
  run_count: number
  /** Deleted runs (all of them when the experiment itself is deleted). */
  deleted_run_count: number
  /** Latest run start_time, or null when the experiment has no runs. */
  last_run_start_time: number | null
}

export interface ExperimentsListResponse {
  experiments: ExperimentWithStats[]
}

export interface ProfileGrantSqlResponse {
  /** The statements, for a superuser (or the owner of the database and schema) to run. */
  sql: string
  /** The role they create. */
  role: string
  /** The store, as the profile shows it (user@host:port/db, via SSH when tunnelled). */
  target: string
  /** Why the owner of MLflow's tables could not be read (then the SQL names "mlflow_owner"); null when it was. */
  store_error: string | null
}

export interface ProfilesListResponse {
  profiles: ProfileView[]
  /** The profile this window shows. */
  active_id: string
  /** Where secrets are sealed, for the user to know (e.g. "the OS keychain (gnome-libsecret)"). */
  secret_storage: string
  /** A warning about secret storage, e.g. Linux without a keyring. */
  secret_storage_warning: string | null
}

/** The window shows `active_id` now; its store answered (description) or did not (error, as the UI shows it). */
export interface ProfileSwitchResponse {
  active_id: string
  description: SessionDescription | null
  error: AppErrorPayload | null
}

export interface RunsSearchResponse {
  runs: Run[]
  /** Opaque; pass back as page_token for the next page. Null on the last page. */
  next_page_token: string | null
}

export interface TracesSearchResponse {
  traces: TraceRow[]
  /** Opaque; pass back as page_token for the next page. Null on the last page. */
  next_page_token: string | null
}

export interface MetricHistoryResponse {
  metrics: Metric[]
  next_page_token: string | null
  /** Only with max_points: true when points were left out (the step window held more than max_points). */
  sampled?: boolean
  /** Only with max_points: stored points in the step window before sampling. */
  total_points?: number
  /** Only with max_points: steps per bucket when sampled, else null. */
  bucket_width?: number | null
}

/** One (run, metric) series of a comparison, downsampled as metrics:history with max_points. */
export interface CompareSeries {
  run_id: string
  key: string
  /** Ordered by step; MLflow's metric JSON shape (NaN as NaN, +-inf as the +-max double). */
  metrics: Metric[]
  sampled: boolean
  /** Stored points in the step window before sampling (0: the run never logged this key). */
  total_points: number
  bucket_width: number | null
}

/** metrics:compare — the runs being compared and every (run, key) series, in run_ids x metric_keys order. */
export interface MetricsCompareResponse {
  /**
   * What the series are: 'exact' downsampled series (every bucket's first, last, min, max and
   * NaN/inf marker), or a 'preview' (points at equally spaced steps: the shape, not the
   * extremes; sampled true and total_points the points returned) to draw at once while the
   * exact request runs. A preview is only given when the store has the step index; else exact.
   */
  precision: 'preview' | 'exact'
  /** In the order of run_ids (duplicates dropped); empty when asked without (include_runs false). */
  runs: Run[]
  series: CompareSeries[]
}

/** One metric of a run at a glance (metrics:summary). */
export interface MetricSummary {
  key: string
  /** Stored points. */
  total_points: number
  /** Over finite values (NaN and the ±max double MLflow stores for ±inf left out); null when there is none. */
  min: number | null
  /** The first step (lowest) that reached min. */
  min_step: number | null
  max: number | null
  max_step: number | null
  /** NaN and ±inf points. */
  specials: number
  /** A trend line: the last point of each of at most `points` equal step ranges, by step. */
  points: Metric[]
}

/** metrics:summary — in the order of the keys; a key the run never logged has no entry. */
export interface MetricsSummaryResponse {
  /** The keys summarised: those asked for, or those picked. */
  keys: string[]
  summaries: MetricSummary[]
}

/** artifacts:list — one folder of a run's artifacts. */
export interface ArtifactsListResponse {
  /** The run's artifact_uri as MLflow recorded it. */
  root_uri: string
  /** Where it is read from here (a mapped local folder, the bucket, ...), never with credentials. */
  location: string
  files: ArtifactFile[]
}

export interface ModelsListResponse {
  registered_models: RegisteredModel[]
  next_page_token: string | null
}

export interface ModelGetResponse {
  registered_model: RegisteredModel
  /** Every version, newest first. */
  model_versions: ModelVersion[]
}

/** prompts:search — a page of the prompt registry, by name. */
export interface PromptsSearchResponse {
  prompts: PromptSummary[]
  next_page_token: string | null
}

/** prompts:get — a prompt and every live version, newest first. */
export interface PromptGetResponse {
  prompt: PromptSummary
  versions: PromptVersion[]
}

/** What the run detail shows beside the run itself. */
export interface RunRelatedResponse {
  parent: RunSummary | null
  children: RunSummary[]
  /** MLflow 3 logged models the run produced (source run, RUN_OUTPUT), used (RUN_INPUT) or logged metrics for ([] on older stores). */
  logged_models: LoggedModel[]
  /** Registered model versions made from this run. */
  model_versions: ModelVersion[]
  /** Models logged by MLflow 1.x/2.x, from the run tag mlflow.log-model.history, in the order logged. */
  history_models: HistoryModel[]
  /** Why the history tag could not be read whole (not JSON, entries without a path); null when it could or there is none. */
  history_problem: string | null
}

/** query:check — instant feedback while typing; nothing is sent to the store. */
export interface QueryCheckResponse {
  /** The statement would run (it may still fail on the server: a missing column, a type error). */
  ok: boolean
  /** The statement's kind, when it parses. */
  kind: StatementKind | null
  /** Why it would not run: a syntax error, a second statement, a write, a forbidden function, ... */
  refusal: SqlProblem | null
  /** Its :named parameters, in order of first appearance (the UI asks for these). */
  params: string[]
}

/** query:run — the first max_rows rows of one read statement, within max_result_bytes. */
export interface QueryRunResponse {
  columns: QueryColumn[]
  /** Arrays in column order (column names may repeat, as in SQL). */
  rows: QueryCell[][]
  row_count_shown: number
  /** More rows exist than are shown (see stopped_by); the export writes them all. */
  truncated: boolean
  /** Why the rows shown end before the result does: max_rows reached, or max_result_bytes; null when every row is here. */
  stopped_by: 'rows' | 'bytes' | null
  /** Values larger than max_value_bytes, which arrived cut (their cell holds the first bytes), in row order. */
  cut_values: CutValue[]
  /** About how many bytes of values the rows hold (their text). */
  result_bytes: number
  /** The caps this result was read with. */
  max_value_bytes: number
  max_result_bytes: number
  /** From sending the statement to the rows being in hand, in ms. */
  duration_ms: number
  statement_kind: StatementKind
}

/** query:value — one value of a result, whole up to max_bytes (the statement runs again to fetch it). */
export interface QueryValueResponse {
  /** As query:run gives it (null for NULL); the first max_bytes when complete is false. */
  value: QueryCell
  /** The whole value's size in bytes (of its text, or for bytea of the binary value); null for NULL. */
  bytes: number | null
  /** The whole value is here. False: it is bigger than max_bytes (export that cell to have all of it). */
  complete: boolean
  duration_ms: number
}

/** query:explain — the plan as a tree. */
export interface QueryExplainResponse {
  plan: PlanNode
  /** PostgreSQL's "Planning Time" / "Execution Time" (the latter with ANALYZE only), in ms. */
  planning_ms: number | null
  execution_ms: number | null
  analyzed: boolean
  /** PostgreSQL's own JSON, for "copy plan" and explain visualisers. */
  raw_json: string
}

/** query:export — the full result, written. */
export interface QueryExportResponse {
  /** Where it was written; null when the user dismissed the save dialog (nothing was run). */
  path: string | null
  rows: number
  bytes: number
  duration_ms: number
  /**
   * Values cut to 16 MiB on the way (an export through a cursor: JSON Lines, or CSV of a statement
   * with parameters; CSV without parameters goes through COPY and writes every value whole):
   * how many, and the first few. Export such a cell alone (`value`) to have it whole.
   */
  cut_values: number
  cut_examples: Array<CutValue & { name: string }>
}

/** query:schema — the store's tables and views in the current schema, for autocomplete. */
export interface QuerySchemaResponse {
  /** The schema the names are in (the profile's, else current_schema()). */
  schema: string
  tables: SchemaTable[]
}

const experimentsListRequest = z.object({ view: viewType.default('active') }).strict()

/** The experiments of a search; none (or the field left out): every active experiment, like mlflow.search_runs(search_all_experiments=True). */
const searchExperimentIds = z.array(experimentId).max(1000).default([])

const runsSearchRequest = z
  .object({
    experiment_ids: searchExperimentIds,
    view: viewType.default('active'),
    max_results: z.number().int().min(1).max(MAX_RESULTS_LIMIT).default(1000),
    page_token: z.string().max(4096).nullish(),
    /** MLflow's search_runs filter string, plus OR and parentheses. */
    filter: z.string().max(20_000).nullish(),
    /** MLflow's order_by: "metrics.acc DESC", "params.lr", "attributes.start_time ASC", ... */
    order_by: z.array(z.string().min(1).max(1000)).max(20).nullish(),
  })
  .strict()

/** The same search without paging: how many runs match. */
const runsCountRequest = z
  .object({
    experiment_ids: searchExperimentIds,
    view: viewType.default('active'),
    filter: z.string().max(20_000).nullish(),
  })
  .strict()

const runsColumnsRequest = z.object({ experiment_ids: z.array(experimentId).min(1).max(1000), view: viewType.default('active') }).strict()

const given = (v: unknown): boolean => v !== null && v !== undefined

/** A step window [from_step, to_step], inclusive: it may not end before it starts. The error names from_step. */
function stepWindow(r: { from_step?: number | null; to_step?: number | null }, ctx: z.RefinementCtx): void {
  if (given(r.from_step) && given(r.to_step) && r.from_step! > r.to_step!) {
    ctx.addIssue({ code: 'custom', path: ['from_step'], message: `from_step (${r.from_step}) is after to_step (${r.to_step}).` })
  }
}

/** MLflow's get_metric_history: every stored row, ordered by timestamp, step, value (or a chart's downsampled series with max_points). */
const metricsHistoryRequest = z
  .object({
    run_id: runId,
    metric_key: z.string().min(1).max(1000),
    max_results: z.number().int().min(1).max(1_000_000).nullish(),
    page_token: z.string().max(4096).nullish(),
    /**
     * A chart's point budget: answer with at most this many points, downsampled in SQL (per
     * bucket the first, last, min, max and a NaN/inf marker), ordered by step; the window comes
     * back whole when it fits. At least 10: a bucket keeps up to 5 points. Not with paging.
     */
    max_points: z.number().int().min(10).max(100_000).nullish(),
    /** Only with max_points: the visible step window, inclusive. */
    from_step: z.number().int().nullish(),
    to_step: z.number().int().nullish(),
  })
  .strict()
  .superRefine((r, ctx) => {
    // Paging is for the full history, a step window for a downsampled series: never both.
    const wrong = given(r.max_points) ? (['max_results', 'page_token'] as const) : (['from_step', 'to_step'] as const)
    for (const field of wrong) {
      if (!given(r[field])) continue
      const message = given(r.max_points)
        ? `${field} pages the full history; a downsampled series (max_points) comes in one answer.`
        : `${field} narrows a downsampled series: give max_points with it.`
      ctx.addIssue({ code: 'custom', path: [field], message })
      return
    }
    stepWindow(r, ctx)
  })

/** Several runs' histories of several metrics at once, each downsampled in SQL to max_points for the step window. */
const metricsCompareRequest = z
  .object({
    run_ids: z.array(runId).min(1, 'give at least one run id').max(MAX_COMPARE_RUNS),
    /** May be empty: the runs alone (what a comparison opened without metrics needs to pick some). */
    metric_keys: z.array(z.string().min(1).max(1000)).max(MAX_COMPARE_KEYS),
    /** Points per series (as metrics:history's max_points). */
    max_points: z.number().int().min(10).max(100_000).default(1000),
    from_step: z.number().int().nullish(),
    to_step: z.number().int().nullish(),
    /** 'preview': a quick strided look first (see MetricsCompareResponse.precision). */
    precision: z.enum(['preview', 'exact']).default('exact'),
    /** false: the series only (a caller that has the runs, as the chart view has its table's); `runs` is then empty. */
    include_runs: z.boolean().default(true),
  })
  .strict()
  .superRefine(stepWindow)

/**
 * Several metrics of one run at a glance (min, max, a trend line), read in one statement: the
 * keys given, or (`pick`) the run's first keys by the Overview's rule (shared/domain/keyMetrics),
 * so a page can ask before it has read the run's keys.
 */
const metricsSummaryRequest = z
  .object({
    run_id: runId,
    metric_keys: z.array(z.string().min(1).max(1000)).min(1, 'give at least one metric key').max(MAX_COMPARE_KEYS).optional(),
    pick: z
      .object({
        limit: z.number().int().min(1).max(MAX_COMPARE_KEYS),
        /** Keys first when the run has them (pinned charts), in this order. */
        first: z.array(z.string().min(1).max(1000)).max(1000).default([]),
      })
      .strict()
      .optional(),
    /** Points of each trend line. */
    points: z.number().int().min(2).max(1000).default(100),
  })
  .strict()
  .refine((r) => (r.metric_keys === undefined) !== (r.pick === undefined), { message: 'give either metric_keys or pick', path: ['metric_keys'] })

const artifactRelPath = z.string().max(4096)

const artifactsListRequest = z.object({ run_id: runId, path: artifactRelPath.default('') }).strict()
const artifactsPreviewRequest = z
  .object({
    run_id: runId,
    path: artifactRelPath.min(1),
    max_bytes: z
      .number()
      .int()
      .min(1)
      .max(MAX_PREVIEW_BYTES)
      .default(1024 * 1024),
  })
  .strict()

/** A long job's id, chosen by the renderer: names its progress events and what export:cancel stops. */
const exportJobId = jobId

const artifactsDownloadRequest = z
  .object({
    job_id: exportJobId,
    run_id: runId,
    /** A file, or a folder ('' = all of the run's artifacts), copied with its tree. */
    path: artifactRelPath.default(''),
  })
  .strict()

const exportRunRequest = z
  .object({
    job_id: exportJobId,
    selection: exportSelection,
    /** The export folder's name: the desktop app asks where it goes (a folder dialog); over HTTP it goes into <app data>/exports. */
    name: exportName,
    zip: z.boolean().default(false),
    /** Complete an earlier, interrupted export of that folder: verified files are kept. */
    resume: z.boolean().default(false),
  })
  .strict()

const modelName = z.string().min(1).max(256)

/** A model version number: MLflow's REST passes "3", the CLI may pass 3; an integer column, so 1..2^31-1. */
const modelVersionNumber = z
  .union([z.string().regex(/^\d{1,10}$/, 'must be a version number such as "3"'), z.number().int()])
  .transform(Number)
  .refine((n) => n >= 1 && n <= INT4_MAX, { message: 'must be a version number from 1' })

const modelVersionRequest = z.object({ name: modelName, version: modelVersionNumber }).strict()

const modelsListRequest = z
  .object({
    /** Substring of the model name (case-insensitive), or an MLflow filter "name LIKE '%x%'". */
    filter: z.string().max(1000).nullish(),
    max_results: z.number().int().min(1).max(1000).default(100),
    page_token: z.string().max(4096).nullish(),
  })
  .strict()

const runsGetRequest = z.object({ run_id: runId }).strict()

const noArgs = z.object({}).strict()

const profileId = z.string().min(1).max(64)

/** Where a profile's secrets come from when saving or testing: typed in, a pasted URI, or another profile. */
const secretSources = {
  secrets: profileSecretsSchema.optional(),
  /** A pasted URI whose password is taken by main, so the renderer need not pick it apart. */
  password_from_url: z.string().max(4096).optional(),
  /** Copy the secrets of this profile (a saved one, or MLFLOW_TRACKING_URI / --url); they never pass through the renderer. */
  copy_secrets_from: profileId.optional(),
}

const profilesSaveRequest = z.object({ id: profileId.optional(), settings: profileSettingsSchema, ...secretSources }).strict()

const profilesTestRequest = z
  .object({
    id: profileId.optional(),
    /** Test unsaved settings (the form's); secrets not given are those of `id`. */
    settings: profileSettingsSchema.optional(),
    ...secretSources,
    /** The user confirmed the SSH host key shown on first contact. */
    trust_host_key: z.boolean().optional(),
  })
  .strict()
  .refine((r) => r.id || r.settings, { message: 'give a profile id or settings to test' })

const profilesParseUrlRequest = z
  .object({
    url: z.string().min(1).max(4096),
    /** Where the URI came from, named in a refusal ("--url", "MLFLOW_TRACKING_URI"); "URI" when absent. */
    source: z.string().min(1).max(64).optional(),
  })
  .strict()

const profilesGrantSqlRequest = z.object({ id: profileId, role: z.string().trim().min(1).max(63).optional() }).strict()

export const contract = {
  'app:info': def<typeof noArgs, AppInfo>(noArgs),
  'session:describe': def<typeof noArgs, SessionDescription>(noArgs),
  'experiments:list': def<typeof experimentsListRequest, ExperimentsListResponse>(experimentsListRequest),
  'runs:search': def<typeof runsSearchRequest, RunsSearchResponse>(runsSearchRequest),
  'runs:get': def<typeof runsGetRequest, { run: Run }>(runsGetRequest),
  'runs:count': def<typeof runsCountRequest, { count: number }>(runsCountRequest),
  'runs:columns': def<typeof runsColumnsRequest, RunColumns>(runsColumnsRequest),
  'runs:related': def<typeof runsGetRequest, RunRelatedResponse>(runsGetRequest),
  /** MLflow's search_traces (plus our extensions), keyset-paged, with what the Traces list shows of each trace. */
  'traces:search': def<typeof tracesSearchRequest, TracesSearchResponse>(tracesSearchRequest),
  /** For the column chooser: tag keys, metadata keys and assessment names present, with counts. */
  'traces:columns': def<typeof tracesColumnsRequest, TraceColumns>(tracesColumnsRequest),
  /**
   * One trace as MLflow's get_trace gives it ({info: {… tags, trace_metadata, assessments}, data: {spans}}, protobuf's
   * JSON: nanoseconds as decimal strings) and what a trace view draws (view: the span tree in order, types, durations,
   * errors, tokens, models, the critical path). Spans from the spans table, else the trace's traces.json in the
   * artifact store (view.spans_problem says why there are none). Unknown id: NOT_FOUND.
   */
  'traces:get': def<typeof tracesGetRequest, TraceGetResponse>(tracesGetRequest),
  /** MLflow 3 logged models of experiments (live ones), by name/status/source run, with tags, params and each metric's latest value. */
  'loggedModels:search': def<typeof loggedModelsSearchRequest, LoggedModelsSearchResponse>(loggedModelsSearchRequest),
  /** One logged model: info, tags, params, every metric row (step, dataset, run), and the traces made with it. Unknown id: NOT_FOUND. */
  'loggedModels:get': def<typeof loggedModelsGetRequest, LoggedModelGetResponse>(loggedModelsGetRequest),
  /** The logged models a run produced (source run, RUN_OUTPUT), used (RUN_INPUT) or logged metrics for, with those metrics. */
  'loggedModels:forRun': def<typeof loggedModelsForRunRequest, LoggedModelsForRunResponse>(loggedModelsForRunRequest),
  /** The experiments' traces grouped by session (mlflow.trace.session): users, times, turns, tokens, errors, feedback; paged. */
  'traces:sessions': def<typeof tracesSessionsRequest, TraceSessionsResponse>(tracesSessionsRequest),
  /** One session's turns in request order, each with its previews, state, tokens and latest assessments. Unknown: NOT_FOUND. */
  'traces:session': def<typeof tracesSessionRequest, TraceSessionResponse>(tracesSessionRequest),
  /** The experiments' traces over time (volume, errors, latency percentiles, tokens, feedback pass rates) and by name, model and span name. */
  'traces:overview': def<typeof tracesOverviewRequest, TraceOverviewResponse>(tracesOverviewRequest),
  'metrics:history': def<typeof metricsHistoryRequest, MetricHistoryResponse>(metricsHistoryRequest),
  'metrics:compare': def<typeof metricsCompareRequest, MetricsCompareResponse>(metricsCompareRequest),
  /** Min, max (with their steps) and a short trend line of several metrics of one run, in one statement over the run's rows. */
  'metrics:summary': def<typeof metricsSummaryRequest, MetricsSummaryResponse>(metricsSummaryRequest),
  /** A folder of a run's artifacts ('' = the root), folders first. */
  'artifacts:list': def<typeof artifactsListRequest, ArtifactsListResponse>(artifactsListRequest),
  /** A file's preview: an image, or the first max_bytes of its text. */
  'artifacts:preview': def<typeof artifactsPreviewRequest, ArtifactPreview>(artifactsPreviewRequest),
  /**
   * Copy a run's artifact file or folder to this machine: the desktop app asks where (a save or
   * folder dialog); over HTTP it goes into <app data>/exports. Files verified (size, sha256) and
   * renamed only when whole. Progress: export:progress events for job_id; cancel: export:cancel.
   * saved_to null: the user dismissed the dialog. sha256: the file's, when one file was copied.
   */
  'artifacts:download': def<typeof artifactsDownloadRequest, { saved_to: string | null; files: number; bytes: number; sha256: string | null }>(
    artifactsDownloadRequest,
  ),
  /**
   * Export runs, an experiment or a registered model with every artifact, in mlflow-export-import's
   * layout plus a manifest of sha256s (see the CLI's export). Answers when done with the report;
   * progress: export:progress events; cancel: export:cancel. report null: the dialog was dismissed.
   */
  'export:run': def<typeof exportRunRequest, { report: ExportReport | null }>(exportRunRequest),
  /** Stop an artifacts:download or export:run of this window; false when it is not running. */
  'export:cancel': def<z.ZodObject<{ job_id: typeof exportJobId }>, { cancelled: boolean }>(z.object({ job_id: exportJobId }).strict()),
  'models:list': def<typeof modelsListRequest, ModelsListResponse>(modelsListRequest),
  'models:get': def<z.ZodObject<{ name: typeof modelName }>, ModelGetResponse>(z.object({ name: modelName }).strict()),
  /** One live version: its fields, its model's aliases and tags, the other versions' numbers, and its source run (params, metrics, tags). */
  'models:version': def<typeof modelVersionRequest, ModelVersionResponse>(modelVersionRequest),
  /**
   * A version's MLmodel (flavors, signature, input example reference) and the first bytes of its input example,
   * read where its files are (storage_location, else source: runs:/, models:/, a URI). No MLmodel: NOT_FOUND
   * naming where it was looked for; not YAML: INVALID_ARTIFACT; the artifact store's own errors as artifacts:* give them.
   */
  'models:version-files': def<typeof modelVersionRequest, ModelFilesResponse>(modelVersionRequest),
  /**
   * The prompt registry (registered models tagged mlflow.prompt.is_prompt, which models:list leaves out, as
   * MLflow does), by name: a substring or MLflow's name clauses (refused with the position, as models:list).
   */
  'prompts:search': def<typeof promptsSearchRequest, PromptsSearchResponse>(promptsSearchRequest),
  /**
   * A prompt with its versions: commit message, template (text, or chat messages by role), variables, tags,
   * aliases, and the runs and traces tagged mlflow.linkedPrompts with the version. NOT_FOUND for a name that
   * is not a prompt.
   */
  'prompts:get': def<typeof promptsGetRequest, PromptGetResponse>(promptsGetRequest),
  /** An experiment's mlflow.genai.evaluate runs (tag mlflow.run.isEval), newest first, with their metrics, row counts and scorers. */
  'evaluations:list': def<typeof evaluationsListRequest, EvaluationsListResponse>(evaluationsListRequest),
  /**
   * An evaluation run's rows: each trace it made (mlflow.sourceRun) with its previews and each scorer's and expectation's
   * latest valid assessment (value, rationale, error), and the run's aggregate metrics. Not an evaluation run: NOT_FOUND.
   */
  'evaluations:rows': def<typeof evaluationsRowsRequest, EvaluationRowsResponse>(evaluationsRowsRequest),
  /** Two evaluation runs row by row, rows matched by their request: per scorer improved / regressed / same, and metric deltas. */
  'evaluations:compare': def<typeof evaluationsCompareRequest, EvaluationCompareResponse>(evaluationsCompareRequest),
  /** Evaluation datasets (mlflow.genai.datasets) with tags, experiments and record counts; a store before MLflow 3.4 has none. */
  'datasets:list': def<typeof datasetsListRequest, DatasetsListResponse>(datasetsListRequest),
  /** One evaluation dataset and a keyset page of its records (inputs, expectations, outputs, source, tags). Unknown: NOT_FOUND. */
  'datasets:get': def<typeof datasetsGetRequest, DatasetGetResponse>(datasetsGetRequest),
  /**
   * Find anything by a text: runs by name or id prefix (every experiment), experiments, registered
   * models, logged models, saved queries and the app's screens, best first; an id or URI in the
   * text (see find:resolve) comes first. Names match case-insensitively anywhere inside.
   */
  'find:search': def<typeof findSearchRequest, FindSearchResponse>(findSearchRequest),
  /**
   * What an id, URI or exact name stands for: a 32-hex run id, runs:/<id>/<path>, models:/<name>/<version|stage|latest>
   * and models:/<name>@<alias> (resolved as MLflow resolves them), prompts:/<name>/<version> and prompts:/<name>@<alias>
   * (@latest: the newest), m-… logged model and tr-… trace ids, an
   * experiment id, a link of MLflow's UI, or an exact experiment, model or run name. NOT_FOUND names what was
   * looked for and where.
   */
  'find:resolve': def<typeof findResolveRequest, FindResolveResponse>(findResolveRequest),
  'profiles:list': def<typeof noArgs, ProfilesListResponse>(noArgs),
  'profiles:save': def<typeof profilesSaveRequest, { profile: ProfileView }>(profilesSaveRequest),
  'profiles:remove': def<z.ZodObject<{ id: typeof profileId }>, Record<string, never>>(z.object({ id: profileId }).strict()),
  'profiles:test': def<typeof profilesTestRequest, ConnectionTestResult>(profilesTestRequest),
  'profiles:switch': def<z.ZodObject<{ id: typeof profileId }>, ProfileSwitchResponse>(z.object({ id: profileId }).strict()),
  'profiles:parse-url': def<typeof profilesParseUrlRequest, { settings: ProfileSettingsInput; has_password: boolean }>(profilesParseUrlRequest),
  'profiles:services': def<typeof noArgs, { files: string[]; services: Array<{ name: string; settings: ProfileSettingsInput; has_password: boolean }> }>(
    noArgs,
  ),
  'profiles:import-service': def<z.ZodObject<{ name: z.ZodString }>, { profile: ProfileView }>(z.object({ name: z.string().min(1).max(255) }).strict()),
  'profiles:export': def<z.ZodObject<{ ids: z.ZodOptional<z.ZodArray<typeof profileId>> }>, { json: string }>(
    z.object({ ids: z.array(profileId).optional() }).strict(),
  ),
  'profiles:import': def<z.ZodObject<{ json: z.ZodString }>, { added: ProfileView[]; skipped: Array<{ name: string; reason: string }> }>(
    z.object({ json: z.string().min(1).max(5_000_000) }).strict(),
  ),
  /** The SQL that makes a read-only role for the profile's store, with the owner of MLflow's tables read from the store when it answers. */
  'profiles:grant-sql': def<typeof profilesGrantSqlRequest, ProfileGrantSqlResponse>(profilesGrantSqlRequest),
  'profiles:trust-host-key': def<z.ZodObject<{ id: typeof profileId; fingerprint: z.ZodString }>, { profile: ProfileView }>(
    z.object({ id: profileId, fingerprint: z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/) }).strict(),
  ),
  'windows:open': def<z.ZodObject<{ profile_id: typeof profileId }>, { url: string | null }>(z.object({ profile_id: profileId }).strict()),
  /** Parse and classify SQL as the guard does before running it; nothing reaches the store. */
  'query:check': def<typeof queryCheckRequest, QueryCheckResponse>(queryCheckRequest),
  /**
   * Run one read statement in the window's store: guarded (refused: QUERY_REFUSED with details.position),
   * then sent through the extended protocol inside BEGIN READ ONLY with SET LOCAL statement_timeout (the
   * profile's), read with a cursor (max_rows + 1 rows) and always rolled back. Server errors: QUERY_FAILED
   * (details.position into the text as typed), TIMEOUT, READ_ONLY; cancelled: CANCELLED; a :param without
   * a value: BAD_REQUEST (details.field "params.<name>"). Appended to the profile's history.
   */
  'query:run': def<typeof queryRunRequest, QueryRunResponse>(queryRunRequest),
  /**
   * Cancel the tab's running statement (run or EXPLAIN ANALYZE) or an export, with PostgreSQL's cancel
   * request for exactly that backend; the pending call then fails with CANCELLED and the connection stays
   * usable. `cancelled` is false when nothing was running.
   */
  'query:cancel': def<typeof queryCancelRequest, { cancelled: boolean }>(queryCancelRequest),
  /** EXPLAIN (FORMAT JSON) of a read, as a tree; with analyze, EXPLAIN (ANALYZE, BUFFERS) inside the read-only transaction. */
  'query:explain': def<typeof queryExplainRequest, QueryExplainResponse>(queryExplainRequest),
  /**
   * One value of the tab's last result, whole up to max_bytes (64 MiB at most): the statement runs again
   * (same rules as query:run) and the value at row/column (0-based, as query:run numbered them) comes back
   * in chunks the server cuts, so no size can overwhelm the app. Without an ORDER BY the row may differ
   * from the first run: compare `bytes` with the cut value's. Cancel it with query:cancel { tab_id }.
   */
  'query:value': def<typeof queryValueRequest, QueryValueResponse>(queryValueRequest),
  /**
   * Stream the FULL result to a file (CSV with a header row, byte for byte what PostgreSQL's COPY ... CSV
   * writes — it does the formatting when the statement has no parameters; or JSON Lines, one object per
   * row with the values of query:run, repeated column names suffixed _2, _3). Main chooses the path: the
   * desktop app's save dialog (suggesting file_name; dismissed: path null), or over HTTP the exports
   * folder only. Written to a temp name beside the target and renamed when complete: a cancelled or
   * failed export leaves nothing. One statement, so statement_timeout_s (else the profile's) bounds the
   * whole export. Progress: `query:export-progress` events (filter by export_id); cancel: query:cancel
   * { export_id }. A file that cannot be written (disk full, no permission): WRITE_FAILED naming the path.
   */
  'query:export': def<typeof queryExportRequest, QueryExportResponse>(queryExportRequest),
  /** Tables, views and their columns in the store's schema, from the catalog (for autocomplete). */
  'query:schema': def<typeof noArgs, QuerySchemaResponse>(noArgs),
  /**
   * The window's profile's history, newest first (every run, explain and export, ok or not).
   * unsaved: why entries are not on disk yet (a full disk), null when all are; they are listed all the same.
   */
  'query:history': def<typeof queryHistoryRequest, { entries: QueryHistoryEntry[]; unsaved: string | null }>(queryHistoryRequest),
  'query:history-clear': def<typeof noArgs, Record<string, never>>(noArgs),
  /** Saved queries, by name (shared by all profiles). */
  'query:saved-list': def<typeof noArgs, { queries: SavedQuery[] }>(noArgs),
  /** Create or update (by id); a name is unique (CONFLICT otherwise). */
  'query:saved-save': def<typeof querySavedSaveRequest, { query: SavedQuery }>(querySavedSaveRequest),
  'query:saved-delete': def<typeof querySavedDeleteRequest, Record<string, never>>(querySavedDeleteRequest),
  /** The ready audit queries shipped with the app. */
  'query:library': def<typeof noArgs, { queries: LibraryQuery[] }>(noArgs),
  /** The console tabs of the window's profile, as last saved (none yet: an empty list). */
  'query:tabs-get': def<typeof noArgs, { tabs: QueryTab[]; active_tab_id: string | null }>(noArgs),
  'query:tabs-save': def<typeof queryTabsSaveRequest, Record<string, never>>(queryTabsSaveRequest),
} satisfies Record<Channel, { request: z.ZodType; response: unknown }>

export type Contract = typeof contract
export type ChannelRequest<C extends Channel> = z.input<Contract[C]['request']>
export type ParsedRequest<C extends Channel> = z.output<Contract[C]['request']>
export type ChannelResponse<C extends Channel> = Contract[C]['response']

/** Payloads of main -> renderer events. */
export interface EventPayloads {
  /** The profiles list changed (in any window): switchers reload it. */
  'profiles:changed': { reason: 'saved' | 'removed' | 'imported' }
  /** An export's progress, about four times a second and once at the end (done: true, also after a failure). */
  'query:export-progress': QueryExportProgress & { export_id: string }
  /** An export or artifact download's progress, a few times a second and at each phase change. */
  'export:progress': { job_id: string; progress: ExportProgress }
}
export type EventPayload<E extends EventName> = EventPayloads[E]

export type RunsSearchRequest = ParsedRequest<'runs:search'>
export type RunsCountRequest = ParsedRequest<'runs:count'>
export type TracesSearchRequest = ParsedRequest<'traces:search'>
export type LoggedModelsSearchRequest = ParsedRequest<'loggedModels:search'>
export type TracesSessionsRequest = ParsedRequest<'traces:sessions'>
export type TracesOverviewRequest = ParsedRequest<'traces:overview'>
export type MetricsHistoryRequest = ParsedRequest<'metrics:history'>
export type MetricsCompareRequest = ParsedRequest<'metrics:compare'>
export type MetricsSummaryRequest = ParsedRequest<'metrics:summary'>
export type ModelsListRequest = ParsedRequest<'models:list'>
export type ModelVersionRequest = ParsedRequest<'models:version'>
export type PromptsSearchRequest = ParsedRequest<'prompts:search'>
export type QueryRunRequest = ParsedRequest<'query:run'>
export type QueryExportRequest = ParsedRequest<'query:export'>
