import { z } from 'zod'
import { experimentId } from './trackingSchemas'

/** The most traces one traces:search page holds (MLflow's search_traces takes up to 50,000 too). */
export const MAX_TRACE_RESULTS = 50_000

/** The traces' experiments: at least one (the Traces list is per experiment, or across several). */
const traceExperimentIds = z.array(experimentId).min(1, 'give at least one experiment id').max(1000)

/** MLflow's search_traces: experiments, filter, order_by, paging. */
export const tracesSearchRequest = z
  .object({
    experiment_ids: traceExperimentIds,
    /** MLflow's search_traces filter, plus OR and parentheses, IN / LIKE / ILIKE, span.type, span.status, assessments, tokens and free text. */
    filter: z.string().max(20_000).nullish(),
    /** "timestamp_ms DESC", "execution_time_ms", "trace.tokens.total DESC", "feedback.correctness", ... */
    order_by: z.array(z.string().min(1).max(1000)).max(20).nullish(),
    max_results: z.number().int().min(1).max(MAX_TRACE_RESULTS).default(100),
    page_token: z.string().max(4096).nullish(),
  })
  .strict()

/** traces:columns — the tag keys, metadata keys and assessment names of the traces in these experiments. */
export const tracesColumnsRequest = z.object({ experiment_ids: traceExperimentIds }).strict()

/** A trace id as MLflow writes it: tr-<32 hex> (MLflow 3), 32 hex (2.x); request_id is varchar(50). */
export const traceId = z
  .string()
  .trim()
  .min(1, 'give a trace id (tr-…)')
  .max(50, 'is longer than any trace id (50 characters at most)')
  .regex(/^[\w.:-]+$/, 'is not a trace id: letters, digits, "-", "_", "." and ":" only (e.g. tr-…)')

/** traces:get — one trace, its spans and assessments. */
export const tracesGetRequest = z.object({ trace_id: traceId }).strict()
