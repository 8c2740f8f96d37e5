import type { Command } from 'commander'
import { stringify } from 'csv-stringify/sync'
import type { RunsSearchRequest, RunsSearchResponse } from '@shared/api/contract'
import type { Run } from '@shared/domain/mlflow'
import { withApi, type CliApi } from '../api'
import { showWhereFilterFails } from '../filterErrors'
import type { CliIO } from '../io'
import { formatDuration, formatTime, printMlflowJson, printTable } from '../output'
import { parseIntOption, splitList, validateRequest } from '../validate'

export interface SearchOptions {
  experimentIds?: string
  filter?: string
  orderBy: string[]
  view: string
  maxResults?: string
  pageToken?: string
  all?: boolean
  json?: boolean
  csv?: boolean
}

/** runs search: without --experiment-ids, every active experiment (the service reads an empty list so). */
export async function search(io: CliIO, opts: SearchOptions, cmd: Command): Promise<void> {
  const req = validateRequest(
    'runs:search',
    {
      experiment_ids: splitList(opts.experimentIds),
      view: opts.view as 'active',
      max_results: parseIntOption('--max-results', opts.maxResults),
      page_token: opts.pageToken,
      filter: opts.filter,
      order_by: opts.orderBy,
    },
    {
      experiment_ids: '--experiment-ids',
      view: '--view',
      max_results: '--max-results',
      page_token: '--page-token',
      filter: '--filter',
      order_by: '--order-by',
    },
  )
  // The handler answers a malformed filter or order before it opens the store (or starts a demo server).
  const page = await showWhereFilterFails(io, opts, () => withApi(cmd, io, (api) => (opts.all ? searchAll(api, req) : api.call('runs:search', req))))
  if (opts.json) return printMlflowJson(io, page)
  if (opts.csv) return io.out(runsCsv(page.runs).trimEnd())
  printTable(
    io,
    ['RUN ID', 'NAME', 'STATUS', 'STARTED (UTC)', 'DURATION', 'USER', 'EXPERIMENT'],
    page.runs.map((r) => [
      r.info.run_id,
      r.info.run_name,
      r.info.status,
      formatTime(r.info.start_time),
      formatDuration(r.info.start_time, r.info.end_time),
      r.data.tags.find((t) => t.key === 'mlflow.user')?.value ?? r.info.user_id,
      r.info.experiment_id,
    ]),
  )
  io.err(`${page.runs.length} run(s)` + (page.next_page_token ? `; next page: --page-token ${page.next_page_token}` : ''))
}

export async function get(io: CliIO, runId: string, opts: { json?: boolean }, cmd: Command): Promise<void> {
  const req = validateRequest('runs:get', { run_id: runId }, { run_id: 'RUN_ID' })
  const { run } = await withApi(cmd, io, (api) => api.call('runs:get', req))
  if (opts.json) return printMlflowJson(io, { run })
  printTable(
    io,
    ['FIELD', 'VALUE'],
    [
      ['run_id', run.info.run_id],
      ['name', run.info.run_name],
      ['experiment_id', run.info.experiment_id],
      ['status', run.info.status],
      ['lifecycle_stage', run.info.lifecycle_stage],
      ['started (UTC)', formatTime(run.info.start_time)],
      ['duration', formatDuration(run.info.start_time, run.info.end_time)],
      ['artifact_uri', run.info.artifact_uri],
      ...run.data.params.map((p): [string, string] => [`params.${p.key}`, p.value]),
      ...run.data.metrics.map((m): [string, string] => [`metrics.${m.key}`, String(m.value)]),
    ],
  )
}

/** Every page of a search, concatenated (--all). */
async function searchAll(api: CliApi, req: RunsSearchRequest): Promise<RunsSearchResponse> {
  const runs: Run[] = []
  let token = req.page_token
  do {
    const page = await api.call('runs:search', { ...req, page_token: token })
    runs.push(...page.runs)
    token = page.next_page_token
  } while (token)
  return { runs, next_page_token: null }
}

/** mlflow.search_runs' DataFrame columns: run info, then metrics.*, params.*, tags.* (keys sorted). */
function runsCsv(runs: Run[]): string {
  const keys = (pick: (r: Run) => Array<{ key: string }>) => [...new Set(runs.flatMap((r) => pick(r).map((x) => x.key)))].sort()
  const metricKeys = keys((r) => r.data.metrics)
  const paramKeys = keys((r) => r.data.params)
  const tagKeys = keys((r) => r.data.tags)
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())
  const header = [
    'run_id',
    'run_name',
    'experiment_id',
    'status',
    'artifact_uri',
    'start_time',
    'end_time',
    'lifecycle_stage',
    'user_id',
    ...metricKeys.map((k) => `metrics.${k}`),
    ...paramKeys.map((k) => `params.${k}`),
    ...tagKeys.map((k) => `tags.${k}`),
  ]
  const rows = runs.map((r) => {
    const value = <T extends { key: string }>(list: T[], k: string, get: (x: T) => unknown) => {
      const found = list.find((x) => x.key === k)
      return found ? get(found) : null
    }
    return [
      r.info.run_id,
      r.info.run_name,
      r.info.experiment_id,
      r.info.status,
      r.info.artifact_uri,
      iso(r.info.start_time),
      iso(r.info.end_time),
      r.info.lifecycle_stage,
      r.info.user_id,
      ...metricKeys.map((k) => value(r.data.metrics, k, (m) => (Number.isNaN(m.value) ? 'NaN' : m.value))),
      ...paramKeys.map((k) => value(r.data.params, k, (p) => p.value)),
      ...tagKeys.map((k) => value(r.data.tags, k, (t) => t.value)),
    ]
  })
  return stringify([header, ...rows])
}
