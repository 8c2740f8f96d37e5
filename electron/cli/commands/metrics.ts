import { Command } from 'commander'
import { answerMetricHistory } from '../../services/tracking/metricHistoryRequest'
import type { CliIO } from '../io'
import { formatTime, printMlflowJson, printTable } from '../output'
import { withStore } from '../storeOptions'
import { parseIntOption, validateRequest } from './validate'

interface HistoryOptions {
  runId: string
  key: string
  maxResults?: string
  pageToken?: string
  maxPoints?: string
  fromStep?: string
  toStep?: string
  json?: boolean
}

export function metricsCommand(io: CliIO): Command {
  const metrics = new Command('metrics').description('Metric histories of runs')
  metrics
    .command('history')
    .description("Every logged value of one metric of one run, like MLflow's get_metric_history (ordered by timestamp, step, value); with --max-points the downsampled series a chart draws")
    .requiredOption('--run-id <id>', 'the run id')
    .requiredOption('--key <metric>', 'the metric key, e.g. val_loss')
    .option('--max-results <n>', 'values per page (default: all)')
    .option('--page-token <token>', 'next_page_token of the previous page')
    .option('--max-points <n>', "at most N points, downsampled in the database as the charts draw them (ordered by step; first, last, min, max and NaN/inf kept)")
    .option('--from-step <step>', 'with --max-points: only steps from this one (inclusive)')
    .option('--to-step <step>', 'with --max-points: only steps up to this one (inclusive)')
    .option('--json', 'print MLflow REST JSON: {"metrics": [{"key", "value", "timestamp", "step"}...], "next_page_token": ...}')
    .action(async (opts: HistoryOptions, cmd: Command) => {
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
        { run_id: '--run-id', metric_key: '--key', max_results: '--max-results', page_token: '--page-token', max_points: '--max-points', from_step: '--from-step', to_step: '--to-step' },
      )
      const page = await withStore(cmd, io, (store) => answerMetricHistory(store, req))
      if (opts.json) return printMlflowJson(io, page)
      // String() keeps NaN and the +-max double MLflow stores for +-inf exactly as they are.
      printTable(io, ['STEP', 'VALUE', 'TIMESTAMP (UTC)'], page.metrics.map((m) => [m.step, String(m.value), formatTime(m.timestamp)]))
      const sampled = page.sampled ? ` sampled from ${page.total_points} (bucket width ${page.bucket_width} steps)` : ''
      io.err(`${page.metrics.length} value(s)${sampled}` + (page.next_page_token ? `; next page: --page-token ${page.next_page_token}` : ''))
    })
  return metrics
}
