import { Command, Option } from 'commander'
import {
  DEFAULT_QUERY_ROWS,
  DEFAULT_RESULT_BYTES,
  DEFAULT_VALUE_BYTES,
  EXPORT_VALUE_BYTES,
  MAX_QUERY_ROWS,
  MAX_VALUE_BYTES,
  MIN_VALUE_BYTES,
  formatByteLimit,
} from '@shared/api/queryLimits'
import type { QueryOptions } from '../actions/query'
import type { CliIO } from '../io'

const actions = () => import('../actions/query')

const HELP = `
Only one read statement runs: SELECT, WITH (without INSERT/UPDATE/DELETE), VALUES, TABLE, SHOW,
EXPLAIN (ANALYZE only of a read). It is parsed with PostgreSQL's own parser first; a refused
statement exits 2, one that fails on the server exits 1, Ctrl-C cancels it on the server (130).
It runs in a READ ONLY transaction with the statement timeout, always rolled back.
A value bigger than --max-value-bytes arrives cut (the server cuts it) and is said on stderr;
the table stops at ${formatByteLimit(DEFAULT_RESULT_BYTES)} of values as it stops at --max-rows. --out FILE.csv of a
statement without parameters goes through COPY and writes every value whole.

Examples:
  mlflow-desk query --sql "SELECT status, count(*) FROM runs GROUP BY status"
  mlflow-desk query --sql "SELECT * FROM runs WHERE experiment_id = :exp" --param exp=1 --format csv
  mlflow-desk query --file audit.sql --param days=30 --out deleted-runs.csv      # every row, streamed
  mlflow-desk query --sql "SELECT * FROM metrics" --out metrics.jsonl --statement-timeout 600`

export function queryCommand(io: CliIO): Command {
  return new Command('query')
    .description("Run one read-only SQL statement against the store, with the SQL console's safety rules")
    .addOption(new Option('--sql <text>', 'the statement').conflicts('file'))
    .option('--file <path>', 'read the statement from a file ("-": standard input)')
    .option('--param <name=value>', 'a value for :name in the statement (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .addOption(
      new Option('--format <format>', 'output: an aligned table, CSV, JSON ({columns, rows, ...}) or JSON Lines').choices(['table', 'csv', 'json', 'jsonl']),
    )
    .option('--max-rows <n>', `rows to print (default ${DEFAULT_QUERY_ROWS}, at most ${MAX_QUERY_ROWS}); --out writes every row`)
    .option('--out <file>', 'stream the FULL result to FILE (CSV, or JSON Lines for .jsonl/.ndjson or --format jsonl)')
    .option(
      '--max-value-bytes <n>',
      `values bigger than this arrive cut, their size said on stderr (${formatByteLimit(MIN_VALUE_BYTES)} to ${formatByteLimit(MAX_VALUE_BYTES)}; default ${formatByteLimit(DEFAULT_VALUE_BYTES)} for table/json, ${formatByteLimit(EXPORT_VALUE_BYTES)} for csv/jsonl and --out)`,
    )
    .addHelpText('after', HELP)
    .action(async (opts: QueryOptions, cmd: Command) => (await actions()).query(io, opts, cmd))
}
