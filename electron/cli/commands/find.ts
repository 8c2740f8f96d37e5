import { Command } from 'commander'
import type { FindOptions } from '../actions/find'
import type { CliIO } from '../io'

const actions = () => import('../actions/find')

/** `find <text>`: what the app's palette (Ctrl/Cmd+K) lists for a text. */
export function findCommand(io: CliIO): Command {
  return new Command('find')
    .description('Find runs (by name or id, in every experiment), experiments, models, saved queries and screens, best first')
    .argument('<text>', 'a piece of a name, an id, or a runs:/ or models:/ URI')
    .option('--limit <n>', 'hits to show (1-50)', '20')
    .option('--kind <kinds>', 'only these kinds, comma-separated: run, experiment, model, model_version, prompt, logged_model, trace, saved_query, screen')
    .option('--json', 'print {"hits": [...]} with each hit’s kind, id, title, detail, route, note, deleted and score')
    .action(async (text: string, opts: FindOptions, cmd: Command) => (await actions()).find(io, text, opts, cmd))
}

/** `open <id-or-uri>`: what the app's #/open/<id-or-uri> and a paste would open. */
export function openCommand(io: CliIO): Command {
  return new Command('open')
    .description('Say what an id, URI or exact name stands for and where the app opens it (the app takes the same at #/open/<text>)')
    .argument(
      '<id-or-uri>',
      'a run id, runs:/<id>/<path>, models:/<name>/<version|stage|latest>, models:/<name>@<alias>, tr-… or m-… id, a link of MLflow’s UI, or an exact name',
    )
    .option('--json', 'print {"hit": {...}, "also": [...]}')
    .action(async (text: string, opts: { json?: boolean }, cmd: Command) => (await actions()).open(io, text, opts, cmd))
}
