import { filterError, tokenize } from '../tracking/search/filterLexer'
import { TokenReader } from '../tracking/search/filterParser'
import { readTraceKey, type TraceKey } from './traceFilter'
import { TRACE_KEY_HINT, describeTraceKey } from './traceGrammar'

export interface TraceOrderTerm extends TraceKey {
  ascending: boolean
  field: string
}

/**
 * search_traces' order_by: each entry `<key> [ASC|DESC]` (ASC by default):
 * trace attributes as MLflow orders them (timestamp_ms, execution_time_ms,
 * status, request_id, experiment_id, name, run_id), plus token counts
 * (trace.tokens.total) and assessments (feedback.correct DESC). A key given
 * twice is refused.
 */
export function parseTraceOrderBy(entries: readonly string[] | null | undefined): TraceOrderTerm[] {
  const terms: TraceOrderTerm[] = []
  for (const [i, entry] of (entries ?? []).entries()) {
    const field = `order_by.${i}`
    const r = new TokenReader(tokenize(entry, field), field, TRACE_KEY_HINT.replace(', or a quoted text', ''))
    const key = readTraceKey(r, 'order_by')
    let ascending = true
    if (r.isKeyword('ASC') || r.isKeyword('DESC')) ascending = r.next().text.toUpperCase() === 'ASC'
    const rest = r.peek()
    if (rest.kind !== 'end') throw r.error(`Expected ASC, DESC or the end of order_by entry ${i + 1} ('${entry}'), found '${rest.text}'.`)
    if (terms.some((t) => t.entity === key.entity && t.key === key.key && t.assessmentKind === key.assessmentKind)) {
      throw filterError(
        `order_by names ${describeTraceKey(key.entity, key.key, key.assessmentKind)} twice; give each key once.`,
        field,
        key.position,
        key.length,
      )
    }
    terms.push({ ...key, ascending, field })
  }
  return terms
}
