/**
 * MLflow 3 GenAI evaluations as the store holds them: a `mlflow.genai.evaluate` run (tag
 * mlflow.run.isEval = "true", aggregate scores as run metrics `<scorer>/mean`), one trace per
 * evaluated row (request metadata mlflow.sourceRun = the run), each scorer's feedback and the
 * row's expectations as assessments on that trace; and evaluation datasets (mlflow.genai.datasets:
 * evaluation_datasets, their tags and records, tied to experiments by entity_associations).
 */
import type { Metric, Run } from './mlflow'

/** The run tag mlflow.genai.evaluate sets on its run (MLflow's MLFLOW_RUN_IS_EVALUATION). */
export const EVALUATION_RUN_TAG = 'mlflow.run.isEval'
/** The trace tag naming the evaluated row (one per row of the evaluation's data). */
export const EVAL_REQUEST_ID_TAG = 'mlflow.eval.requestId'

/**
 * A scorer's value as a number to order and compare by: numbers as they are, booleans and
 * MLflow's "yes" / "no" (its judges' CategoricalRating) as 1 / 0. Other text, a failed scorer
 * or no value: null (no order).
 */
export function scoreRank(score: Pick<EvaluationScore, 'value'> | undefined): number | null {
  const v = score?.value
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase()
    if (s === 'yes' || s === 'true' || s === 'pass') return 1
    if (s === 'no' || s === 'false' || s === 'fail') return 0
  }
  return null
}

/** An evaluation run with what its list shows. */
export interface EvaluationRunSummary {
  run: Run
  /** Traces the run made (its rows). */
  trace_count: number
  /** Feedback names on its traces (the scorers), by name. */
  scorers: string[]
}

/** evaluations:list — the evaluation runs of an experiment, newest first. */
export interface EvaluationsListResponse {
  runs: EvaluationRunSummary[]
  /** More runs than were read (the newest `runs.length` are listed). */
  truncated: boolean
}

/** One scorer's latest valid feedback (or one expectation) on a row's trace. */
export interface EvaluationScore {
  assessment_id: string
  /** MLflow's value as written (JSON: true, 0.93, "yes"); null for a scorer that failed. */
  value: unknown
  rationale: string | null
  /** The scorer's error message, when it failed. */
  error: string | null
  /** CODE, LLM_JUDGE, HUMAN. */
  source_type: string
  source_id: string | null
  /** ms since the epoch. */
  updated_time: number
}

/** One evaluated row: the trace the run made for it and its assessments. */
export interface EvaluationRow {
  trace_id: string
  /** mlflow.eval.requestId: the row of the evaluation's data. */
  eval_request_id: string | null
  state: string
  /** ms since the epoch. */
  request_time: number
  execution_duration: number | null
  request_preview: string | null
  response_preview: string | null
  /** Per scorer name, its latest valid feedback. */
  scores: Record<string, EvaluationScore>
  /** Per expectation name, its latest valid value. */
  expectations: Record<string, EvaluationScore>
}

/** evaluations:rows — an evaluation run's rows (bounded) with its scorers and aggregate scores. */
export interface EvaluationRowsResponse {
  run: Run
  /** Feedback names on the rows, by name. */
  scorers: string[]
  /** Expectation names on the rows, by name. */
  expectation_names: string[]
  /** The run's metrics (latest values): `<scorer>/mean` and the like. */
  aggregates: Metric[]
  rows: EvaluationRow[]
  /** The run has more rows than were read. */
  truncated: boolean
  trace_count: number
}

/** How one scorer moved from run A to run B on a row. */
export type ScoreChange = 'improved' | 'regressed' | 'same' | 'changed' | 'only_a' | 'only_b' | 'missing'
/** A row's overall change: improved on some scorer and regressed on none, and so on. */
export type RowChange = 'improved' | 'regressed' | 'mixed' | 'same' | 'only_a' | 'only_b'

export interface EvaluationCompareRow {
  /** What matches rows across the runs: the request (its preview, or its inputs). */
  input: string | null
  a: EvaluationRow | null
  b: EvaluationRow | null
  changes: Record<string, ScoreChange>
  change: RowChange
}

export interface AggregateDelta {
  key: string
  a: number | null
  b: number | null
  /** b - a, when both are numbers. */
  delta: number | null
}

/** evaluations:compare — two evaluation runs row by row (rows matched by their request). */
export interface EvaluationCompareResponse {
  run_a: Run
  run_b: Run
  scorers: string[]
  rows: EvaluationCompareRow[]
  summary: Record<RowChange, number>
  aggregates: AggregateDelta[]
  /** One of the runs has more rows than were read. */
  truncated: boolean
}

/** An evaluation dataset (mlflow.genai.datasets). */
export interface EvaluationDataset {
  dataset_id: string
  name: string
  digest: string | null
  /** JSON text as MLflow keeps it. */
  schema: string | null
  profile: string | null
  /** ms since the epoch. */
  created_time: number | null
  last_update_time: number | null
  created_by: string | null
  last_updated_by: string | null
  tags: Record<string, string>
  /** The experiments the dataset is tied to (entity_associations). */
  experiment_ids: string[]
  record_count: number
}

export interface EvaluationDatasetRecord {
  dataset_record_id: string
  /** Parsed JSON; null when the record has none. */
  inputs: unknown
  expectations: unknown
  outputs: unknown
  tags: Record<string, string>
  /** The record's source as MLflow keeps it (parsed JSON). */
  source: unknown
  source_type: string | null
  source_id: string | null
  created_time: number
  last_update_time: number
  created_by: string | null
  last_updated_by: string | null
}

/** datasets:list */
export interface DatasetsListResponse {
  datasets: EvaluationDataset[]
}

/** datasets:get — a dataset and a page of its records, oldest first. */
export interface DatasetGetResponse {
  dataset: EvaluationDataset
  records: EvaluationDatasetRecord[]
  next_page_token: string | null
}
