import { describe, expect, it } from 'vitest'
import type { EvaluationRow, EvaluationScore } from '@shared/domain/evaluations'
import { aggregateDeltas, compareRows } from '../../../electron/services/evaluations/evaluationCompare'
import { scoreChange } from '../../../electron/services/evaluations/scoreValues'

const score = (value: unknown, error: string | null = null): EvaluationScore => ({
  assessment_id: `a-${JSON.stringify(value)}`,
  value,
  rationale: null,
  error,
  source_type: 'CODE',
  source_id: null,
  updated_time: 0,
})
const row = (id: string, request: string | null, scores: Record<string, unknown>): EvaluationRow => ({
  trace_id: id,
  eval_request_id: null,
  state: 'OK',
  request_time: 0,
  execution_duration: null,
  request_preview: request,
  response_preview: null,
  scores: Object.fromEntries(Object.entries(scores).map(([k, v]) => [k, score(v)])),
  expectations: {},
})

describe('how a scorer moved between two runs', () => {
  it('orders booleans, yes/no and numbers; compares other text by equality', () => {
    expect(scoreChange(score(false), score(true))).toBe('improved')
    expect(scoreChange(score('yes'), score('no'))).toBe('regressed')
    expect(scoreChange(score(0.5), score(0.75))).toBe('improved')
    expect(scoreChange(score(1), score(1.0))).toBe('same')
    expect(scoreChange(score('terse'), score('verbose'))).toBe('changed')
    expect(scoreChange(score('terse'), score('terse'))).toBe('same')
    expect(scoreChange(score(null, 'timeout'), score(null, 'timeout'))).toBe('same')
    expect(scoreChange(score(true), undefined)).toBe('only_a')
    expect(scoreChange(undefined, score(true))).toBe('only_b')
    expect(scoreChange(undefined, undefined)).toBe('missing')
  })
})

describe('rows of two runs side by side', () => {
  it('matches rows by request, the n-th repeat with the n-th; unmatched rows are only in one run', () => {
    const a = [row('a1', 'q1', { s: true, t: 1 }), row('a2', 'q2', { s: true }), row('a3', 'q2', { s: false }), row('a4', 'q3', { s: true })]
    const b = [row('b1', 'q2', { s: true }), row('b2', 'q1', { s: false, t: 2 }), row('b3', 'q2', { s: true }), row('b4', 'q4', { s: true })]
    const got = compareRows(a, b, ['s', 't'])
    expect(got.map((r) => [r.a?.trace_id ?? null, r.b?.trace_id ?? null, r.change])).toEqual([
      ['a1', 'b2', 'mixed'],
      ['a2', 'b1', 'same'],
      ['a3', 'b3', 'improved'],
      ['a4', null, 'only_a'],
      [null, 'b4', 'only_b'],
    ])
    expect(got[0].changes).toEqual({ s: 'regressed', t: 'improved' })
  })

  it('a row without a request preview matches nothing but itself', () => {
    const r = row('x', null, { s: true })
    expect(compareRows([r], [r], ['s']).map((x) => x.change)).toEqual(['same'])
    expect(compareRows([r], [row('y', null, { s: true })], ['s']).map((x) => x.change)).toEqual(['only_a', 'only_b'])
  })

  it('gives each metric of either run with b - a', () => {
    const m = (key: string, value: number) => ({ key, value, timestamp: 0, step: 0 })
    expect(aggregateDeltas([m('s/mean', 0.5), m('x', 1)], [m('s/mean', 0.75), m('y', 2)])).toEqual([
      { key: 's/mean', a: 0.5, b: 0.75, delta: 0.25 },
      { key: 'x', a: 1, b: null, delta: null },
      { key: 'y', a: null, b: 2, delta: null },
    ])
  })
})
