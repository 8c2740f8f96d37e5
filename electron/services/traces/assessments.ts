import type { MlflowAssessment } from '@shared/domain/traces'
import { timestampJson } from './protoJson'

/** An assessments row as the trace statement gives it (json_build_object of the columns). */
export interface AssessmentRow {
  assessment_id: string
  trace_id: string
  name: string
  assessment_type: string
  value: string
  error: string | null
  created_timestamp: number
  last_updated_timestamp: number
  source_type: string
  source_id: string | null
  run_id: string | null
  span_id: string | null
  rationale: string | null
  overrides: string | null
  valid: boolean
  assessment_metadata: string | null
}

/** MLflow keeps value, error and metadata as JSON text; a value that is not JSON is shown as the text it is. */
export function storedJson(text: string | null): unknown {
  if (text === null) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

const dict = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/**
 * A row as MLflow's `Assessment.to_dictionary()` gives it: feedback (value, error) or expectation
 * (value), the source, rationale, metadata, span id, run id, `overrides` and `valid` (an overridden
 * assessment is kept with valid false); unset fields left out, as protobuf's JSON does.
 */
export function assessmentJson(r: AssessmentRow): MlflowAssessment {
  const a: MlflowAssessment = {
    assessment_id: r.assessment_id,
    assessment_name: r.name,
    trace_id: r.trace_id,
    source: r.source_id === null ? { source_type: r.source_type } : { source_type: r.source_type, source_id: r.source_id },
    create_time: timestampJson(Number(r.created_timestamp)),
    last_update_time: timestampJson(Number(r.last_updated_timestamp)),
    valid: r.valid,
  }
  if (r.span_id !== null) a.span_id = r.span_id
  const value = storedJson(r.value)
  if (r.assessment_type === 'expectation') a.expectation = value === null || value === undefined ? {} : { value }
  else {
    a.feedback = value === null || value === undefined ? {} : { value }
    const error = storedJson(r.error)
    if (dict(error)) {
      a.feedback.error = Object.fromEntries(
        Object.entries(error).filter(([k, v]) => v !== null && (k === 'error_code' || k === 'error_message' || k === 'stack_trace')),
      ) as NonNullable<NonNullable<MlflowAssessment['feedback']>['error']>
    }
  }
  if (r.rationale !== null) a.rationale = r.rationale
  const metadata = storedJson(r.assessment_metadata)
  if (dict(metadata)) a.metadata = Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))
  if (r.overrides !== null) a.overrides = r.overrides
  if (r.run_id !== null) a.run_id = r.run_id
  return a
}

/** Overridden assessment id → the id of the one overriding it. */
export function overriddenBy(list: MlflowAssessment[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const a of list) if (a.overrides) out[a.overrides] = a.assessment_id
  return out
}
