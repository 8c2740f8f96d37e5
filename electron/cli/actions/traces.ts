import type { Command } from 'commander'
import { stringify } from 'csv-stringify/sync'
import type { TracesSearchRequest, TracesSearchResponse } from '@shared/api/contract'
import type { MlflowAssessment, SpanView, TraceGetResponse, TraceRow } from '@shared/domain/traces'
import { stringifyPythonJson } from '@shared/format/pythonJson'
import { withApi, type CliApi } from '../api'
import { showWhereFilterFails } from '../filterErrors'
import type { CliIO } from '../io'
import { formatTime, printMlflowJson, printTable } from '../output'
import { parseIntOption, splitList, validateRequest } from '../validate'

export interface TraceSearchOptions {
  experimentIds: string
  filter?: string
  orderBy: string[]
  maxResults?: string
  pageToken?: string
  all?: boolean
  json?: boolean
  csv?: boolean
}

export async function search(io: CliIO, opts: TraceSearchOptions, cmd: Command): Promise<void> {
  const req = validateRequest(
    'traces:search',
    {
      experiment_ids: splitList(opts.experimentIds),
      max_results: parseIntOption('--max-results', opts.maxResults),
      page_token: opts.pageToken,
      filter: opts.filter,
      order_by: opts.orderBy,
    },
    { experiment_ids: '--experiment-ids', max_results: '--max-results', page_token: '--page-token', filter: '--filter', order_by: '--order-by' },
  )
  // The handler answers a malformed filter or order before it opens the store.
  const page = await showWhereFilterFails(io, opts, () => withApi(cmd, io, (api) => (opts.all ? searchAll(api, req) : api.call('traces:search', req))))
  if (opts.json) return printMlflowJson(io, { traces: page.traces.map(toMlflowTraceInfo), next_page_token: page.next_page_token })
  if (opts.csv) return io.out(tracesCsv(page.traces).trimEnd())
  printTable(
    io,
    ['TRACE ID', 'NAME', 'STATE', 'REQUEST TIME (UTC)', 'DURATION', 'TOKENS', 'USER', 'REQUEST'],
    page.traces.map((t) => [
      t.trace_id,
      t.name,
      t.state,
      formatTime(t.request_time),
      t.execution_duration === null ? null : `${t.execution_duration} ms`,
      t.token_usage?.total_tokens ?? null,
      t.user,
      oneLine(t.request_preview, 60),
    ]),
  )
  io.err(`${page.traces.length} trace(s)` + (page.next_page_token ? `; next page: --page-token ${page.next_page_token}` : ''))
}

/** Every page of a search, concatenated (--all). */
async function searchAll(api: CliApi, req: TracesSearchRequest): Promise<TracesSearchResponse> {
  const traces: TraceRow[] = []
  let token = req.page_token
  do {
    const page = await api.call('traces:search', { ...req, page_token: token })
    traces.push(...page.traces)
    token = page.next_page_token
  } while (token)
  return { traces, next_page_token: null }
}

/** Text on one line, cut to max characters with an ellipsis. */
export function oneLine(text: string | null, max: number): string | null {
  if (text === null) return null
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat
}

/**
 * A row as MLflow's REST API writes a TraceInfo (V3): protobuf JSON, so the
 * request time is an RFC 3339 timestamp and the duration seconds with an "s".
 */
export function toMlflowTraceInfo(t: TraceRow): Record<string, unknown> {
  return {
    trace_id: t.trace_id,
    client_request_id: t.client_request_id,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: t.experiment_id } },
    request_preview: t.request_preview,
    response_preview: t.response_preview,
    request_time: new Date(t.request_time).toISOString(),
    execution_duration: t.execution_duration === null ? null : `${t.execution_duration / 1000}s`,
    state: t.state,
    trace_metadata: t.trace_metadata,
    tags: t.tags,
    assessments: Object.entries(t.assessments).map(([name, a]) => ({
      assessment_id: a.assessment_id,
      assessment_name: name,
      trace_id: t.trace_id,
      source: { source_type: a.source_type, source_id: a.source_id },
      [a.kind]: a.kind === 'feedback' && a.error ? { value: a.value, error: { error_message: a.error } } : { value: a.value },
    })),
  }
}

/** One row per trace: its fields, token counts, then tags.* and assessments.* (keys sorted). */
function tracesCsv(traces: TraceRow[]): string {
  const keys = (pick: (t: TraceRow) => Record<string, unknown>) => [...new Set(traces.flatMap((t) => Object.keys(pick(t))))].sort()
  const tagKeys = keys((t) => t.tags)
  const assessmentKeys = keys((t) => t.assessments)
  const header = [
    'trace_id',
    'experiment_id',
    'name',
    'state',
    'request_time',
    'execution_duration_ms',
    'input_tokens',
    'output_tokens',
    'total_tokens',
    'user',
    'session',
    'source_run_id',
    'logged_model_id',
    'request_preview',
    'response_preview',
    ...tagKeys.map((k) => `tags.${k}`),
    ...assessmentKeys.map((k) => `assessments.${k}`),
  ]
  const value = (v: unknown) => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v))
  const rows = traces.map((t) => [
    t.trace_id,
    t.experiment_id,
    t.name,
    t.state,
    new Date(t.request_time).toISOString(),
    t.execution_duration,
    t.token_usage?.input_tokens ?? null,
    t.token_usage?.output_tokens ?? null,
    t.token_usage?.total_tokens ?? null,
    t.user,
    t.session,
    t.source_run_id,
    t.logged_model_id,
    t.request_preview,
    t.response_preview,
    ...tagKeys.map((k) => t.tags[k] ?? null),
    ...assessmentKeys.map((k) => value(t.assessments[k]?.value)),
  ])
  return stringify([header, ...rows])
}

/** 636.5 ms, 1.20 s, 12 µs: a span's duration read at a glance. */
export function formatNanos(ns: number | null): string {
  if (ns === null) return 'running'
  if (ns < 1_000_000) return `${(ns / 1000).toFixed(ns < 10_000 ? 1 : 0)} µs`
  if (ns < 1_000_000_000) return `${(ns / 1_000_000).toFixed(1)} ms`
  return `${(ns / 1_000_000_000).toFixed(2)} s`
}

/** One line per span, indented under its parent: name, type, duration, marks (✗ error, * critical path), model and tokens. */
function treeLines(rows: SpanView[]): string[] {
  return rows.map((r) => {
    const marks = [r.error ? `✗ ${r.status_message}`.trim() : '', r.critical ? '*' : ''].filter(Boolean).join(' ')
    const tokens = r.tokens ? `${r.tokens.input_tokens ?? '?'} in / ${r.tokens.output_tokens ?? '?'} out tokens` : ''
    return [`${'  '.repeat(r.depth)}${r.name}`, `[${r.type}]`, formatNanos(r.duration_ns), r.model ?? '', tokens, marks].filter(Boolean).join('  ')
  })
}

const assessmentValue = (a: MlflowAssessment) => {
  const part = a.expectation ?? a.feedback
  if (a.feedback?.error) return `error: ${a.feedback.error.error_code ?? ''} ${a.feedback.error.error_message ?? ''}`.trim()
  return part && 'value' in part ? JSON.stringify(part.value) : ''
}

function printTrace(io: CliIO, got: TraceGetResponse): void {
  const { info } = got.trace
  const v = got.view
  printTable(
    io,
    ['FIELD', 'VALUE'],
    [
      ['trace_id', info.trace_id],
      ['experiment_id', info.trace_location.mlflow_experiment.experiment_id],
      ['state', info.state],
      ['request_time', info.request_time],
      ['execution_duration', info.execution_duration ?? ''],
      ['request', info.request_preview ?? ''],
      ['response', info.response_preview ?? ''],
      ...Object.entries(info.tags).map(([k, val]): [string, string] => [`tags.${k}`, val]),
    ],
  )
  io.out('')
  const source = v.spans_source === 'artifact' ? ` (from ${v.artifact_location})` : ''
  io.out(`${v.spans.length} span(s)${source}; * on the critical path, ✗ error`)
  if (v.spans_problem) io.err(`mlflow-desk: ${v.spans_problem}`)
  for (const line of treeLines(v.spans)) io.out(line)
  if (info.assessments.length) {
    io.out('')
    printTable(
      io,
      ['ASSESSMENT', 'KIND', 'VALUE', 'SOURCE', 'RATIONALE', 'STATE'],
      info.assessments.map((a) => [
        a.assessment_name,
        a.expectation ? 'expectation' : 'feedback',
        assessmentValue(a),
        `${a.source.source_type}${a.source.source_id ? ` ${a.source.source_id}` : ''}`,
        a.rationale ?? '',
        a.valid ? (a.overrides ? `overrides ${a.overrides}` : '') : `overridden by ${v.overridden_by[a.assessment_id] ?? '?'}`,
      ]),
    )
  }
}

export async function get(io: CliIO, traceId: string, opts: { json?: boolean }, cmd: Command): Promise<void> {
  const req = validateRequest('traces:get', { trace_id: traceId }, { trace_id: 'TRACE_ID' })
  const got = await withApi(cmd, io, (api) => api.call('traces:get', req))
  if (opts.json) return io.out(stringifyPythonJson(got.trace, 2))
  printTrace(io, got)
}
