import type { Command } from 'commander'
import { AppError } from '@shared/api/errors'
import { metricPointsCsv } from '@shared/format/metricPointsCsv'
import type { MetricsCompareResponse } from '@shared/api/contract'
import { stringifyPythonJson } from '@shared/format/pythonJson'
import { withApi } from '../api'
import type { CliIO } from '../io'
import { formatTime, printMlflowJson, printTable } from '../output'
import { parseIntOption, splitList, validateRequest } from '../validate'

export interface HistoryOptions {
  runId: string
  key: string
  maxResults?: string
  pageToken?: string
  maxPoints?: string
  fromStep?: string
  toStep?: string
  json?: boolean
}

export interface CompareOptions {
  runIds: string
  keys: string
  maxPoints?: string
  fromStep?: string
  toStep?: string
  csv?: boolean
  json?: boolean
}

export async function history(io: CliIO, opts: HistoryOptions, cmd: Command): Promise<void> {
  const req = validateRequest(
    'metrics:history',
    {
      run_id: opts.runId,
      metric_key: opts.key,
      max_results: parseIntOption('--max-results', opts.maxResults),
      page_token: opts.pageToken,
      max_points: parseIntOption('--max-points', opts.maxPoints),
      from_step: parseIntOption('--from-step', opts.fromStep, { signed: true }),
      to_step: parseIntOption('--to-step', opts.toStep, { signed: true }),
    },
    {
      run_id: '--run-id',
      metric_key: '--key',
      max_results: '--max-results',
      page_token: '--page-token',
      max_points: '--max-points',
      from_step: '--from-step',
      to_step: '--to-step',
    },
  )
  const page = await withApi(cmd, io, (api) => api.call('metrics:history', req))
  if (opts.json) return printMlflowJson(io, page)
  // String() keeps NaN and the +-max double MLflow stores for +-inf exactly as they are.
  printTable(
    io,
    ['STEP', 'VALUE', 'TIMESTAMP (UTC)'],
    page.metrics.map((m) => [m.step, String(m.value), formatTime(m.timestamp)]),
  )
  const sampled = page.sampled ? ` sampled from ${page.total_points} (bucket width ${page.bucket_width} steps)` : ''
  io.err(`${page.metrics.length} value(s)${sampled}` + (page.next_page_token ? `; next page: --page-token ${page.next_page_token}` : ''))
}

export async function compare(io: CliIO, opts: CompareOptions, cmd: Command): Promise<void> {
  const req = validateRequest(
    'metrics:compare',
    {
      run_ids: splitList(opts.runIds),
      metric_keys: splitList(opts.keys),
      max_points: parseIntOption('--max-points', opts.maxPoints),
      from_step: parseIntOption('--from-step', opts.fromStep, { signed: true }),
      to_step: parseIntOption('--to-step', opts.toStep, { signed: true }),
    },
    { run_ids: '--run-ids', metric_keys: '--keys', max_points: '--max-points', from_step: '--from-step', to_step: '--to-step' },
  )
  if (!req.metric_keys.length) throw new AppError('BAD_REQUEST', '--keys: give at least one metric key, e.g. --keys loss,val_loss.', { field: '--keys' })
  const answer = await withApi(cmd, io, (api) => api.call('metrics:compare', req))
  // Plain JSON (NaN as Python writes it): unlike MLflow's REST shape, an empty series keeps its "metrics": [].
  if (opts.json) return io.out(stringifyPythonJson(answer, 2))
  if (opts.csv) return io.out(metricPointsCsv(comparePoints(answer)).trimEnd())
  const names = new Map(answer.runs.map((r) => [r.info.run_id, r.info.run_name]))
  printTable(
    io,
    ['RUN', 'METRIC', 'POINTS', 'OF', 'FIRST STEP', 'LAST STEP', 'MIN', 'MAX'],
    answer.series.map((s) => {
      const finite = s.metrics.map((m) => m.value).filter((v) => Number.isFinite(v) && Math.abs(v) < 1.7976931348623157e308)
      const [min, max] = finite.reduce(([lo, hi], v) => [Math.min(lo, v), Math.max(hi, v)], [Infinity, -Infinity])
      return [
        names.get(s.run_id) || s.run_id,
        s.key,
        s.metrics.length,
        s.total_points,
        s.metrics[0]?.step ?? null,
        s.metrics.at(-1)?.step ?? null,
        finite.length ? String(min) : null,
        finite.length ? String(max) : null,
      ]
    }),
  )
  io.err(`${answer.series.length} series; --csv or --json for the points`)
}

/** Every point of every series, with its run's name, in the answer's order. */
function* comparePoints(answer: MetricsCompareResponse) {
  const names = new Map(answer.runs.map((r) => [r.info.run_id, r.info.run_name ?? '']))
  for (const s of answer.series) {
    for (const m of s.metrics)
      yield { run_id: s.run_id, run_name: names.get(s.run_id) ?? '', metric: s.key, step: m.step, timestamp: m.timestamp, value: m.value }
  }
}
