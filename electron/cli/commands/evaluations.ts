import { Command, Option } from 'commander'
import type { DatasetGetOptions, DatasetListOptions, EvaluationGetOptions, EvaluationListOptions } from '../actions/evaluations'
import type { CliIO } from '../io'

const actions = () => import('../actions/evaluations')

/** evaluations list|get: mlflow.genai.evaluate runs and their rows. */
export function evaluationsCommand(io: CliIO): Command {
  const evaluations = new Command('evaluations').description('MLflow 3 GenAI evaluation runs (mlflow.genai.evaluate) and their per-row results')
  evaluations
    .command('list')
    .description("List an experiment's evaluation runs, newest first, with their rows, scorers and aggregate scores")
    .requiredOption('--experiment-id <id>', 'the experiment id')
    .option('--max-results <n>', 'runs to list (1-1000)', '200')
    .option('--json', 'print JSON: {"runs": [{"run": {...}, "trace_count": N, "scorers": [...]}], "truncated": false}')
    .action(async (opts: EvaluationListOptions, cmd: Command) => (await actions()).list(io, opts, cmd))
  evaluations
    .command('get')
    .description("Show an evaluation run's rows: each trace with its request, response and every scorer's value")
    .argument('<run_id>', 'the evaluation run id')
    .option('--order-by <scorer>', 'order rows by a scorer, lowest (failing) first')
    .option('--desc', 'with --order-by: highest first')
    .option('--max-results <n>', 'rows to read (1-5000)', '1000')
    .addOption(
      new Option(
        '--json',
        'print JSON: {"run", "scorers", "aggregates", "rows": [{"trace_id", "scores": {NAME: {"value", "rationale", "error"}}, ...}]}',
      ).conflicts('csv'),
    )
    .option('--csv', 'print CSV: one row per trace (trace_id, previews, expectations.*, SCORER.value / .rationale / .error)')
    .action(async (runId: string, opts: EvaluationGetOptions, cmd: Command) => (await actions()).get(io, runId, opts, cmd))
  return evaluations
}

/** datasets list|get: evaluation datasets (mlflow.genai.datasets) and their records. */
export function datasetsCommand(io: CliIO): Command {
  const datasets = new Command('datasets').description('MLflow 3 evaluation datasets (mlflow.genai.datasets, MLflow 3.4 and later)')
  datasets
    .command('list')
    .description('List evaluation datasets, latest update first, with record counts, experiments and tags')
    .option('--experiment-id <id>', 'only datasets tied to this experiment')
    .option('--name <text>', 'a part of the name (any case)')
    .option('--json', 'print JSON: {"datasets": [...]}')
    .action(async (opts: DatasetListOptions, cmd: Command) => (await actions()).listDatasets(io, opts, cmd))
  datasets
    .command('get')
    .description("Show an evaluation dataset's records (inputs, expectations), oldest first")
    .argument('<dataset_id>', 'the dataset id (d-…)')
    .option('--max-results <n>', 'records per page (1-1000)', '100')
    .option('--page-token <token>', 'next_page_token of the previous page')
    .option('--json', 'print JSON: {"dataset": {...}, "records": [{"inputs", "expectations", "outputs", "source", "tags", ...}], "next_page_token"}')
    .action(async (datasetId: string, opts: DatasetGetOptions, cmd: Command) => (await actions()).getDataset(io, datasetId, opts, cmd))
  return datasets
}
