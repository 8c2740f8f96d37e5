import { AppError } from '@shared/api/errors'
import type { ParsedRequest } from '@shared/api/contract'
import type { SessionOrderKey, SessionTurn, TraceSessionResponse, TraceSessionRow, TraceSessionsResponse } from '@shared/domain/traceInsights'
import type { StoreHandle } from '../connections/storeConnection'
import { SqlBuilder } from '../tracking/search/searchSql'
import { sessionOf, tokens, tokenUsageJoin, userOf, verdictsJoin } from './traceInsightSql'
import { tracePreviewSql } from './traceRows'
import { requireTraces, traceExperimentCondition } from './traceSearch'

/**
 * traces:sessions and traces:session — an experiment's traces grouped into
 * conversations by their session (mlflow.trace.session), each in one statement.
 */

const ORDER_SQL: Record<SessionOrderKey, string> = {
  last_activity: 's.last_request_ms',
  first_request: 's.first_request_ms',
  turns: 's.turns',
  duration: 's.duration_ms',
  tokens: 's.tokens',
  errors: 's.errors',
}

/** Feedback counts per trace: its latest valid boolean / yes-no feedback of each name. */
function feedbackJoin(b: SqlBuilder): string {
  if (!b.can.assessments) return 'LEFT JOIN LATERAL (SELECT 0 AS positive, 0 AS negative) fb ON true'
  return `LEFT JOIN LATERAL (
    SELECT count(*) FILTER (WHERE v.pass) AS positive, count(*) FILTER (WHERE NOT v.pass) AS negative
    FROM (SELECT 1) one ${verdictsJoin('v', b)}) fb ON true`
}

interface SessionsRow {
  total: number
  users: string[] | null
  rows: Array<Omit<TraceSessionRow, 'feedback' | 'users'> & { users: string[] | null; positive: number; negative: number }> | null
}

export async function traceSessions(store: StoreHandle, req: ParsedRequest<'traces:sessions'>): Promise<TraceSessionsResponse> {
  requireTraces(store)
  const b = new SqlBuilder(store.capabilities, [])
  const session = sessionOf(b)
  const user = userOf(b)
  const experiments = traceExperimentCondition(b, req.experiment_ids)
  const wanted = req.user ? b.param(req.user, 'text') : null
  const dir = req.ascending ? 'ASC NULLS FIRST' : 'DESC NULLS LAST'
  const order = `${ORDER_SQL[req.order_by as SessionOrderKey]} ${dir}, s.session_id ASC`
  // Sessions are grouped on cheap columns (hashed: no sort of every trace by session and user); token
  // usage, feedback and users are read for the page's traces only. Over every trace of a large
  // experiment they were most of the time (600,000 traces: a feedback probe and a usage parse per
  // trace, 22 s, past the statement timeout). Only ordering by tokens parses every trace's usage.
  const byTokens = req.order_by === 'tokens'
  const sql = `WITH t AS MATERIALIZED (
  SELECT ti.request_id, ${session.value} AS session, ${user.value} AS usr, ti.timestamp_ms, ti.execution_time_ms, ti.status
    ${byTokens ? `, ${tokens('total_tokens', b)} AS tokens` : ''}
  FROM trace_info ti
  ${session.joins}
  ${user.joins}
  ${byTokens ? tokenUsageJoin(b) : ''}
  WHERE ${experiments}
), s AS (
  SELECT t.session AS session_id, ${wanted ? `bool_or(t.usr = ${wanted}) AS has_user,` : ''}
    min(t.timestamp_ms) AS first_request_ms, max(t.timestamp_ms) AS last_request_ms,
    max(t.timestamp_ms + COALESCE(t.execution_time_ms, 0)) - min(t.timestamp_ms) AS duration_ms,
    count(*) AS turns, count(*) FILTER (WHERE t.status = 'ERROR') AS errors ${byTokens ? ', sum(t.tokens) AS tokens' : ''}
  FROM t WHERE t.session IS NOT NULL
  GROUP BY t.session
), f AS (
  SELECT * FROM s ${wanted ? 'WHERE s.has_user' : ''}
), page AS MATERIALIZED (
  SELECT s.session_id, s.first_request_ms, s.last_request_ms, s.duration_ms, s.turns, s.errors, row_number() OVER (ORDER BY ${order}) AS rn
  FROM f s ORDER BY ${order}
  LIMIT ${b.param(req.max_results, 'int')} OFFSET ${b.param(req.offset, 'bigint')}
), pt AS MATERIALIZED (
  SELECT ti.session, array_agg(DISTINCT ti.usr ORDER BY ti.usr) FILTER (WHERE ti.usr IS NOT NULL) AS users, sum(${tokens('total_tokens', b)}) AS tokens, sum(fb.positive) AS positive, sum(fb.negative) AS negative
  FROM page JOIN t ti ON ti.session = page.session_id
  ${tokenUsageJoin(b)}
  ${feedbackJoin(b)}
  GROUP BY ti.session
)
SELECT (SELECT count(*) FROM f) AS total,
  (SELECT array_agg(u.usr ORDER BY u.usr) FROM (SELECT DISTINCT t.usr FROM t WHERE t.session IS NOT NULL AND t.usr IS NOT NULL) u) AS users,
  (SELECT json_agg(p ORDER BY p.rn) FROM (
    SELECT page.*, pt.users, pt.tokens, COALESCE(pt.positive, 0) AS positive, COALESCE(pt.negative, 0) AS negative
    FROM page LEFT JOIN pt ON pt.session = page.session_id
  ) p) AS rows`
  const [row] = await store.select<SessionsRow>(sql, b.bind)
  return {
    total: Number(row.total),
    users: row.users ?? [],
    sessions: (row.rows ?? []).map((r) => ({
      session_id: r.session_id,
      users: r.users ?? [],
      first_request_ms: Number(r.first_request_ms),
      last_request_ms: Number(r.last_request_ms),
      duration_ms: Number(r.duration_ms),
      turns: Number(r.turns),
      tokens: r.tokens === null ? null : Number(r.tokens),
      errors: Number(r.errors),
      feedback: { positive: Number(r.positive), negative: Number(r.negative) },
    })),
  }
}

interface TurnRow {
  request_id: string
  experiment_id: number
  timestamp_ms: number
  execution_time_ms: number | null
  status: string
  usr: string | null
  request_preview: string | null
  response_preview: string | null
  tokens: string | null
  assessments: Array<{ name: string; assessment_type: string; value: string; source_type: string }> | null
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

export async function traceSession(store: StoreHandle, req: ParsedRequest<'traces:session'>): Promise<TraceSessionResponse> {
  requireTraces(store)
  const b = new SqlBuilder(store.capabilities, [])
  const session = sessionOf(b)
  const user = userOf(b)
  const preview = tracePreviewSql(store.capabilities)
  const assessments = store.capabilities.assessments
    ? `(SELECT json_agg(x ORDER BY x.name) FROM (
        SELECT DISTINCT ON (a.name) a.name, a.assessment_type, a.value, a.source_type FROM assessments a
        WHERE a.trace_id = ti.request_id AND a.valid ORDER BY a.name, a.created_timestamp DESC, a.assessment_id DESC) x)`
    : 'NULL::json'
  const sql = `SELECT ti.request_id, ti.experiment_id, ti.timestamp_ms, ti.execution_time_ms, ti.status, ${user.value} AS usr,
    ${preview.request} AS request_preview, ${preview.response} AS response_preview, ${tokens('total_tokens', b)} AS tokens,
    ${assessments} AS assessments
  FROM trace_info ti
  ${session.joins}
  ${user.joins}
  ${tokenUsageJoin(b)}
  WHERE ${traceExperimentCondition(b, req.experiment_ids)} AND ${session.value} = ${b.param(req.session_id, 'text')}
  ORDER BY ti.timestamp_ms, ti.request_id`
  const rows = await store.select<TurnRow>(sql, b.bind)
  if (rows.length === 0) {
    throw new AppError('NOT_FOUND', `No traces of session "${req.session_id}" in experiment ${req.experiment_ids.join(', ')}.`, { field: 'session_id' })
  }
  const turns: SessionTurn[] = rows.map((r) => ({
    trace_id: r.request_id,
    experiment_id: String(r.experiment_id),
    request_time: Number(r.timestamp_ms),
    execution_duration: r.execution_time_ms === null ? null : Number(r.execution_time_ms),
    state: r.status,
    user: r.usr,
    request_preview: r.request_preview,
    response_preview: r.response_preview,
    tokens: r.tokens === null ? null : Number(r.tokens),
    assessments: (r.assessments ?? []).map((a) => ({
      name: a.name,
      kind: a.assessment_type === 'expectation' ? 'expectation' : 'feedback',
      value: parsed(a.value),
      source_type: a.source_type,
    })),
  }))
  return { session_id: req.session_id, turns }
}
