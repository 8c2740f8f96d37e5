import { z } from 'zod'
import { LOGGED_MODEL_STATUSES } from '../domain/loggedModels'
import { experimentId, runId } from './trackingSchemas'

/** The most logged models one loggedModels:search page holds. */
export const MAX_LOGGED_MODEL_RESULTS = 1000

/** A logged model id as MLflow writes it: m-<32 hex> (logged_models.model_id is varchar(36)). */
export const loggedModelId = z
  .string()
  .trim()
  .min(1, 'give a logged model id (m-…)')
  .max(36, 'is longer than any logged model id (36 characters at most)')
  .regex(/^[\w.-]+$/, 'is not a logged model id: letters, digits, "-", "_" and "." only (e.g. m-…)')

/** What the Models list is ordered by: creation time (newest first by default), name, last update, or a metric's latest value. */
export const loggedModelOrder = z
  .object({
    field: z.enum(['creation_time', 'last_updated', 'name', 'metric']),
    /** The metric's name, for field "metric". */
    metric: z.string().min(1).max(500).nullish(),
    ascending: z.boolean().default(false),
  })
  .strict()
  .refine((o) => o.field !== 'metric' || !!o.metric, { message: 'ordering by a metric needs its name (metric)', path: ['metric'] })

/** loggedModels:search — the logged models of experiments, MLflow's search_logged_models' fields as a structured filter. */
export const loggedModelsSearchRequest = z
  .object({
    experiment_ids: z.array(experimentId).min(1, 'give at least one experiment id').max(1000),
    /** A part of the name, any case. */
    name: z.string().trim().max(500).nullish(),
    /** Only these statuses. */
    statuses: z.array(z.enum(LOGGED_MODEL_STATUSES)).max(4).nullish(),
    /** Only models this run made (logged_models.source_run_id). */
    source_run_id: runId.nullish(),
    order_by: loggedModelOrder.nullish(),
    max_results: z.number().int().min(1).max(MAX_LOGGED_MODEL_RESULTS).default(100),
    page_token: z.string().max(4096).nullish(),
  })
  .strict()

/** loggedModels:get — one logged model. */
export const loggedModelsGetRequest = z.object({ model_id: loggedModelId }).strict()

/** loggedModels:forRun — the logged models a run made, used or logged metrics for. */
export const loggedModelsForRunRequest = z.object({ run_id: runId }).strict()
