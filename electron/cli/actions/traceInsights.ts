import type { Command } from 'commander'
import { stringify } from 'csv-stringify/sync'
import { AppError } from '@shared/api/errors'
import type { SessionOrderKey, TraceOverviewResponse, TraceSessionRow } from '@shared/domain/traceInsights'
import { withApi } from '../api'
import type { CliIO } from '../io'
import { formatTime, printMlflowJson, printTable } from '../output'
import { parseIntOption, splitList, validateRequest } from '../validate'
import { oneLine } from './traces'

/** `traces sessions`, `traces session` and `traces overview`: the Sessions and Overview tabs in a terminal. */

export interface SessionsOptions {
  experimentIds: string
  user?: string
  orderBy?: string
  ascending?: boolean
  maxResults?: string
  offset?: string
  json?: boolean
  csv?: boolean
}

const ms = (v: number | null) => (v === null ? null : v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(2)} s`)
const feedback = (s: TraceSessionRow) => `${s.feedback.positive}+ / ${s.feedback.negative}-`

export async function sessions(io: CliIO, opts: SessionsOptions, cmd: Command): Promise<void> {
  const req = validateRequest(
    'traces:sessions',
    {
      experiment_ids: splitList(opts.experimentIds),
      user: opts.user,
      order_by: opts.orderBy as SessionOrderKey | undefined,
      ascending: opts.ascending,
      max_results: parseIntOption('--max-results', opts.maxResults),
      offset: parseIntOption('--offset', opts.offset),
    },
    { experiment_ids: '--experiment-ids', user: '--user', order_by: '--order-by', max_results: '--max-results', offset: '--offset' },
  )
  const got = await withApi(cmd, io, (api) => api.call('traces:sessions', req))
  if (opts.json) return printMlflowJson(io, got)
  if (opts.csv) {
    const header = [
      'session_id',
      'turns',
      'first_request',
      'last_request',
      'duration_ms',
      'tokens',
      'errors',
      'positive_feedback',
      'negative_feedback',
      'users',
    ]
    const rows = got.sessions.map((s) => [
      s.session_id,
      s.turns,
      new Date(s.first_request_ms).toISOString(),
      new Date(s.last_request_ms).toISOString(),
      s.duration_ms,
      s.tokens,
      s.errors,
      s.feedback.positive,
      s.feedback.negative,
      s.users.join(' '),
    ])
    return io.out(stringify([header, ...rows]).trimEnd())
  }
  printTable(
    io,
    ['SESSION', 'TURNS', 'FIRST REQUEST (UTC)', 'DURATION', 'TOKENS', 'ERRORS', 'FEEDBACK', 'USERS'],
    got.sessions.map((s) => [s.session_id, s.turns, formatTime(s.first_request_ms), ms(s.duration_ms), s.tokens, s.errors, feedback(s), s.users.join(', ')]),
  )
  const shown = req.offset + got.sessions.length
  io.err(`${got.sessions.length} of ${got.total} session(s)` + (shown < got.total ? `; next: --offset ${shown}` : ''))
}

export async function session(io: CliIO, sessionId: string, opts: { experimentIds: string; json?: boolean }, cmd: Command): Promise<void> {
  const req = validateRequest(
    'traces:session',
    { experiment_ids: splitList(opts.experimentIds), session_id: sessionId },
    { experiment_ids: '--experiment-ids', session_id: 'SESSION_ID' },
  )
  const got = await withApi(cmd, io, (api) => api.call('traces:session', req))
  if (opts.json) return printMlflowJson(io, got)
  if (got.turns.length === 0)
    throw new AppError('NOT_FOUND', `No trace of experiment(s) ${req.experiment_ids.join(', ')} is in session '${sessionId}'.`, { field: 'SESSION_ID' })
  printTable(
    io,
    ['TURN', 'TRACE ID', 'REQUEST TIME (UTC)', 'DURATION', 'STATE', 'TOKENS', 'USER', 'REQUEST', 'ASSESSMENTS'],
    got.turns.map((t, i) => [
      i + 1,
      t.trace_id,
      formatTime(t.request_time),
      ms(t.execution_duration),
      t.state,
      t.tokens,
      t.user,
      oneLine(t.request_preview, 50),
      t.assessments.map((a) => `${a.name}=${JSON.stringify(a.value)}`).join(' '),
    ]),
  )
}

export interface OverviewOptions {
  experimentIds: string
  start?: string
  end?: string
  bucket?: string
  json?: boolean
}

/** --start / --end: milliseconds since the epoch, or an ISO 8601 date or time (UTC unless it says). */
export function parseTimeOption(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  if (/^\d+$/.test(value)) return Number(value)
  const iso = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(value)
  const t = iso ? Date.parse(iso[1] && !iso[4] ? `${value.replace(' ', 'T')}Z` : value.replace(' ', 'T')) : NaN
  if (Number.isNaN(t))
    throw new AppError('BAD_REQUEST', `${name}: "${value}" is neither milliseconds since 1970 nor a date like 2026-12-01 or 2026-12-01T08:00Z.`, {
      field: name,
    })
  return t
}

export async function overview(io: CliIO, opts: OverviewOptions, cmd: Command): Promise<void> {
  const req = validateRequest(
    'traces:overview',
    {
      experiment_ids: splitList(opts.experimentIds),
      start_ms: parseTimeOption('--start', opts.start),
      end_ms: parseTimeOption('--end', opts.end),
      bucket: opts.bucket as 'minute' | 'hour' | 'day' | undefined,
    },
    { experiment_ids: '--experiment-ids', start_ms: '--start', end_ms: '--end', bucket: '--bucket' },
  )
  const got = await withApi(cmd, io, (api) => api.call('traces:overview', req))
  if (opts.json) return printMlflowJson(io, got)
  printOverview(io, got)
}

const rate = (part: number, whole: number) => (whole === 0 ? '' : `${((100 * part) / whole).toFixed(1)}%`)

function printOverview(io: CliIO, o: TraceOverviewResponse): void {
  const t = o.totals
  if (t.traces === 0) return io.out('No traces in this range.')
  io.out(`${t.traces} trace(s) from ${formatTime(t.first_ms)} to ${formatTime(t.last_ms)} (UTC), by ${o.bucket}`)
  printTable(
    io,
    ['TRACES', 'ERRORS', 'ERROR RATE', 'P50', 'P90', 'P99', 'INPUT TOKENS', 'OUTPUT TOKENS', 'TOTAL TOKENS'],
    [[t.traces, t.errors, rate(t.errors, t.traces), ms(t.p50_ms), ms(t.p90_ms), ms(t.p99_ms), t.input_tokens, t.output_tokens, t.total_tokens]],
  )
  const section = (title: string) => io.out(`\n${title}`)
  section(`Per ${o.bucket}`)
  printTable(
    io,
    ['FROM (UTC)', 'TRACES', 'ERRORS', 'P50', 'P90', 'P99', 'TOTAL TOKENS'],
    o.buckets.map((b) => [formatTime(b.start_ms), b.traces, b.errors, ms(b.p50_ms), ms(b.p90_ms), ms(b.p99_ms), b.total_tokens]),
  )
  section('By trace name')
  printTable(
    io,
    ['NAME', 'TRACES', 'INPUT TOKENS', 'OUTPUT TOKENS', 'TOTAL TOKENS'],
    o.by_name.map((r) => [r.name, r.traces, r.input_tokens, r.output_tokens, r.total_tokens]),
  )
  section('By model' + (o.models_problem ? ` (${o.models_problem})` : ''))
  if (o.by_model)
    printTable(
      io,
      ['MODEL', 'CALLS', 'TRACES', 'INPUT TOKENS', 'OUTPUT TOKENS', 'TOTAL TOKENS'],
      o.by_model.map((r) => [r.model, r.spans, r.traces, r.input_tokens, r.output_tokens, r.total_tokens]),
    )
  if (o.assessments) {
    section('Feedback (latest valid boolean or yes/no value per trace)')
    printTable(
      io,
      ['NAME', 'PASS', 'FAIL', 'PASS RATE'],
      o.assessments.map((a) => [a.name, a.pass, a.fail, rate(a.pass, a.pass + a.fail)]),
    )
  }
  if (o.slowest_spans) {
    section('Slowest span names' + (o.spans_problem ? ` (${o.spans_problem})` : ''))
    printTable(
      io,
      ['SPAN NAME', 'SPANS', 'P50', 'P90'],
      o.slowest_spans.map((s) => [s.name, s.count, ms(s.p50_ms), ms(s.p90_ms)]),
    )
  }
}
