import { SESSION_KEY, USER_KEY } from '@shared/domain/traceInsights'
import type { SqlBuilder } from '../tracking/search/searchSql'
import { TRACE_METADATA } from './traceGrammar'
import { tokenCountSql } from './traceSql'

/**
 * SQL pieces the Sessions and Overview statements share, over `trace_info ti`:
 * a trace's session and user (request metadata, MLflow 3; else the trace tag
 * MLflow 2.x wrote), its token counts, and its feedback verdicts.
 */

/** LEFT JOINs giving `<alias>.value`: the request metadata value of the key, else the trace tag's. */
function metadataOrTag(alias: string, key: string, b: SqlBuilder): { joins: string; value: string } {
  const k = b.param(key, 'text')
  return {
    joins: `LEFT JOIN trace_request_metadata ${alias}m ON ${alias}m.request_id = ti.request_id AND ${alias}m.key = ${k}
  LEFT JOIN trace_tags ${alias}t ON ${alias}t.request_id = ti.request_id AND ${alias}t.key = ${k}`,
    value: `COALESCE(${alias}m.value, ${alias}t.value)`,
  }
}

export const sessionOf = (b: SqlBuilder) => metadataOrTag('ss', SESSION_KEY, b)
export const userOf = (b: SqlBuilder) => metadataOrTag('us', USER_KEY, b)

/** A LEFT JOIN giving `tu.value`, the trace's mlflow.trace.tokenUsage JSON text. */
export const tokenUsageJoin = (b: SqlBuilder) =>
  `LEFT JOIN trace_request_metadata tu ON tu.request_id = ti.request_id AND tu.key = ${b.param(TRACE_METADATA.tokenUsage, 'text')}`

export const tokens = (field: 'input_tokens' | 'output_tokens' | 'total_tokens', b: SqlBuilder) => tokenCountSql('tu.value', field, b)

/** MLflow's JSON text of a passing / failing boolean or yes-no feedback value (what feedbackFilter matches). */
export const PASS_VALUES = ['true', '"yes"']
export const FAIL_VALUES = ['false', '"no"']

/**
 * A LATERAL join of the trace's latest valid feedback per name (what a `feedback.NAME` filter
 * compares), as rows (name, pass): pass true / false, only for boolean and yes-no values.
 */
export function verdictsJoin(alias: string, b: SqlBuilder): string {
  return `JOIN LATERAL (
    SELECT l.name, l.value = ANY(${b.param(PASS_VALUES, 'text[]')}) AS pass FROM (
      SELECT DISTINCT ON (a.name) a.name, a.value FROM assessments a
      WHERE a.trace_id = ti.request_id AND a.valid AND a.assessment_type = 'feedback'
      ORDER BY a.name, a.created_timestamp DESC, a.assessment_id DESC) l
    WHERE l.value = ANY(${b.param([...PASS_VALUES, ...FAIL_VALUES], 'text[]')})) ${alias} ON true`
}
