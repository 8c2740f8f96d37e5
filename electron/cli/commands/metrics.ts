import { Command, Option } from 'commander'
import type { CompareOptions, HistoryOptions } from '../actions/metrics'
import type { CliIO } from '../io'

const actions = () => import('../actions/metrics')

export function metricsCommand(io: CliIO): Command {
  const metrics = new Command('metrics').description('Metric histories of runs')
  metrics
    .command('history')
    .description(
      "Every logged value of one metric of one run, like MLflow's get_metric_history (ordered by timestamp, step, value); with --max-points the downsampled series a chart draws",
    )
    .requiredOption('--run-id <id>', 'the run id')
    .requiredOption('--key <metric>', 'the metric key, e.g. val_loss')
    .option('--max-results <n>', 'values per page (default: all)')
    .option('--page-token <token>', 'next_page_token of the previous page')
    .option(
      '--max-points <n>',
      'at most N points, downsampled in the database as the charts draw them (ordered by step; first, last, min, max and NaN/inf kept)',
    )
    .option('--from-step <step>', 'with --max-points: only steps from this one (inclusive)')
    .option('--to-step <step>', 'with --max-points: only steps up to this one (inclusive)')
    .option('--json', 'print MLflow REST JSON: {"metrics": [{"key", "value", "timestamp", "step"}...], "next_page_token": ...}')
    .action(async (opts: HistoryOptions, cmd: Command) => (await actions()).history(io, opts, cmd))
  metrics
    .command('compare')
    .description("Several runs' histories of several metrics, each downsampled in the database to --max-points as the compare charts draw them")
    .requiredOption('--run-ids <ids>', 'comma-separated run ids (at most 200)')
    .requiredOption('--keys <metrics>', 'comma-separated metric keys, e.g. loss,val_loss')
    .option('--max-points <n>', 'points per series (default 1000; first, last, min, max and NaN/inf of every bucket kept)')
    .option('--from-step <step>', 'only steps from this one (inclusive)')
    .option('--to-step <step>', 'only steps up to this one (inclusive)')
    .addOption(new Option('--csv', 'print CSV: run_id, run_name, metric, step, timestamp, value (NaN/inf as Python writes them)').conflicts('json'))
    .option('--json', 'print JSON: {"runs": [...], "series": [{"run_id", "key", "metrics": [...], "sampled", "total_points", "bucket_width"}]}')
    .action(async (opts: CompareOptions, cmd: Command) => (await actions()).compare(io, opts, cmd))
  return metrics
}
