import { Command } from 'commander'
import type { LoggedListOptions } from '../actions/loggedModels'
import type { ListOptions } from '../actions/models'
import type { CliIO } from '../io'

const actions = () => import('../actions/models')
const loggedActions = () => import('../actions/loggedModels')

/** models logged list|get: MLflow 3 logged models (search_logged_models, get_logged_model). */
function loggedCommand(io: CliIO): Command {
  const logged = new Command('logged').description('MLflow 3 logged models of experiments (MLflow 3.0 and later)')
  logged
    .command('list')
    .description("List logged models like MLflow's search_logged_models (live ones, newest first)")
    .requiredOption('--experiment-ids <ids>', 'comma-separated experiment ids, e.g. 1,2')
    .option('--name <text>', 'a part of the name (any case)')
    .option('--status <list>', 'only these statuses: READY, PENDING, FAILED, UNSPECIFIED (comma-separated)')
    .option('--source-run-id <id>', 'only models this run produced')
    .option('--order-by <key>', 'creation_time (default), last_updated, name, or metrics.<name> (its latest value)')
    .option('--asc', 'ascending (default: descending)')
    .option('--max-results <n>', 'models per page (1-1000)', '100')
    .option('--page-token <token>', 'next_page_token of the previous page')
    .option('--json', 'print MLflow REST JSON: {"models": [{"info": {...}, "data": {"params": [...], "metrics": [...]}}], "next_page_token": ...}')
    .action(async (opts: LoggedListOptions, cmd: Command) => (await loggedActions()).list(io, opts, cmd))
  logged
    .command('get')
    .description('Show one logged model: its fields, params, tags, every metric (step, dataset, run) and how many traces name it')
    .argument('<model_id>', 'the logged model id (m-…)')
    .option('--json', 'print MLflow REST JSON as get_logged_model answers: {"model": {"info": {...}, "data": {"params": [...], "metrics": [...]}}}')
    .action(async (modelId: string, opts: { json?: boolean }, cmd: Command) => (await loggedActions()).get(io, modelId, opts, cmd))
  return logged
}

export function modelsCommand(io: CliIO): Command {
  const models = new Command('models').description('The model registry of the store')
  models
    .command('list')
    .description("List registered models by name, like MLflow's search_registered_models")
    .option('--filter <text>', `a name substring (any case), or name = / != / LIKE / ILIKE '...' joined by AND`)
    .option('--max-results <n>', 'models per page (1-1000)', '100')
    .option('--page-token <token>', 'next_page_token of the previous page')
    .option('--json', 'print MLflow REST JSON: {"registered_models": [...], "next_page_token": ...}')
    .action(async (opts: ListOptions, cmd: Command) => (await actions()).list(io, opts, cmd))
  models
    .command('get')
    .description('Show one registered model and all its versions, newest first')
    .argument('<name>', 'the registered model name (exact)')
    .option('--json', 'print MLflow REST JSON: {"registered_model": {...}, "model_versions": [...]}')
    .action(async (name: string, opts: { json?: boolean }, cmd: Command) => (await actions()).get(io, name, opts, cmd))
  models
    .command('version')
    .description("Show one model version: its fields, its source run's metrics, and its MLmodel (flavors, signature, input example)")
    .argument('<name>', 'the registered model name (exact)')
    .argument('<version>', 'the version number')
    .option('--json', 'print JSON: {"model_version": {...}, "run": {...}, "files": {...} or "files_error": {...}}')
    .action(async (name: string, version: string, opts: { json?: boolean }, cmd: Command) => (await actions()).version(io, name, version, opts, cmd))
  models.addCommand(loggedCommand(io))
  return models
}
