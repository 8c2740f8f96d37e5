import type { TraceColumns, TraceRow } from '@shared/domain/traces'
import { valueChoices, type FilterGrammar } from './filterCompletion'

/**
 * Autocomplete for search_traces' filter (and our extensions): trace attributes, tags and request
 * metadata by the keys the experiments' traces have, span fields, assessments by name, and the
 * values of the loaded traces. The server's parser stays the judge of what is valid.
 */

const ENTITIES = [
  { name: 'trace', detail: 'trace attribute' },
  { name: 'tags', detail: 'trace tag' },
  { name: 'metadata', detail: 'request metadata' },
  { name: 'span', detail: 'any span of the trace' },
  { name: 'feedback', detail: 'feedback by name' },
  { name: 'expectation', detail: 'expectation by name' },
  { name: 'assessment', detail: 'any assessment by name' },
]

/** The attributes search_traces reads (written bare, trace.tokens.total, as its parser takes them). */
const ATTRIBUTES = [
  { key: 'status', detail: 'OK, ERROR, IN_PROGRESS' },
  { key: 'timestamp_ms', detail: 'request time · ms' },
  { key: 'execution_time_ms', detail: 'duration · ms' },
  { key: 'name', detail: 'trace name' },
  { key: 'run_id', detail: 'run made in' },
  { key: 'request_id', detail: 'trace id' },
  { key: 'tokens.input', detail: 'input tokens' },
  { key: 'tokens.output', detail: 'output tokens' },
  { key: 'tokens.total', detail: 'total tokens' },
]
const NUMERIC = new Set(['timestamp_ms', 'execution_time_ms', 'tokens.input', 'tokens.output', 'tokens.total'])
const SPAN_TYPES = ['AGENT', 'CHAIN', 'CHAT_MODEL', 'LLM', 'RETRIEVER', 'RERANKER', 'EMBEDDING', 'TOOL', 'PARSER', 'MEMORY', 'UNKNOWN']

const NUMERIC_OPS = ['>', '>=', '<', '<=', '=', '!=']
const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN']
const ANY_OPS = [...NUMERIC_OPS, 'LIKE', 'ILIKE', 'IN', 'NOT IN']

type Entity = 'trace' | 'tags' | 'metadata' | 'span' | 'feedback' | 'expectation' | 'assessment'
const ALIASES: Record<string, Entity> = {
  trace: 'trace',
  attribute: 'trace',
  attributes: 'trace',
  tag: 'tags',
  tags: 'tags',
  metadata: 'metadata',
  request_metadata: 'metadata',
  span: 'span',
  feedback: 'feedback',
  expectation: 'expectation',
  assessment: 'assessment',
  assessments: 'assessment',
}

const distinct = (values: Iterable<string | null>) => [...new Set([...values].filter((v): v is string => !!v))].sort()

/** The grammar for the Traces list's filter bar, from the experiments' keys and the traces loaded. */
export function traceFilterGrammar(columns: TraceColumns | null, traces: readonly TraceRow[]): FilterGrammar {
  const withCount = (list: TraceColumns['tags'] | undefined, noun: string) => (list ?? []).map((k) => ({ key: k.key, detail: `${noun} · ${k.count} traces` }))
  const assessments = (kind: 'feedback' | 'expectation' | null) =>
    (columns?.assessments ?? []).filter((a) => kind === null || a.kind === kind).map((a) => ({ key: a.key, detail: `${a.kind} · ${a.count} traces` }))
  return {
    entities: ENTITIES,
    keys: (alias) => {
      switch (ALIASES[alias.toLowerCase()]) {
        case 'trace':
          return ATTRIBUTES.map((a) => ({ ...a, plain: true }))
        case 'tags':
          return withCount(columns?.tags, 'tag')
        case 'metadata':
          return withCount(columns?.metadata, 'metadata')
        case 'span':
          return [
            { key: 'name', detail: 'span name' },
            { key: 'type', detail: 'span type' },
            { key: 'status', detail: 'OK, ERROR, UNSET' },
          ]
        case 'feedback':
          return assessments('feedback')
        case 'expectation':
          return assessments('expectation')
        case 'assessment':
          return assessments(null)
        default:
          return null
      }
    },
    operators: (alias, key) => {
      const entity = alias === null ? null : ALIASES[alias.toLowerCase()]
      if (entity === 'trace' && NUMERIC.has(key)) return NUMERIC_OPS
      if (entity === 'feedback' || entity === 'expectation' || entity === 'assessment') return ANY_OPS
      return STRING_OPS
    },
    values: (alias, key) => {
      const entity = ALIASES[alias.toLowerCase()]
      if (entity === 'trace' && key === 'status') return valueChoices(['OK', 'ERROR', 'IN_PROGRESS'], 'state')
      if (entity === 'trace' && key === 'name') return valueChoices(distinct(traces.map((t) => t.name)), 'seen in loaded traces')
      if (entity === 'span' && key === 'type') return valueChoices(SPAN_TYPES, 'span type')
      if (entity === 'span' && key === 'status') return valueChoices(['OK', 'ERROR', 'UNSET'], 'span status')
      if (entity === 'tags') return valueChoices(distinct(traces.map((t) => t.tags[key] ?? null)), 'seen in loaded traces')
      if (entity === 'metadata') return valueChoices(distinct(traces.map((t) => t.trace_metadata[key] ?? null)), 'seen in loaded traces')
      return []
    },
  }
}
