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
  tags: TraceKeyCount[]
  metadata: TraceKeyCount[]
  /** Assessment names (latest valid per trace), by kind; count: traces with one. */
  assessments: Array<TraceKeyCount & { kind: 'feedback' | 'expectation' }>
}
