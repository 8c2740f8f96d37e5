/**
 * What the Sessions and Overview tabs read of an experiment's traces
 * (traces:sessions, traces:session, traces:overview), and the trace-list
 * filters (MLflow search_traces syntax) their rows and charts click through to.
 */

/** Request metadata (MLflow 3) or trace tag (MLflow 2.x) naming a trace's session and user. */
export const SESSION_KEY = 'mlflow.trace.session'
export const USER_KEY = 'mlflow.trace.user'

export type SessionOrderKey = 'last_activity' | 'first_request' | 'turns' | 'duration' | 'tokens' | 'errors'
export const SESSION_ORDER_KEYS: readonly SessionOrderKey[] = ['last_activity', 'first_request', 'turns', 'duration', 'tokens', 'errors']

/** Counts of the valid boolean / yes-no feedback on a session's (or a turn's) traces. */
export interface FeedbackCounts {
  positive: number
  negative: number
}

export interface TraceSessionRow {
  session_id: string
  /** The users seen on its traces, sorted. */
  users: string[]
  first_request_ms: number
  last_request_ms: number
  /** First request → last trace's end. */
  duration_ms: number
  turns: number
  /** Sum of the traces' total tokens (traces without token usage count none); null when none has any. */
  tokens: number | null
  errors: number
  feedback: FeedbackCounts
}

export interface TraceSessionsResponse {
  sessions: TraceSessionRow[]
  /** Sessions matching (all pages). */
  total: number
  /** Every user seen on the experiments' traces that have a session, for the user filter. */
  users: string[]
}

export interface SessionTurnAssessment {
  name: string
  kind: 'feedback' | 'expectation'
  /** The value as MLflow keeps it, parsed from its JSON. */
  value: unknown
  source_type: string
}

export interface SessionTurn {
  trace_id: string
  experiment_id: string
  request_time: number
  execution_duration: number | null
  state: string
  user: string | null
  request_preview: string | null
  response_preview: string | null
  tokens: number | null
  /** The latest valid assessment of each name. */
  assessments: SessionTurnAssessment[]
}

export interface TraceSessionResponse {
  session_id: string
  /** In request order (then trace id). */
  turns: SessionTurn[]
}

export type OverviewBucket = 'minute' | 'hour' | 'day'
export const BUCKET_MS: Record<OverviewBucket, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 }

/** The widest range each bucket draws (in at most ~120 bars: minutes up to 2 hours, hours up to 5 days), then days. */
export const BUCKET_UP_TO: ReadonlyArray<readonly [OverviewBucket, number]> = [
  ['minute', 2 * BUCKET_MS.hour],
  ['hour', 5 * BUCKET_MS.day],
]

/** The bucket a range of traces is drawn in. */
export function bucketFor(rangeMs: number): OverviewBucket {
  return BUCKET_UP_TO.find(([, upTo]) => rangeMs <= upTo)?.[0] ?? 'day'
}

export interface Latencies {
  p50_ms: number | null
  p90_ms: number | null
  p99_ms: number | null
}

export interface TokenSums {
  input_tokens: number
  output_tokens: number
  total_tokens: number
}

export interface OverviewTotals extends Latencies, TokenSums {
  traces: number
  errors: number
  first_ms: number | null
  last_ms: number | null
}

export interface OverviewBucketRow extends Latencies, TokenSums {
  /** Bucket start (UTC, a multiple of the bucket width); its end is start + BUCKET_MS[bucket]. */
  start_ms: number
  traces: number
  errors: number
}

export interface OverviewNameRow extends TokenSums {
  name: string
  traces: number
}

export interface OverviewModelRow extends TokenSums {
  model: string
  /** Spans naming the model, and the traces they are in. */
  spans: number
  traces: number
}

export interface OverviewAssessment {
  name: string
  pass: number
  fail: number
  buckets: Array<{ start_ms: number; pass: number; fail: number }>
}

export interface OverviewSpanRow {
  name: string
  count: number
  p50_ms: number
  p90_ms: number
}

export interface TraceOverviewResponse {
  bucket: OverviewBucket
  /** The range asked for (null ends: open). */
  start_ms: number | null
  end_ms: number | null
  totals: OverviewTotals
  buckets: OverviewBucketRow[]
  by_name: OverviewNameRow[]
  /** Null with models_problem when the store cannot say (spans kept only as artifacts). */
  by_model: OverviewModelRow[] | null
  models_problem: string | null
  /** Null when the store has no assessments table. */
  assessments: OverviewAssessment[] | null
  /** Null when the store keeps no spans in its tables. */
  slowest_spans: OverviewSpanRow[] | null
  /** Set when slowest_spans was read over the newest traces only (its words say how many). */
  spans_problem: string | null
}

/** A value as a search_traces string literal (single quotes; double when the value holds a single one). */
export function filterString(value: string): string {
  return value.includes("'") && !value.includes('"') ? `"${value}"` : `'${value}'`
}

/** A key of a filter entity, backticked (names with dots, dashes, spaces). */
const key = (name: string) => `\`${name.replace(/`/g, '``')}\``

/** The traces of one session (request metadata, else the tag MLflow 2.x wrote). */
export function sessionFilter(sessionId: string): string {
  const v = filterString(sessionId)
  return `metadata.${key(SESSION_KEY)} = ${v} OR tags.${key(SESSION_KEY)} = ${v}`
}

/** Traces requested in [start, end). */
export function timeFilter(startMs: number, endMs: number): string {
  return `trace.timestamp_ms >= ${startMs} AND trace.timestamp_ms < ${endMs}`
}

export const errorFilter = (): string => "trace.status = 'ERROR'"
export const traceNameFilter = (name: string): string => `trace.name = ${filterString(name)}`
export const spanNameFilter = (name: string): string => `span.name = ${filterString(name)}`
/** Traces whose latest valid feedback of this name passed (true / "yes") or failed. */
export const feedbackFilter = (name: string, passed: boolean): string => `(feedback.${key(name)} IN (${passed ? "'true', 'yes'" : "'false', 'no'"}))`

/** Conditions joined with AND (each parenthesized when it holds an OR). */
export function allOf(...conditions: Array<string | null | undefined>): string {
  const parts = conditions.filter((c): c is string => !!c)
  return parts.map((c) => (parts.length > 1 && / OR /.test(c) && !c.startsWith('(') ? `(${c})` : c)).join(' AND ')
}
