import type { Command } from 'commander'
import { stringify } from 'csv-stringify/sync'
import type { EvaluationRowsResponse, EvaluationScore } from '@shared/domain/evaluations'
import { withApi } from '../api'
import type { CliIO } from '../io'
import { formatTime, printTable } from '../output'
import { parseIntOption, validateRequest } from '../validate'
import { oneLine } from './traces'

export interface EvaluationListOptions {
  experimentId: string
  maxResults?: string
  json?: boolean
}

export interface EvaluationGetOptions {
  orderBy?: string
  desc?: boolean
  maxResults?: string
  json?: boolean
  csv?: boolean
}

export interface DatasetListOptions {
  experimentId?: string
  name?: string
  json?: boolean
}

export interface DatasetGetOptions {
  maxResults?: string
  pageToken?: string
  json?: boolean
}

const printJson = (io: CliIO, value: unknown) => io.out(JSON.stringify(value, null, 2))
/** A value as a cell: text as it is, anything else as JSON. */
const cell = (v: unknown) => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v))
const scoreCell = (s: EvaluationScore | undefined) => (!s ? null : s.error ? `error: ${s.error}` : cell(s.value))

export async function list(io: CliIO, opts: EvaluationListOptions, cmd: Command): Promise<void> {
  const req = validateRequest(
    'evaluations:list',
    { experiment_id: opts.experimentId, max_results: parseIntOption('--max-results', opts.maxResults) },
    { experiment_id: '--experiment-id', max_results: '--max-results' },
  )
  const got = await withApi(cmd, io, (api) => api.call('evaluations:list', req))
  if (opts.json) return printJson(io, got)
  printTable(
    io,
    ['RUN ID', 'NAME', 'STARTED (UTC)', 'ROWS', 'SCORERS', 'SCORES'],
    got.runs.map((r) => [
      r.run.info.run_id,
      r.run.info.run_name,
      formatTime(r.run.info.start_time),
      r.trace_count,
      r.scorers.join(', '),
      r.run.data.metrics.map((m) => `${m.key}=${m.value}`).join(' '),
    ]),
  )
  io.err(`${got.runs.length} evaluation run(s)` + (got.truncated ? ` (the newest ${got.runs.length}; raise --max-results for more)` : ''))
}

function rowsCsv(got: EvaluationRowsResponse): string {
  const header = [
    'trace_id',
    'eval_request_id',
    'state',
    'request_time',
    'execution_duration_ms',
    'request_preview',
    'response_preview',
    ...got.expectation_names.map((n) => `expectations.${n}`),
    ...got.scorers.flatMap((n) => [`${n}.value`, `${n}.rationale`, `${n}.error`]),
  ]
  const rows = got.rows.map((r) => [
    r.trace_id,
    r.eval_request_id,
    r.state,
    new Date(r.request_time).toISOString(),
    r.execution_duration,
    r.request_preview,
    r.response_preview,
    ...got.expectation_names.map((n) => cell(r.expectations[n]?.value)),
    ...got.scorers.flatMap((n) => [cell(r.scores[n]?.value), r.scores[n]?.rationale ?? null, r.scores[n]?.error ?? null]),
  ])
  return stringify([header, ...rows])
}

export async function get(io: CliIO, runId: string, opts: EvaluationGetOptions, cmd: Command): Promise<void> {
  const req = validateRequest(
    'evaluations:rows',
    { run_id: runId, order_by_scorer: opts.orderBy, descending: !!opts.desc, max_results: parseIntOption('--max-results', opts.maxResults) },
    { run_id: 'RUN_ID', order_by_scorer: '--order-by', max_results: '--max-results' },
  )
  const got = await withApi(cmd, io, (api) => api.call('evaluations:rows', req))
  if (opts.json) return printJson(io, got)
  if (opts.csv) return io.out(rowsCsv(got).trimEnd())
  io.out(`Evaluation run ${got.run.info.run_id} (${got.run.info.run_name ?? 'no name'}): ${got.trace_count} row(s)`)
  for (const m of got.aggregates) io.out(`  ${m.key} = ${m.value}`)
  io.out('')
  printTable(
    io,
    ['TRACE ID', 'STATE', 'REQUEST', 'RESPONSE', ...got.scorers.map((s) => s.toUpperCase())],
    got.rows.map((r) => [
      r.trace_id,
      r.state,
      oneLine(r.request_preview, 40),
      oneLine(r.response_preview, 40),
      ...got.scorers.map((s) => scoreCell(r.scores[s])),
    ]),
  )
  io.err(`${got.rows.length} row(s)` + (got.truncated ? ` of ${got.trace_count}; raise --max-results for more` : '') + '; --json or --csv for rationales')
}

export async function listDatasets(io: CliIO, opts: DatasetListOptions, cmd: Command): Promise<void> {
  const req = validateRequest('datasets:list', { experiment_id: opts.experimentId, name: opts.name }, { experiment_id: '--experiment-id', name: '--name' })
  const got = await withApi(cmd, io, (api) => api.call('datasets:list', req))
  if (opts.json) return printJson(io, got)
  printTable(
    io,
    ['DATASET ID', 'NAME', 'RECORDS', 'EXPERIMENTS', 'UPDATED (UTC)', 'TAGS'],
    got.datasets.map((d) => [
      d.dataset_id,
      d.name,
      d.record_count,
      d.experiment_ids.join(','),
      formatTime(d.last_update_time),
      Object.entries(d.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(' '),
    ]),
  )
  io.err(`${got.datasets.length} evaluation dataset(s)`)
}

export async function getDataset(io: CliIO, datasetId: string, opts: DatasetGetOptions, cmd: Command): Promise<void> {
  const req = validateRequest(
    'datasets:get',
    { dataset_id: datasetId, max_results: parseIntOption('--max-results', opts.maxResults), page_token: opts.pageToken },
    { dataset_id: 'DATASET_ID', max_results: '--max-results', page_token: '--page-token' },
  )
  const got = await withApi(cmd, io, (api) => api.call('datasets:get', req))
  if (opts.json) return printJson(io, got)
  const d = got.dataset
  io.out(`Evaluation dataset ${d.name} (${d.dataset_id}): ${d.record_count} record(s)`)
  printTable(
    io,
    ['RECORD ID', 'SOURCE', 'CREATED (UTC)', 'INPUTS', 'EXPECTATIONS'],
    got.records.map((r) => [r.dataset_record_id, r.source_type, formatTime(r.created_time), oneLine(cell(r.inputs), 50), oneLine(cell(r.expectations), 50)]),
  )
  io.err(`${got.records.length} record(s)` + (got.next_page_token ? `; next page: --page-token ${got.next_page_token}` : ''))
}
