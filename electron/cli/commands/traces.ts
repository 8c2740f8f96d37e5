import { Command, Option } from 'commander'
import type { OverviewOptions, SessionsOptions } from '../actions/traceInsights'
import type { TraceSearchOptions } from '../actions/traces'
import { SESSION_ORDER_KEYS } from '@shared/domain/traceInsights'
import type { CliIO } from '../io'

const actions = () => import('../actions/traces')
const insights = () => import('../actions/traceInsights')

const FILTER_HELP = `
Filter syntax (MLflow's search_traces, plus OR, parentheses and the extensions marked *):
  trace.status = 'ERROR' and tags.env = 'prod'
  trace.timestamp_ms >= 1735689600000 and trace.execution_time_ms > 500
  trace.name = 'support_chat' and metadata.\`mlflow.trace.user\` = 'alice@example.com'
  span.name LIKE 'plan_step_%'          span.type = 'TOOL' and span.status = 'ERROR' *
  tags.env IN ('prod', 'staging') *     tags.\`app.version\` LIKE '1.4%' *
  feedback.user_thumbs_up = false *     assessment.groundedness < 0.5 *
  trace.tokens.total > 1000 *           'refund' (text in the request or response preview) *
Order: --order-by "execution_time_ms DESC" --order-by name; also trace.tokens.total, feedback.NAME *.
Default order: request time, newest first, then trace id.`

export function tracesCommand(io: CliIO): Command {
  const traces = new Command('traces').description('Traces of GenAI applications (MLflow 2.13 and later)')
  traces
    .command('search')
    .description("Search traces like MLflow's search_traces")
    .requiredOption('--experiment-ids <ids>', 'comma-separated experiment ids, e.g. 1,2')
    .option('--filter <filter>', 'search_traces filter string, e.g. "trace.status = \'ERROR\'"')
    .option('--order-by <key>', 'order key, e.g. "timestamp_ms DESC" (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--max-results <n>', 'traces per page (1-50000)', '100')
    .option('--page-token <token>', 'next_page_token of the previous page')
    .option('--all', 'follow page tokens and print every matching trace')
    .addOption(
      new Option(
        '--json',
        'print MLflow REST JSON: {"traces": [{"trace_id": ..., ...}], "next_page_token": ...} (trace_metadata without the full inputs and outputs; the latest valid assessment per name)',
      ).conflicts('csv'),
    )
    .option('--csv', 'print CSV: one row per trace (trace_id, ..., tokens, tags.*, assessments.*)')
    .addHelpText('after', FILTER_HELP)
    .action(async (opts: TraceSearchOptions, cmd: Command) => (await actions()).search(io, opts, cmd))
  traces
    .command('get')
    .description("Show one trace (MLflow's get_trace): its span tree with durations, errors and tokens, and its assessments")
    .argument('<trace_id>', 'the trace id (tr-…)')
    .option('--json', 'print MLflow\'s trace JSON: {"info": {…, "tags", "trace_metadata", "assessments"}, "data": {"spans": […]}}')
    .action(async (traceId: string, opts: { json?: boolean }, cmd: Command) => (await actions()).get(io, traceId, opts, cmd))
  traces
    .command('sessions')
    .description('Conversations: traces grouped by session (mlflow.trace.session), with turns, duration, tokens, errors and feedback')
    .requiredOption('--experiment-ids <ids>', 'comma-separated experiment ids, e.g. 1,2')
    .option('--user <user>', 'only sessions where this user made a request')
    .option('--order-by <key>', `${SESSION_ORDER_KEYS.join(' | ')} (default last_activity, newest first)`)
    .option('--ascending', 'smallest or oldest first')
    .option('--max-results <n>', 'sessions per page (1-5000)', '200')
    .option('--offset <n>', 'sessions to skip (the next page)')
    .addOption(new Option('--json', 'print JSON: {"sessions": [...], "total": N, "users": [...]}').conflicts('csv'))
    .option('--csv', 'print CSV: one row per session')
    .action(async (opts: SessionsOptions, cmd: Command) => (await insights()).sessions(io, opts, cmd))
  traces
    .command('session')
    .description("One session's turns in order, each with its trace id, time, tokens and assessments")
    .argument('<session_id>', 'the session id (mlflow.trace.session)')
    .requiredOption('--experiment-ids <ids>', 'comma-separated experiment ids, e.g. 1,2')
    .option('--json', 'print JSON: {"session_id": ..., "turns": [...]}')
    .action(async (sessionId: string, opts: { experimentIds: string; json?: boolean }, cmd: Command) => (await insights()).session(io, sessionId, opts, cmd))
  traces
    .command('overview')
    .description('Request volume, error rate, latency p50/p90/p99 and tokens over time, by trace name and model; feedback pass rates; slowest spans')
    .requiredOption('--experiment-ids <ids>', 'comma-separated experiment ids, e.g. 1,2')
    .option('--start <time>', 'traces requested at or after: ms since 1970 or an ISO date/time (UTC unless it says), e.g. 2026-12-01')
    .option('--end <time>', 'traces requested before (same forms)')
    .addOption(new Option('--bucket <width>', 'time bucket (default: chosen from the range)').choices(['minute', 'hour', 'day']))
    .option('--json', 'print the overview as JSON')
    .action(async (opts: OverviewOptions, cmd: Command) => (await insights()).overview(io, opts, cmd))
  return traces
}
