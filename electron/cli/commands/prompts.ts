import { Command } from 'commander'
import type { GetOptions, ListOptions } from '../actions/prompts'
import type { CliIO } from '../io'

const actions = () => import('../actions/prompts')

export function promptsCommand(io: CliIO): Command {
  const prompts = new Command('prompts').description("The prompt registry of the store (MLflow's mlflow.genai prompts)")
  prompts
    .command('list')
    .description("List prompts by name, like MLflow's search_prompts")
    .option('--filter <text>', `a name substring (any case), or name = / != / LIKE / ILIKE '...' joined by AND`)
    .option('--max-results <n>', 'prompts per page (1-1000)', '100')
    .option('--page-token <token>', 'next_page_token of the previous page')
    .option('--json', 'print JSON: {"prompts": [...], "next_page_token": ...}')
    .action(async (opts: ListOptions, cmd: Command) => (await actions()).list(io, opts, cmd))
  prompts
    .command('get')
    .description('Show a prompt: its versions, or one version with its template, variables, tags, aliases and the runs and traces that used it')
    .argument('<name>', 'the prompt name (exact)')
    // A positional version, as `models version NAME VERSION` takes it: --version is the program's own flag anywhere on the line.
    .argument('[version]', 'one version in full (default: every version, newest first, and the latest template)')
    .option('--json', 'print JSON: {"prompt": {...}, "versions": [...]} (with a version: {"prompt": {...}, "version": {...}})')
    .action(async (name: string, version: string | undefined, opts: GetOptions, cmd: Command) => (await actions()).get(io, name, version, opts, cmd))
  return prompts
}
