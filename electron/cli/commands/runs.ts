import { Command, Option } from 'commander'
import { getRun, searchRuns } from '../../services/tracking/runs'
import type { CliIO } from '../io'
import { formatDuration, formatTime, printMlflowJson, printTable } from '../output'
import { withStore } from '../storeOptions'
import { parseIntOption, splitList, validateRequest } from './validate'

interface SearchOptions {
  experimentIds?: string
  view: string
  maxResults?: string
  pageToken?: string
  json?: boolean
}

export function runsCommand(io: CliIO): Command {
  const runs = new Command('runs').description('Runs of the store')
  runs
    .command('search')
    .description("Search runs like MLflow's search_runs (default order: start_time DESC, run_id)")
    .requiredOption('--experiment-ids <ids>', 'comma-separated experiment ids, e.g. 1,2')
    .addOption(new Option('--view <type>', 'run lifecycle stages').choices(['active', 'deleted', 'all']).default('active'))
    .option('--max-results <n>', 'runs per page (1-50000)', '1000')
    .option('--page-token <token>', 'next_page_token of the previous page')
    .option('--json', 'print MLflow REST JSON: {"runs": [...], "next_page_token": ...}')
    .action(async (opts: SearchOptions, cmd: Command) => {
      const req = validateRequest(
        'runs:search',
        {
          experiment_ids: splitList(opts.experimentIds),
          view: opts.view as 'active',
          max_results: parseIntOption('--max-results', opts.maxResults),
          page_token: opts.pageToken,
        },
        { experiment_ids: '--experiment-ids', view: '--view', max_results: '--max-results', page_token: '--page-token' },
      )
      const page = await withStore(cmd, io, (store) => searchRuns(store, req))
      if (opts.json) return printMlflowJson(io, page)
      printTable(
        io,
        ['RUN ID', 'NAME', 'STATUS', 'STARTED (UTC)', 'DURATION', 'USER', 'EXPERIMENT'],
        page.runs.map((r) => [
          r.info.run_id,
          r.info.run_name,
          r.info.status,
          formatTime(r.info.start_time),
          formatDuration(r.info.start_time, r.info.end_time),
          r.data.tags.find((t) => t.key === 'mlflow.user')?.value ?? r.info.user_id,
          r.info.experiment_id,
        ]),
      )
      io.err(`${page.runs.length} run(s)` + (page.next_page_token ? `; next page: --page-token ${page.next_page_token}` : ''))
    })
  runs
    .command('get')
    .description("Show one run (MLflow's get_run), deleted runs included")
    .argument('<run_id>', 'the run id')
    .option('--json', 'print MLflow REST JSON: {"run": {...}}')
    .action(async (runId: string, opts: { json?: boolean }, cmd: Command) => {
      const req = validateRequest('runs:get', { run_id: runId }, { run_id: 'RUN_ID' })
      const run = await withStore(cmd, io, (store) => getRun(store, req.run_id))
      if (opts.json) return printMlflowJson(io, { run })
      printTable(io, ['FIELD', 'VALUE'], [
        ['run_id', run.info.run_id],
        ['name', run.info.run_name],
        ['experiment_id', run.info.experiment_id],
        ['status', run.info.status],
        ['lifecycle_stage', run.info.lifecycle_stage],
        ['started (UTC)', formatTime(run.info.start_time)],
        ['duration', formatDuration(run.info.start_time, run.info.end_time)],
        ['artifact_uri', run.info.artifact_uri],
        ...run.data.params.map((p): [string, string] => [`params.${p.key}`, p.value]),
        ...run.data.metrics.map((m): [string, string] => [`metrics.${m.key}`, String(m.value)]),
      ])
    })
  return runs
}
