import type { MlflowAssessment } from '@shared/domain/traces'

/**
 * The assessments panel's cards: one per assessment in force (valid), each with the assessments it
 * overrode (MLflow keeps an overridden one with valid: false and the new one's `overrides` naming
 * it), oldest first. An invalid assessment no one overrode (deleted by hand) shows on its own.
 */
export interface AssessmentCard {
  assessment: MlflowAssessment
  kind: 'feedback' | 'expectation'
  /** What it replaced, newest first (an override of an override chains). */
  replaced: MlflowAssessment[]
}

export const assessmentKind = (a: MlflowAssessment): 'feedback' | 'expectation' => (a.expectation ? 'expectation' : 'feedback')

export function assessmentValue(a: MlflowAssessment): unknown {
  return a.expectation ? a.expectation.value : a.feedback?.value
}

/** The value as the panel writes it: text as it is, the rest as JSON; "—" for none (a failed feedback). */
export function formatAssessmentValue(value: unknown): string {
  if (value === undefined || value === null) return '—'
  if (typeof value === 'string') return value
  return JSON.stringify(value)
}

/** pass / fail / neutral, for the value's colour: yes/true/pass are good, no/false/fail bad, the rest neutral. */
export function valueTone(value: unknown): 'good' | 'bad' | 'neutral' {
  if (value === true) return 'good'
  if (value === false) return 'bad'
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase()
    if (['yes', 'pass', 'passed', 'true', 'correct', 'good'].includes(v)) return 'good'
    if (['no', 'fail', 'failed', 'false', 'incorrect', 'bad'].includes(v)) return 'bad'
  }
  return 'neutral'
}

/** The cards of a trace's assessments; with `spanId`, only those attached to that span. */
export function assessmentCards(list: readonly MlflowAssessment[], overriddenBy: Readonly<Record<string, string>>, spanId?: string): AssessmentCard[] {
  const byId = new Map(list.map((a) => [a.assessment_id, a]))
  const replaced = (a: MlflowAssessment): MlflowAssessment[] => {
    const out: MlflowAssessment[] = []
    const seen = new Set<string>([a.assessment_id])
    let prev = a.overrides ? byId.get(a.overrides) : undefined
    while (prev && !seen.has(prev.assessment_id)) {
      seen.add(prev.assessment_id)
      out.push(prev)
      prev = prev.overrides ? byId.get(prev.overrides) : undefined
    }
    return out
  }
  return list
    .filter((a) => (spanId === undefined || a.span_id === spanId) && !(a.assessment_id in overriddenBy))
    .map((a) => ({ assessment: a, kind: assessmentKind(a), replaced: replaced(a) }))
}
