import { EVALUATION_RUN_TAG, type EvaluationScore, type RowChange, type ScoreChange } from '@shared/domain/evaluations'
import type { KeyValue, Metric } from '@shared/domain/mlflow'
import type { TraceAssessmentValue } from '@shared/domain/traces'

/**
 * What the Evaluations screens show, worked out apart from drawing it: which runs are
 * evaluations, a scorer's feedback as the Traces list's assessment cell reads it, and the words
 * and colours of a row's change between two runs.
 */

/** Was the run made by mlflow.genai.evaluate (tag mlflow.run.isEval = true)? */
export function isEvaluationRun(tags: readonly KeyValue[]): boolean {
  return tags.some((t) => t.key === EVALUATION_RUN_TAG && t.value.toLowerCase() === 'true')
}

/** A scorer's feedback in the shape the Traces list's assessment cells draw. */
export function asAssessment(score: EvaluationScore | undefined, kind: 'feedback' | 'expectation' = 'feedback'): TraceAssessmentValue | undefined {
  return (
    score && { assessment_id: score.assessment_id, kind, value: score.value, source_type: score.source_type, source_id: score.source_id, error: score.error }
  )
}

/** The run's metrics a scorer wrote (`<scorer>/mean`, …) first, then the rest, each group by key. */
export function aggregateScores(metrics: readonly Metric[], scorers: readonly string[]): Metric[] {
  const ofScorer = (m: Metric) => scorers.some((s) => m.key.startsWith(`${s}/`))
  return [...metrics].sort((a, b) => Number(ofScorer(b)) - Number(ofScorer(a)) || a.key.localeCompare(b.key))
}

/** A value as one line of text: strings as they are, anything else as JSON. */
export function valueText(v: unknown): string {
  if (v === undefined || v === null) return '—'
  return typeof v === 'string' ? v : JSON.stringify(v)
}

export const ROW_CHANGE_LABEL: Record<RowChange, string> = {
  improved: 'Improved',
  regressed: 'Regressed',
  mixed: 'Mixed',
  same: 'Same',
  only_a: 'Only in A',
  only_b: 'Only in B',
}

/** naive-ui tag types of a change: regressions red, improvements green. */
export const CHANGE_TYPE: Record<RowChange | ScoreChange, 'success' | 'error' | 'warning' | 'default' | 'info'> = {
  improved: 'success',
  regressed: 'error',
  mixed: 'warning',
  changed: 'warning',
  same: 'default',
  only_a: 'info',
  only_b: 'info',
  missing: 'default',
}

/** The compare page's row filters. */
export type CompareFilter = 'all' | 'regressed' | 'improved' | 'changed'

export function rowMatches(change: RowChange, filter: CompareFilter): boolean {
  if (filter === 'all') return true
  if (filter === 'changed') return change !== 'same'
  return change === filter || change === 'mixed'
}
