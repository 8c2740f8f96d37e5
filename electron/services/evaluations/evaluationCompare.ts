import type { ParsedRequest } from '@shared/api/contract'
import type { AggregateDelta, EvaluationCompareResponse, EvaluationCompareRow, EvaluationRow, RowChange, ScoreChange } from '@shared/domain/evaluations'
import type { Metric } from '@shared/domain/mlflow'
import type { StoreHandle } from '../connections/storeConnection'
import { evaluationRun, namesOf, readEvaluationRows } from './evaluationRows'
import { scoreChange } from './scoreValues'

/** What matches a row across runs: its request as previewed (the same input gives the same preview), else its own trace. */
const inputOf = (r: EvaluationRow) => r.request_preview?.trim() ?? `trace:${r.trace_id}`

/** A matched row's overall change from its scorers' changes. */
function rowChange(changes: readonly ScoreChange[]): RowChange {
  const up = changes.includes('improved')
  const down = changes.includes('regressed')
  if ((up && down) || changes.includes('changed')) return 'mixed'
  return down ? 'regressed' : up ? 'improved' : 'same'
}

/**
 * Rows of run a and run b side by side, matched by input: the n-th row of an input in a with the
 * n-th of the same input in b (a run may evaluate one input twice); a's order, then b's rows it lacks.
 */
export function compareRows(a: readonly EvaluationRow[], b: readonly EvaluationRow[], scorers: readonly string[]): EvaluationCompareRow[] {
  const pending = new Map<string, EvaluationRow[]>()
  for (const r of b) pending.set(inputOf(r), [...(pending.get(inputOf(r)) ?? []), r])
  const pair = (x: EvaluationRow | null, y: EvaluationRow | null): EvaluationCompareRow => {
    const changes = Object.fromEntries(scorers.map((s) => [s, scoreChange(x?.scores[s], y?.scores[s])])) as Record<string, ScoreChange>
    const change: RowChange = !y ? 'only_a' : !x ? 'only_b' : rowChange(Object.values(changes))
    return { input: (x ?? y)!.request_preview, a: x, b: y, changes, change }
  }
  const out = a.map((x) => pair(x, pending.get(inputOf(x))?.shift() ?? null))
  for (const left of pending.values()) for (const y of left) out.push(pair(null, y))
  return out
}

/** Each metric of either run with its value in both and b - a. */
export function aggregateDeltas(a: readonly Metric[], b: readonly Metric[]): AggregateDelta[] {
  const keys = [...new Set([...a, ...b].map((m) => m.key))].sort()
  return keys.map((key) => {
    const x = a.find((m) => m.key === key)?.value ?? null
    const y = b.find((m) => m.key === key)?.value ?? null
    return { key, a: x, b: y, delta: x !== null && y !== null ? y - x : null }
  })
}

/** evaluations:compare */
export async function compareEvaluations(store: StoreHandle, req: ParsedRequest<'evaluations:compare'>): Promise<EvaluationCompareResponse> {
  const runA = await evaluationRun(store, req.run_a, 'run_a')
  const runB = await evaluationRun(store, req.run_b, 'run_b')
  const a = await readEvaluationRows(store, req.run_a, req.max_results)
  const b = await readEvaluationRows(store, req.run_b, req.max_results)
  const scorers = [...new Set([...namesOf(a.rows, 'scores'), ...namesOf(b.rows, 'scores')])].sort()
  const rows = compareRows(a.rows, b.rows, scorers)
  const summary: Record<RowChange, number> = { improved: 0, regressed: 0, mixed: 0, same: 0, only_a: 0, only_b: 0 }
  for (const r of rows) summary[r.change] += 1
  return {
    run_a: runA,
    run_b: runB,
    scorers,
    rows,
    summary,
    aggregates: aggregateDeltas(runA.data.metrics, runB.data.metrics),
    truncated: a.traceCount > a.rows.length || b.traceCount > b.rows.length,
  }
}
