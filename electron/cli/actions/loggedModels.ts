import type { Command } from 'commander'
import type { ChannelRequest } from '@shared/api/contract'
import { AppError } from '@shared/api/errors'
import { LOGGED_MODEL_STATUSES, loggedModelJson, type LoggedModelMetric, type LoggedModelStatus } from '@shared/domain/loggedModels'
import { withApi } from '../api'
import type { CliIO } from '../io'
import { formatTime, printMlflowJson, printTable } from '../output'
import { parseIntOption, splitList, validateRequest } from '../validate'

export interface LoggedListOptions {
  experimentIds?: string
  name?: string
  status?: string
  sourceRunId?: string
  orderBy?: string
  asc?: boolean
  maxResults?: string
  pageToken?: string
  json?: boolean
}

/** --order-by: creation_time, last_updated, name, or metrics.<name>. */
function parseOrder(text: string | undefined, ascending: boolean): ChannelRequest<'loggedModels:search'>['order_by'] {
  if (!text) return undefined
  if (text.startsWith('metrics.')) return { field: 'metric', metric: text.slice('metrics.'.length), ascending }
  if (text === 'creation_time' || text === 'last_updated' || text === 'name') return { field: text, ascending }
  throw new AppError('BAD_REQUEST', `--order-by: "${text}" is not creation_time, last_updated, name or metrics.<name>.`, { field: '--order-by' })
}

/** --status READY,FAILED (any case). */
function parseStatuses(text: string | undefined): LoggedModelStatus[] | undefined {
  if (!text) return undefined
  return splitList(text).map((s) => {
    const up = s.toUpperCase()
    if (!(LOGGED_MODEL_STATUSES as readonly string[]).includes(up)) {
      throw new AppError('BAD_REQUEST', `--status: "${s}" is not one of ${LOGGED_MODEL_STATUSES.join(', ')}.`, { field: '--status' })
    }
    return up as LoggedModelStatus
  })
}

const metricText = (ms: LoggedModelMetric[]) => ms.map((m) => `${m.key}${m.dataset_name ? `[${m.dataset_name}]` : ''}=${m.value}`).join(', ')

/** search_logged_models: a table, or MLflow's REST JSON {"models": [...], "next_page_token": ...}. */
export async function list(io: CliIO, opts: LoggedListOptions, cmd: Command): Promise<void> {
  const req = validateRequest(
    'loggedModels:search',
    {
      experiment_ids: splitList(opts.experimentIds),
      name: opts.name,
      statuses: parseStatuses(opts.status),
      source_run_id: opts.sourceRunId,
      order_by: parseOrder(opts.orderBy, !!opts.asc),
      max_results: parseIntOption('--max-results', opts.maxResults),
      page_token: opts.pageToken,
    },
    {
      experiment_ids: '--experiment-ids',
      name: '--name',
      statuses: '--status',
      source_run_id: '--source-run-id',
      order_by: '--order-by',
      max_results: '--max-results',
      page_token: '--page-token',
    },
  )
  const page = await withApi(cmd, io, (api) => api.call('loggedModels:search', req))
  if (opts.json) return printMlflowJson(io, { models: page.models.map(loggedModelJson), next_page_token: page.next_page_token })
  printTable(
    io,
    ['MODEL ID', 'NAME', 'STATUS', 'CREATED (UTC)', 'SOURCE RUN', 'METRICS'],
    page.models.map((m) => [m.model_id, m.name, m.status, formatTime(m.creation_timestamp_ms), m.source_run_id, metricText(m.metrics)]),
  )
  io.err(`${page.models.length} logged model(s)` + (page.next_page_token ? `; next page: --page-token ${page.next_page_token}` : ''))
}

/** get_logged_model: fields, params, metrics and linked traces, or MLflow's REST JSON {"model": {"info": ..., "data": ...}}. */
export async function get(io: CliIO, modelId: string, opts: { json?: boolean }, cmd: Command): Promise<void> {
  const req = validateRequest('loggedModels:get', { model_id: modelId }, { model_id: 'MODEL_ID' })
  const got = await withApi(cmd, io, (api) => api.call('loggedModels:get', req))
  if (opts.json) return printMlflowJson(io, { model: loggedModelJson(got.model) })
  const m = got.model
  printTable(
    io,
    ['FIELD', 'VALUE'],
    [
      ['model_id', m.model_id],
      ['name', m.name],
      ['experiment', `${m.experiment_id}${got.experiment_name ? ` (${got.experiment_name})` : ''}`],
      ['status', m.status + (m.status_message ? `: ${m.status_message}` : '')],
      ['model type', m.model_type],
      ['source run', m.source_run_id],
      ['created (UTC)', formatTime(m.creation_timestamp_ms)],
      ['updated (UTC)', formatTime(m.last_updated_timestamp_ms)],
      ['artifact location', m.artifact_location],
      ['lifecycle stage', m.lifecycle_stage],
      ['traces', String(got.trace_count)],
      ...m.params.map((p): [string, string] => [`params.${p.key}`, p.value]),
      ...m.tags.map((t): [string, string] => [`tags.${t.key}`, t.value]),
    ],
  )
  if (!m.metrics.length) return
  io.out('')
  printTable(
    io,
    ['METRIC', 'VALUE', 'STEP', 'DATASET', 'RUN ID', 'TIME (UTC)'],
    m.metrics.map((x) => [
      x.key,
      x.value,
      x.step,
      x.dataset_name ? `${x.dataset_name}${x.dataset_digest ? ` (${x.dataset_digest})` : ''}` : '',
      x.run_id,
      formatTime(x.timestamp),
    ]),
  )
}
