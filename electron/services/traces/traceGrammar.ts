import type { Comparator } from '../tracking/search/searchGrammar'

/**
 * What MLflow's search_traces accepts (mlflow/utils/search_utils.py,
 * SearchTraceUtils, MLflow 3.5), in one place, with our extensions marked:
 * entity names and aliases, attribute keys, which comparators each key takes
 * and what can be ordered on.
 */
export type TraceEntity = 'attribute' | 'tag' | 'metadata' | 'span' | 'assessment'

/** For assessments: any kind, or only feedback / only expectations (feedback.NAME, expectation.NAME). */
export type AssessmentKind = 'any' | 'feedback' | 'expectation'

export const TRACE_ENTITY_ALIASES: Record<string, { entity: TraceEntity; kind?: AssessmentKind }> = {
  attribute: { entity: 'attribute' },
  attributes: { entity: 'attribute' },
  trace: { entity: 'attribute' },
  tag: { entity: 'tag' },
  tags: { entity: 'tag' },
  request_metadata: { entity: 'metadata' },
  metadata: { entity: 'metadata' },
  span: { entity: 'span' },
  // Extensions: assessments by name, of any kind or of one.
  assessment: { entity: 'assessment', kind: 'any' },
  assessments: { entity: 'assessment', kind: 'any' },
  feedback: { entity: 'assessment', kind: 'feedback' },
  expectation: { entity: 'assessment', kind: 'expectation' },
}

/** Attribute keys MLflow searches (its aliases resolved); tokens.* are ours. */
export const TRACE_ATTRIBUTE_KEYS: Record<string, string> = {
  request_id: 'request_id',
  timestamp: 'timestamp_ms',
  timestamp_ms: 'timestamp_ms',
  execution_time: 'execution_time_ms',
  execution_time_ms: 'execution_time_ms',
  status: 'status',
  /** The mlflow.traceName tag. */
  name: 'name',
  /** The mlflow.sourceRun request metadata. */
  run_id: 'run_id',
  /** Extension: token counts from the mlflow.trace.tokenUsage request metadata. */
  'tokens.input': 'tokens.input',
  'tokens.output': 'tokens.output',
  'tokens.total': 'tokens.total',
}

/** MLflow orders by these attributes too (VALID_ORDER_BY_ATTRIBUTE_KEYS). */
export const TRACE_ORDER_ONLY_KEYS: Record<string, string> = { experiment_id: 'experiment_id' }

export const TRACE_NUMERIC_ATTRIBUTES = new Set(['timestamp_ms', 'execution_time_ms', 'tokens.input', 'tokens.output', 'tokens.total', 'experiment_id'])

/** The span keys one can filter on: MLflow 3.5 has span.name; type and status are ours. */
export const SPAN_KEYS = new Set(['name', 'type', 'status'])

const NUMERIC: Comparator[] = ['=', '!=', '<', '<=', '>', '>=']
/** MLflow takes = and != on tags and metadata (and name, run_id, mapped to them); LIKE, ILIKE, IN and NOT IN are ours. */
const STRING: Comparator[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN']
const ANY: Comparator[] = [...NUMERIC, 'LIKE', 'ILIKE', 'IN', 'NOT IN']

export function traceComparatorsFor(entity: TraceEntity, key: string): Comparator[] {
  if (entity === 'assessment') return ANY
  if (entity === 'attribute' && TRACE_NUMERIC_ATTRIBUTES.has(key)) return NUMERIC
  return STRING
}

/** The key as messages and canonical filters write it. */
export function describeTraceKey(entity: TraceEntity, key: string, kind: AssessmentKind = 'any'): string {
  switch (entity) {
    case 'attribute':
      return `trace.${key}`
    case 'tag':
      return `tags.${key}`
    case 'metadata':
      return `metadata.${key}`
    case 'span':
      return `span.${key}`
    case 'assessment':
      return `${kind === 'any' ? 'assessment' : kind}.${key}`
  }
}

export const TRACE_KEY_HINT =
  'a key such as trace.status, trace.timestamp_ms, tags.env, metadata.`mlflow.trace.user`, span.name or feedback.correct, or a quoted text'

/** Request metadata MLflow writes, read for the list's columns. */
export const TRACE_METADATA = {
  sourceRun: 'mlflow.sourceRun',
  modelId: 'mlflow.modelId',
  user: 'mlflow.trace.user',
  session: 'mlflow.trace.session',
  tokenUsage: 'mlflow.trace.tokenUsage',
  inputs: 'mlflow.traceInputs',
  outputs: 'mlflow.traceOutputs',
} as const

/** The trace name tag; MLflow 2.x kept user and session as tags too. */
export const TRACE_TAGS = { name: 'mlflow.traceName', user: 'mlflow.trace.user', session: 'mlflow.trace.session' } as const
