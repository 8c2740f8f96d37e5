import { Command, Option } from 'commander'
import type { SearchOptions } from '../actions/runs'
import type { CliIO } from '../io'

const actions = () => import('../actions/runs')

const FILTER_HELP = `
Without --experiment-ids: every active experiment, like mlflow.search_runs(search_all_experiments=True)
(--view picks the stages of the runs, not of the experiments).
Filter syntax (MLflow's search_runs, plus OR and parentheses):
  metrics.acc > 0.9 and params.optimizer = 'adam'
  tags.\`mlflow.user\` LIKE 'ali%' or attributes.status IN ('FAILED', 'KILLED')
  (metrics.loss < 0.2 or metrics.acc >= 0.95) and datasets.context = 'training'
Order: --order-by "metrics.acc DESC" --order-by params.lr (missing values last, like MLflow).`

export function runsCommand(io: CliIO): Command {
  const runs = new Command('runs').description('Runs of the store')
  runs
    .command('search')
    .description("Search runs like MLflow's search_runs (default order: start_time DESC, run_id)")
    .option('--experiment-ids <ids>', 'comma-separated experiment ids, e.g. 1,2 (default: every active experiment)')
    .option('--filter <filter>', 'MLflow filter string, e.g. "metrics.acc > 0.9 and params.lr = \'0.01\'"')
    .option('--order-by <key>', 'order key, e.g. "metrics.acc DESC" (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .addOption(new Option('--view <type>', 'run lifecycle stages').choices(['active', 'deleted', 'all']).default('active'))
    .option('--max-results <n>', 'runs per page (1-50000)', '1000')
    .option('--page-token <token>', 'next_page_token of the previous page')
    .option('--all', 'follow page tokens and print every matching run')
    .addOption(new Option('--json', 'print MLflow REST JSON: {"runs": [...], "next_page_token": ...}').conflicts('csv'))
    .option('--csv', 'print CSV: one row per run; columns like mlflow.search_runs (run_id, ..., metrics.*, params.*, tags.*)')
    .addHelpText('after', FILTER_HELP)
    .action(async (opts: SearchOptions, cmd: Command) => (await actions()).search(io, opts, cmd))
  runs
    .command('get')
    .description("Show one run (MLflow's get_run), deleted runs included")
    .argument('<run_id>', 'the run id')
    .option('--json', 'print MLflow REST JSON: {"run": {...}}')
    .action(async (runId: string, opts: { json?: boolean }, cmd: Command) => (await actions()).get(io, runId, opts, cmd))
  return runs
}
