import type { TraceAssessmentValue, TraceRow } from '@shared/domain/traces'
import { formatDuration, formatMetric } from './format'
import { filterIdentifier, quoteValue } from './runKeys'

/**
 * What the Traces list shows in its cells, worked out apart from drawing
 * them: an assessment's value as a thumb, a number, a pass/fail verdict or
 * text; durations and token counts; and the filters a click on a user or
 * session cell adds.
 */

/** An assessment's value as its cell shows it. */
export type AssessmentCell =
  | { kind: 'none' }
  | { kind: 'thumb'; up: boolean; title: string }
  | { kind: 'number'; text: string; title: string }
  | { kind: 'verdict'; text: string; good: boolean; title: string }
  | { kind: 'text'; text: string; title: string }
  | { kind: 'error'; text: string; title: string }

/** Text values read as a verdict (coloured): pass/fail, yes/no and the like, in any case. */
const GOOD = new Set(['pass', 'passed', 'yes', 'true', 'good', 'correct', 'ok'])
const BAD = new Set(['fail', 'failed', 'no', 'false', 'bad', 'incorrect'])

function sourceOf(a: TraceAssessmentValue): string {
  const who = a.source_type.replace(/_/g, ' ').toLowerCase()
  return `${a.kind} by ${who}${a.source_id ? ` (${a.source_id})` : ''}`
}

export function assessmentCell(a: TraceAssessmentValue | undefined): AssessmentCell {
  if (!a) return { kind: 'none' }
  const source = sourceOf(a)
  if (a.error) return { kind: 'error', text: 'error', title: `The scorer failed: ${a.error} — ${source}` }
  const v = a.value
  if (typeof v === 'boolean') return { kind: 'thumb', up: v, title: `${v ? 'Yes' : 'No'} — ${source}` }
  if (typeof v === 'number') return { kind: 'number', text: formatMetric(v), title: `${v} — ${source}` }
  if (typeof v === 'string') {
    const word = v.trim().toLowerCase()
    if (GOOD.has(word) || BAD.has(word)) return { kind: 'verdict', text: v.trim(), good: GOOD.has(word), title: `${v} — ${source}` }
    return { kind: 'text', text: v, title: `${v} — ${source}` }
  }
  if (v === null || v === undefined) return { kind: 'none' }
  const json = JSON.stringify(v)
  return { kind: 'text', text: json, title: `${json} — ${source}` }
}

/** A trace's execution time: milliseconds below a second, then seconds with two or one decimals, then minutes. */
export function formatTraceDuration(ms: number | null): string {
  if (ms === null) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 10_000) return `${(ms / 1000).toFixed(2)} s`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  return formatDuration(0, ms)
}

export function formatTokens(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('en-US')
}

/** Request metadata MLflow writes the trace's user and session to (MLflow 2.x: tags of the same names). */
export const TRACE_USER_KEY = 'mlflow.trace.user'
export const TRACE_SESSION_KEY = 'mlflow.trace.session'

/** `metadata.\`mlflow.trace.user\` = 'alice'`: the clause a click on a user (or session) cell filters by. */
export function metadataEquals(key: string, value: string): string {
  return `${filterIdentifier('metadata', key)} = ${quoteValue(value)}`
}

/** The filter with one more clause ANDed on; unchanged when it already holds the clause. */
export function andClause(filter: string, clause: string): string {
  const f = filter.trim()
  if (!f) return clause
  if (f === clause || f.includes(clause)) return f
  // An OR at the top binds looser than AND: keep the filter's meaning in parentheses (our extension).
  return /\bor\b/i.test(f) ? `(${f}) AND ${clause}` : `${f} AND ${clause}`
}

/** Tags a person set (MLflow's own mlflow.* ones left out), as `key=value` for a cell. */
export function userTags(row: Pick<TraceRow, 'tags'>): Array<[string, string]> {
  return Object.entries(row.tags)
    .filter(([k]) => !k.startsWith('mlflow.'))
    .sort(([a], [b]) => a.localeCompare(b))
}
