import { scoreRank, type EvaluationScore, type ScoreChange } from '@shared/domain/evaluations'

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
