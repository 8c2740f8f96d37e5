import { z } from 'zod'
import { SESSION_ORDER_KEYS } from '../domain/traceInsights'
import { experimentId } from './trackingSchemas'

/** The experiments whose traces are grouped or charted: at least one. */
const experimentIds = z.array(experimentId).min(1, 'give at least one experiment id').max(1000)

/** A session id or user as MLflow keeps them (request metadata values). */
const metadataValue = (what: string) => z.string().min(1, `give a ${what}`).max(8000, `is longer than any ${what} MLflow keeps (8000 characters)`)

/** traces:sessions — the experiments' traces grouped by session, one row each. */
export const tracesSessionsRequest = z
  .object({
    experiment_ids: experimentIds,
    /** Only sessions where this user made at least one request. */
    user: metadataValue('user').nullish(),
    order_by: z.enum(SESSION_ORDER_KEYS as [string, ...string[]]).default('last_activity'),
    ascending: z.boolean().default(false),
    max_results: z.number().int().min(1).max(5000).default(200),
    offset: z.number().int().min(0).max(10_000_000).default(0),
  })
  .strict()

/** traces:session — one session's turns in order. */
export const tracesSessionRequest = z.object({ experiment_ids: experimentIds, session_id: metadataValue('session id') }).strict()

/** Milliseconds since the epoch. */
const epochMs = z.number().int().min(0).max(8_640_000_000_000_000)

/** traces:overview — the experiments' traces over time: volume, errors, latency, tokens, feedback, slow spans. */
export const tracesOverviewRequest = z
  .object({
    experiment_ids: experimentIds,
    /** Traces requested at or after (ms). */
    start_ms: epochMs.nullish(),
    /** Traces requested before (ms). */
    end_ms: epochMs.nullish(),
    /** Chosen from the range when absent. */
    bucket: z.enum(['minute', 'hour', 'day']).nullish(),
  })
  .strict()
  .refine((r) => r.start_ms == null || r.end_ms == null || r.start_ms < r.end_ms, { message: 'start_ms must be before end_ms', path: ['end_ms'] })
