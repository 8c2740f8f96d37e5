import { z } from 'zod'
import type { Channel, EventName } from './channelNames'
import type { Experiment, Run, StoreDescription } from '../domain/mlflow'

export { CHANNELS, EVENTS, isChannel } from './channelNames'
export type { Channel, EventName } from './channelNames'

/**
 * The API contract: one map from channel to its request schema (validated at
 * every transport boundary) and its response type. Handlers, the preload, the
 * HTTP transport and the renderer's `api` are all typed from it.
 */

const viewType = z.enum(['active', 'deleted', 'all'])

/** MLflow's SQL store keeps experiment ids as integers; the API passes them as strings. */
const experimentId = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform(String)
  .refine((s) => /^\d{1,10}$/.test(s), { message: 'must be a numeric experiment id such as "0" or "12"' })

/** MLflow's own run id rule (mlflow/utils/validation.py). */
const runId = z
  .string()
  .regex(/^[a-zA-Z0-9][\w-]{0,255}$/, 'must be a run id (32 hex characters for runs MLflow created)')

/** MLflow's search_runs accepts at most 50,000 results per page. */
export const MAX_RESULTS_LIMIT = 50_000

const def = <Req extends z.ZodType, Res>(request: Req) => ({ request, response: null as unknown as Res })

export interface AppInfo {
  name: string
  version: string
  /** How this renderer is served: inside Electron, or through the local HTTP transport. */
  transport: 'ipc' | 'http'
}

export interface ConnectionSummary {
  id: string
  name: string
  /** Environment label; `demo` is the built-in embedded store. */
  environment: 'demo' | 'dev' | 'staging' | 'prod' | 'custom'
  /** host:port/database and user, never a password. */
  display: string
}

export interface SessionDescription {
  connection: ConnectionSummary
  server_version: string
  store: StoreDescription
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

export interface RunsSearchResponse {
  runs: Run[]
  /** Opaque; pass back as page_token for the next page. Null on the last page. */
  next_page_token: string | null
}

const experimentsListRequest = z.object({ view: viewType.default('active') }).strict()

const runsSearchRequest = z
  .object({
    experiment_ids: z.array(experimentId).min(1, 'give at least one experiment id').max(1000),
    view: viewType.default('active'),
    max_results: z.number().int().min(1).max(MAX_RESULTS_LIMIT).default(1000),
    page_token: z.string().max(4096).nullish(),
  })
  .strict()

const runsGetRequest = z.object({ run_id: runId }).strict()

const noArgs = z.object({}).strict()

export const contract = {
  'app:info': def<typeof noArgs, AppInfo>(noArgs),
  'session:describe': def<typeof noArgs, SessionDescription>(noArgs),
  'experiments:list': def<typeof experimentsListRequest, ExperimentsListResponse>(experimentsListRequest),
  'runs:search': def<typeof runsSearchRequest, RunsSearchResponse>(runsSearchRequest),
  'runs:get': def<typeof runsGetRequest, { run: Run }>(runsGetRequest),
} satisfies Record<Channel, { request: z.ZodType; response: unknown }>

export type Contract = typeof contract
export type ChannelRequest<C extends Channel> = z.input<Contract[C]['request']>
export type ParsedRequest<C extends Channel> = z.output<Contract[C]['request']>
export type ChannelResponse<C extends Channel> = Contract[C]['response']

/** Payloads of main -> renderer events. */
export interface EventPayloads {
  'session:changed': { connection: ConnectionSummary }
}
export type EventPayload<E extends EventName> = EventPayloads[E]

export type RunsSearchRequest = ParsedRequest<'runs:search'>
export type ExperimentsListRequest = ParsedRequest<'experiments:list'>
