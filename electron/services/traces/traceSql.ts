import { AppError } from '@shared/api/errors'
import type { OrderKey } from '../tracking/keyset'
import { filterError } from '../tracking/search/filterLexer'
import { type SqlBuilder, compare } from '../tracking/search/searchSql'
import type { TraceComparison, TraceFilter, TraceKey, TraceTerm } from './traceFilter'
import { TRACE_METADATA, TRACE_TAGS } from './traceGrammar'
import type { TraceOrderTerm } from './traceOrder'
import { tracePreviewSql } from './traceRows'

/**
 * A trace filter and ordering as parameterized SQL over `trace_info ti`. User
 * input only travels as bind parameters. Semantics are MLflow's
 * SqlAlchemyStore.search_traces': a tag or metadata clause matches traces that
 * HAVE the key with a matching value (`!=` too); trace.name is the
 * mlflow.traceName tag, trace.run_id the mlflow.sourceRun metadata; span.*
 * matches when any span of the trace matches. Ours alike: an assessment
 * clause compares the latest valid assessment of that name, a token clause
 * the count in mlflow.trace.tokenUsage (traces without one never match).
 */

const ATTRIBUTE_COLUMNS: Record<string, { sql: string; cast: string; nullable: boolean }> = {
  request_id: { sql: 'ti.request_id', cast: 'text', nullable: false },
  status: { sql: 'ti.status', cast: 'text', nullable: false },
  timestamp_ms: { sql: 'ti.timestamp_ms', cast: 'bigint', nullable: false },
  execution_time_ms: { sql: 'ti.execution_time_ms', cast: 'bigint', nullable: true },
  experiment_id: { sql: 'ti.experiment_id', cast: 'int', nullable: false },
}

/** searchSql's compare, for a clause whose value is not a boolean (those only assessments take, compared apart). */
function cmp(column: string, c: TraceComparison, b: SqlBuilder, cast: string): string {
  if (c.value.kind === 'boolean') throw new AppError('INTERNAL', 'a boolean value outside an assessment comparison')
  return compare(column, { comparator: c.comparator, value: c.value }, b, cast)
}

const isGroup = (n: TraceFilter): n is { kind: 'and' | 'or'; items: TraceFilter[] } => 'items' in n

/**
 * The filter as one SQL condition (null: no filter). `experimentIds` are the
 * search's experiments (the outer query restricts to them as well): span
 * clauses name them so their subquery stands alone.
 */
export function traceFilterSql(node: TraceFilter | null, b: SqlBuilder, experimentIds: readonly number[]): string | null {
  if (!node) return null
  if (!isGroup(node)) return termSql(node, b, experimentIds)
  const parts = node.items.map((n) => traceFilterSql(n, b, experimentIds)).filter((x): x is string => x !== null)
  return parts.length === 1 ? parts[0] : `(${parts.join(node.kind === 'and' ? ' AND ' : ' OR ')})`
}

function termSql(t: TraceTerm, b: SqlBuilder, experimentIds: readonly number[]): string {
  if (t.type === 'text') {
    const pattern = b.param(`%${t.value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`, 'text')
    const preview = tracePreviewSql(b.can)
    return `(${preview.request} ILIKE ${pattern} OR ${preview.response} ILIKE ${pattern})`
  }
  switch (t.entity) {
    case 'attribute':
      if (t.key === 'name') return keyValueSql('trace_tags', TRACE_TAGS.name, t, b)
      if (t.key === 'run_id') return keyValueSql('trace_request_metadata', TRACE_METADATA.sourceRun, t, b)
      if (t.key.startsWith('tokens.')) return cmp(tokensSql(t.key, b), t, b, numberCast(t))
      return cmp(ATTRIBUTE_COLUMNS[t.key].sql, t, b, ATTRIBUTE_COLUMNS[t.key].cast === 'bigint' ? numberCast(t) : ATTRIBUTE_COLUMNS[t.key].cast)
    case 'tag':
      return keyValueSql('trace_tags', t.key, t, b)
    case 'metadata':
      return keyValueSql('trace_request_metadata', t.key, t, b)
    case 'span':
      if (!b.can.traceSpans) {
        throw filterError(
          `This store keeps no spans in its tables (they came with MLflow 3.3), so span.${t.key} cannot be searched here.`,
          'filter',
          t.position,
          t.length,
        )
      }
      // The experiments too, so MLflow's (experiment_id, type, status) and (experiment_id, status, type) indexes apply.
      // IN over a subquery that names the experiments by value, not by ti.experiment_id: standing alone, it is hashed
      // once on every PostgreSQL. As EXISTS it probed per trace with a BitmapAnd of spans_pk and the experiment's index
      // (ANALYZE underestimates spans per trace: a trace's spans lie together): 29 s for a first page on 1M traces,
      // 0.7 s now. Correlated to ti.experiment_id, PostgreSQL 12 ran it as a subplan per trace, each reading every
      // matching span of the experiment.
      return `ti.request_id IN (SELECT s.trace_id FROM spans s WHERE ${experimentCondition('s.experiment_id', experimentIds, b)} AND ${cmp(`s.${t.key}`, t, b, 'text')})`
    case 'assessment':
      return `EXISTS (SELECT 1 FROM (SELECT ${latestAssessmentSql(t, b)} AS v) x WHERE ${assessmentCompare('x.v', t, b)})`
  }
}

/** `column` among the experiments: one id as `=`, so an (experiment_id, …) index applies; several as ANY. */
export function experimentCondition(column: string, ids: readonly number[], b: SqlBuilder): string {
  if (ids.length === 0) return 'FALSE'
  return ids.length === 1 ? `${column} = ${b.param(ids[0], 'int')}` : `${column} = ANY(${b.param([...ids], 'int[]')})`
}

/** A whole number binds as bigint (the column's type: its index applies); 1.5 or 1e12 as numeric, compared exactly. */
const numberCast = (c: TraceComparison) => (c.value.kind === 'number' && /^-?\d+$/.test(c.value.text) ? 'bigint' : 'numeric')

/** EXISTS a row of trace_tags / trace_request_metadata with this key and a matching value. */
function keyValueSql(table: 'trace_tags' | 'trace_request_metadata', key: string, c: TraceComparison, b: SqlBuilder): string {
  return `EXISTS (SELECT 1 FROM ${table} k WHERE k.request_id = ti.request_id AND k.key = ${b.param(key, 'text')} AND ${cmp('k.value', c, b, 'text')})`
}

/** A value of one key of the trace's tags or request metadata (NULL when absent). */
function keyValue(table: 'trace_tags' | 'trace_request_metadata', key: string, b: SqlBuilder): string {
  return `(SELECT k.value FROM ${table} k WHERE k.request_id = ti.request_id AND k.key = ${b.param(key, 'text')})`
}

const TOKEN_FIELDS: Record<string, string> = { 'tokens.input': 'input_tokens', 'tokens.output': 'output_tokens', 'tokens.total': 'total_tokens' }

/**
 * A token count from mlflow.trace.tokenUsage ({"input_tokens": 35, ...}), read
 * with a pattern rather than a JSON cast: a value that is not JSON is NULL,
 * never an error.
 */
function tokensSql(key: string, b: SqlBuilder): string {
  return tokenCountSql(keyValue('trace_request_metadata', TRACE_METADATA.tokenUsage, b), TOKEN_FIELDS[key], b)
}

/** One count (input_tokens, output_tokens, total_tokens) of a token usage JSON text (a trace's mlflow.trace.tokenUsage, a span's mlflow.chat.tokenUsage). */
export function tokenCountSql(usage: string, field: string, b: SqlBuilder): string {
  // Runs per trace, so text functions do most of it: split_part finds the field, ltrim skips the colon and blanks, and
  // a pattern without a capture group takes the digits (a capture makes PostgreSQL's regex engine walk the match
  // again: 1.7 s against 1.2 s per count over 1M traces; one unanchored pattern with a capture was 2.5× slower still).
  // `usage` is read once. numeric: any digits cast; a value that is not JSON or not a number gives NULL.
  return `(substring(ltrim(split_part(${usage}, ${b.param(`"${field}"`, 'text')}, 2), ${b.param(' :\n\r\t', 'text')}) from ${b.param('^[0-9]+', 'text')})::numeric)`
}

/** The value (MLflow's JSON text) of the trace's latest valid assessment of this name (and kind). */
function latestAssessmentSql(k: TraceKey, b: SqlBuilder): string {
  if (!b.can.assessments) {
    throw filterError(
      `This store has no assessments (they came with MLflow 3.2), so ${k.assessmentKind === 'any' ? 'assessment' : k.assessmentKind}.${k.key} cannot be used here.`,
      'filter',
      k.position,
      k.length,
    )
  }
  const kind = k.assessmentKind === 'any' ? '' : ` AND a.assessment_type = ${b.param(k.assessmentKind, 'text')}`
  return `(SELECT a.value FROM assessments a WHERE a.trace_id = ti.request_id AND a.name = ${b.param(k.key, 'text')} AND a.valid${kind}
           ORDER BY a.created_timestamp DESC, a.assessment_id DESC LIMIT 1)`
}

const JSON_NUMBER = `'^-?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?$'`
/** A JSON number as float8, else NULL. */
const numberOf = (v: string) => `(CASE WHEN ${v} ~ ${JSON_NUMBER} THEN ${v}::float8 END)`
/** A JSON string's text; other JSON (true, 0.5) as written. */
const textOf = (v: string) => `(CASE WHEN ${v} ~ '^".*"$' THEN ${v}::jsonb #>> '{}' ELSE ${v} END)`

function assessmentCompare(v: string, c: TraceComparison, b: SqlBuilder): string {
  const value = c.value
  if (value.kind === 'boolean') return `${v} ${c.comparator === '=' ? '=' : '<>'} ${b.param(String(value.value), 'text')}`
  if (value.kind === 'number') return cmp(numberOf(v), c, b, 'float8')
  return cmp(textOf(v), c, b, 'text')
}

const nullsLast = (expr: string): OrderKey => ({
  sql: `(CASE WHEN ${expr} IS NULL THEN 1 ELSE 0 END)`,
  direction: 'ASC',
  nulls: 'LAST',
  cast: 'int',
  nullable: false,
})

/** Order keys, and the joins computing their values once per trace. */
export interface TraceOrder {
  keys: OrderKey[]
  joins: string[]
}

/**
 * ORDER BY terms as keyset keys. MLflow's tie-breakers follow: timestamp_ms
 * DESC unless ordered on, then request_id ASC. Attributes sort with
 * PostgreSQL's NULL placement (what MLflow's plain ORDER BY gets); tokens and
 * assessments put traces without one last either way. A value read from
 * another table is computed once per trace in a LATERAL join (`o0.v`), which
 * the ORDER BY, the cursor and the keyset condition all reference.
 */
export function traceOrderKeys(terms: readonly TraceOrderTerm[], b: SqlBuilder): TraceOrder {
  const keys: OrderKey[] = []
  const joins: string[] = []
  const dir = (t: TraceOrderTerm) => (t.ascending ? 'ASC' : 'DESC') as 'ASC' | 'DESC'
  const defaultNulls = (t: TraceOrderTerm) => (t.ascending ? 'LAST' : 'FIRST') as 'LAST' | 'FIRST'
  const joined = (value: string) => {
    const alias = `o${joins.length}`
    // OFFSET 0 keeps the planner from folding the join back into each use of the value.
    joins.push(`LEFT JOIN LATERAL (SELECT ${value} AS v OFFSET 0) ${alias} ON true`)
    return `${alias}.v`
  }
  for (const t of terms) {
    if (t.entity === 'assessment') {
      const v = joined(latestAssessmentSql(t, b))
      keys.push(
        nullsLast(v),
        { sql: numberOf(v), direction: dir(t), nulls: defaultNulls(t), cast: 'float8' },
        { sql: textOf(v), direction: dir(t), nulls: defaultNulls(t), cast: 'text' },
      )
    } else if (t.key.startsWith('tokens.')) {
      const v = joined(tokensSql(t.key, b))
      keys.push(nullsLast(v), { sql: v, direction: dir(t), nulls: defaultNulls(t), cast: 'numeric' })
    } else if (t.key === 'name' || t.key === 'run_id') {
      const v = joined(t.key === 'name' ? keyValue('trace_tags', TRACE_TAGS.name, b) : keyValue('trace_request_metadata', TRACE_METADATA.sourceRun, b))
      keys.push({ sql: v, direction: dir(t), nulls: defaultNulls(t), cast: 'text' })
    } else {
      const col = ATTRIBUTE_COLUMNS[t.key]
      if (!col) throw new AppError('INTERNAL', `no column for trace.${t.key}`)
      keys.push({ sql: col.sql, direction: dir(t), nulls: defaultNulls(t), cast: col.cast, nullable: col.nullable })
    }
  }
  const ordered = (key: string) => terms.some((t) => t.entity === 'attribute' && t.key === key)
  if (!ordered('timestamp_ms')) keys.push({ sql: 'ti.timestamp_ms', direction: 'DESC', nulls: 'FIRST', cast: 'bigint', nullable: false })
  if (!ordered('request_id')) keys.push({ sql: 'ti.request_id', direction: 'ASC', nulls: 'LAST', cast: 'text', nullable: false })
  return { keys, joins }
}
