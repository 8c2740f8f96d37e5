/**
 * Traces as the Traces list shows them (traces:search): MLflow's TraceInfo
 * (ids as strings, times in ms since the epoch) with what the list reads out
 * of its tags and request metadata, and the latest valid assessment per name.
 */

export type TraceState = 'OK' | 'ERROR' | 'IN_PROGRESS' | 'STATE_UNSPECIFIED' | (string & {})

export interface TraceTokenUsage {
  input_tokens: number | null
  output_tokens: number | null
  total_tokens: number | null
}

/** The latest valid assessment of one name on a trace. */
export interface TraceAssessmentValue {
  assessment_id: string
  kind: 'feedback' | 'expectation'
  /** MLflow's value as written (JSON: true, 0.93, "text"; null for a feedback that failed). */
  value: unknown
  /** HUMAN, LLM_JUDGE, CODE. */
  source_type: string
  source_id: string | null
  /** The feedback's error, when the scorer failed. */
  error: string | null
}

export interface TraceRow {
  trace_id: string
  experiment_id: string
  client_request_id: string | null
  request_preview: string | null
  response_preview: string | null
  state: TraceState
  /** ms since the epoch. */
  request_time: number
  /** ms; null while in progress. */
  execution_duration: number | null
  /** From the mlflow.trace.tokenUsage metadata; null when the trace has none. */
  token_usage: TraceTokenUsage | null
  /** The mlflow.traceName tag. */
  name: string | null
  /** mlflow.trace.session (request metadata; MLflow 2.x kept it as a tag). */
  session: string | null
  /** mlflow.trace.user (request metadata; MLflow 2.x kept it as a tag). */
  user: string | null
  /** mlflow.sourceRun: the run the trace was made in. */
  source_run_id: string | null
  /** mlflow.modelId: the logged model active when the trace was made. */
  logged_model_id: string | null
  tags: Record<string, string>
  /** Request metadata, without mlflow.traceInputs / mlflow.traceOutputs (the previews show them). */
  trace_metadata: Record<string, string>
  /** Per assessment name, the latest valid one. */
  assessments: Record<string, TraceAssessmentValue>
}

/** A key of the traces in the selected experiments, and on how many traces it is. */
export interface TraceKeyCount {
  key: string
  count: number
}

/** What the Traces list's column chooser offers for the selected experiments. */
export interface TraceColumns {
  trace_count: number
  /** How many of the newest traces were read for their keys (the counts below are among them). */
  traces_read: number
  /** Older traces were left unread: a key missing here may still be on one of them. */
  sampled: boolean
  /** count: traces read that carry the key. */
  tags: TraceKeyCount[]
  metadata: TraceKeyCount[]
  /** Assessment names (latest valid per trace), by kind; count: traces read with one. */
  assessments: Array<TraceKeyCount & { kind: 'feedback' | 'expectation' }>
}

/**
 * One trace as MLflow's API gives it (traces:get; `Trace.to_dict()` of MLflow 3: TraceInfoV3 in
 * protobuf's JSON form, fields by their proto names, unset fields left out), and what a trace view
 * needs on top of it, computed on the server (the span tree, durations, the critical path, token
 * usage and model). Nanosecond times are decimal strings, as protobuf's JSON writes 64-bit
 * integers: a JavaScript number cannot hold them exactly (unix nanoseconds pass 2^53).
 */

/** A span's status: MLflow 3 writes OpenTelemetry's codes. */
export interface MlflowSpanStatus {
  code: 'STATUS_CODE_UNSET' | 'STATUS_CODE_OK' | 'STATUS_CODE_ERROR' | string
  message: string
}

export interface MlflowSpanEvent {
  name: string
  /** Unix nanoseconds, a decimal string. */
  time_unix_nano: string
  attributes: Record<string, unknown>
}

/** A span as MLflow 3's `Span.to_dict()` writes it (the spans table's `content`, a traces.json entry). */
export interface MlflowSpan {
  /** base64 of the 16-byte OpenTelemetry trace id (not the tr-… id). */
  trace_id: string
  /** base64 of the 8-byte span id. */
  span_id: string
  parent_span_id: string | null
  name: string
  start_time_unix_nano: string
  end_time_unix_nano: string | null
  events: MlflowSpanEvent[]
  status: MlflowSpanStatus
  /** Each value JSON-encoded, as MLflow keeps them (`"\"CHAT_MODEL\""`). */
  attributes: Record<string, string | number | boolean | null>
}

export type AssessmentSourceType = 'HUMAN' | 'LLM_JUDGE' | 'CODE' | 'SOURCE_TYPE_UNSPECIFIED' | string

export interface AssessmentError {
  error_code?: string
  error_message?: string
  stack_trace?: string
}

/** An assessment as MLflow's `Assessment.to_dictionary()` writes it. */
export interface MlflowAssessment {
  assessment_id: string
  assessment_name: string
  trace_id: string
  span_id?: string
  source: { source_type: AssessmentSourceType; source_id?: string }
  /** RFC 3339, e.g. "2026-12-07T02:21:23.748Z". */
  create_time: string
  last_update_time: string
  feedback?: { value?: unknown; error?: AssessmentError }
  expectation?: { value?: unknown }
  rationale?: string
  metadata?: Record<string, string>
  /** The id of the assessment this one replaces (that one is kept, valid: false). */
  overrides?: string
  valid: boolean
  run_id?: string
}

/** TraceInfoV3 in protobuf's JSON form. */
export interface MlflowTraceInfo {
  trace_id: string
  client_request_id?: string
  trace_location: { type: 'MLFLOW_EXPERIMENT'; mlflow_experiment: { experiment_id: string } }
  request_preview?: string
  response_preview?: string
  /** RFC 3339. */
  request_time: string
  /** Seconds, protobuf's Duration: "0.636s". */
  execution_duration?: string
  state: TraceState
  trace_metadata: Record<string, string>
  assessments: MlflowAssessment[]
  tags: Record<string, string>
}

export interface MlflowTrace {
  info: MlflowTraceInfo
  data: { spans: MlflowSpan[] }
}

/** One span as a trace view draws it. */
export interface SpanView {
  /** Where it is in trace.data.spans. */
  index: number
  /** 16 hex digits (what MLflow's UI and search show), parent's too. */
  span_id: string
  /** null: a root (or its parent is not in the trace). */
  parent_span_id: string | null
  name: string
  /** mlflow.spanType (LLM, CHAT_MODEL, RETRIEVER, TOOL, …); UNKNOWN when the span has none. */
  type: string
  /** 0 for a root. */
  depth: number
  /** Children's span ids, by start time. */
  children: string[]
  /** From the trace's first span start, in nanoseconds. */
  offset_ns: number
  /** null while the span has not ended. */
  duration_ns: number | null
  error: boolean
  status_message: string
  /** From mlflow.chat.tokenUsage (or OpenTelemetry's gen_ai.usage.*); null when the span has none. */
  tokens: TraceTokenUsage | null
  model: string | null
  /** On the critical path. */
  critical: boolean
}

export interface TraceView {
  /** The spans in tree order (depth first, children by start time): the rows of a span tree. */
  spans: SpanView[]
  /** The spans the trace's end waited on, in time order (span ids). */
  critical_path: string[]
  /** The earliest span start (unix nanoseconds, decimal), null without spans. */
  start_time_unix_nano: string | null
  /** Where the spans came from: the store's spans table, the trace's traces.json artifact, or nowhere. */
  spans_source: 'store' | 'artifact' | 'none'
  /** Why there are no spans (the artifact could not be read, …), null when they were read. */
  spans_problem: string | null
  /** The artifact the spans were (or would be) read from, when they come from the artifact store. */
  artifact_location: string | null
  /** Assessment id → the id of the assessment that overrides it. */
  overridden_by: Record<string, string>
}

export interface TraceGetResponse {
  trace: MlflowTrace
  view: TraceView
}
