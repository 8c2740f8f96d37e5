import { Command } from 'commander'
import type { ListOptions } from '../actions/models'
import type { CliIO } from '../io'

const actions = () => import('../actions/models')

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
  return models
}
