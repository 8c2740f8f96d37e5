import type { EvaluationScore, ScoreChange } from '@shared/domain/evaluations'

/**
 * A scorer's value as a number to order and compare by: numbers as they are, booleans and
 * MLflow's "yes" / "no" (its judges' CategoricalRating) as 1 / 0. Other text, a failed scorer
 * or no value: null (no order).
 */
export function scoreRank(score: EvaluationScore | undefined): number | null {
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

/** How a scorer moved from a to b on one row: by rank when both have one, else by equal values. */
export function scoreChange(a: EvaluationScore | undefined, b: EvaluationScore | undefined): ScoreChange {
  if (!a && !b) return 'missing'
  if (!b) return 'only_a'
  if (!a) return 'only_b'
  const x = scoreRank(a)
  const y = scoreRank(b)
  if (x !== null && y !== null) return y > x ? 'improved' : y < x ? 'regressed' : 'same'
  return JSON.stringify(a.value) === JSON.stringify(b.value) && a.error === b.error ? 'same' : 'changed'
}
