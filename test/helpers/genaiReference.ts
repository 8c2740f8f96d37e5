import { readFileSync } from 'node:fs'
import { FIXTURES } from './fixtures'

/**
 * Real MLflow's answers for every trace of the GenAI fixture (`search-traces.json`): each trace's
 * info, tags, metadata, spans and assessments as MLflow's API returned them.
 */
export interface RefSpan {
  span_id: string
  parent_id: string | null
  name: string
  span_type: string
  status: string
  /** Numbers, or exact decimal strings when read with an exact parser. */
  start_time_ns: string | number
  end_time_ns: string | number | null
}
export interface RefAssessment {
  assessment_id: string
  name: string
  kind: 'Feedback' | 'Expectation'
  value: unknown
  source_type: string
  source_id: string | null
  valid: boolean
  overrides: string | null
  rationale: string | null
}
export interface RefTrace {
  experiment_id: string
  state: string
  request_time: number
  execution_duration: number | null
  request_preview: string | null
  response_preview: string | null
  client_request_id: string | null
  tags: Record<string, string>
  metadata: Record<string, string>
  spans: RefSpan[]
  assessments: RefAssessment[]
}

/** The reference's traces by id, read with `parse` (JSON.parse, or one that keeps big integers exact). */
export function genaiReference(parse: (text: string) => unknown = JSON.parse): Record<string, RefTrace> {
  return (parse(readFileSync(FIXTURES.genai.dump.replace(/\.sql$/, '.search-traces.json'), 'utf8')) as { traces: Record<string, RefTrace> }).traces
}
