/**
 * `npm run bench -- --trace-get`: one trace of 2,000 spans fetched with traces:get's service (the one
 * statement, the parse, the tree and the critical path), as the trace view asks for it. The trace is
 * generated once by SQL inserts beside the GenAI fixture's store (database mlflow_bench_traces under
 * BENCH_DIR): a root, an agent loop of steps, each with a model call, tool calls and a retriever,
 * every span with inputs, outputs and attributes of the size MLflow's autologging writes. The goal
 * (#16): under 150 ms.
 */
import pg from 'pg'
import { join } from 'node:path'
import { AppError } from '@shared/api/errors'
import type { ConnectionTarget } from '../../electron/services/connections/connectionUrl'
import { openStore, openWritableClient } from '../../electron/services/connections/storeConnection'
import { startCluster } from '../../electron/services/demo/embeddedCluster'
import { spanTree } from '../../electron/services/traces/spanTree'
import { getTrace } from '../../electron/services/traces/traceGet'
import { FIXTURES } from '../helpers/fixtures'
import { loadPlainDump } from '../helpers/pgDump'
import { BENCH_DIR } from './benchStore'
import { formatFigure, measure } from './measure'
import { traceViewDraw } from './traceViewBench'

const DATABASE = 'mlflow_bench_traces'
const SPANS = 2000
const TRACE_ID = `tr-${'b'.repeat(27)}${String(SPANS).padStart(5, '0')}`

/**
 * The trace's rows, in three statements: trace_info, its tags and metadata, and the spans from
 * generate_series. Span i's parent is i / 7 (a tree 4 deep, as an agent's steps nest), its times
 * within its parent's, its content MLflow's span JSON with base64 ids.
 */
async function insertTrace(client: pg.Client): Promise<void> {
  const exp = (await client.query<{ id: number }>("SELECT experiment_id AS id FROM experiments WHERE name = 'sql-agent'")).rows[0].id
  const t0 = 1_796_527_000_000n
  await client.query(
    `INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, client_request_id, request_preview, response_preview)
     VALUES ($1, $2, $3, 4000, 'OK', 'bench', 'a long agent run', 'done')`,
    [TRACE_ID, exp, String(t0)],
  )
  await client.query(
    `INSERT INTO trace_tags (key, value, request_id) VALUES ('mlflow.traceName', 'bench_agent', $1), ('env', 'bench', $1);
     INSERT INTO trace_request_metadata (key, value, request_id) VALUES ('mlflow.trace.user', 'bench@example.com', $1), ('mlflow.trace_schema.version', '3', $1)`.replace(
      /\$1/g,
      `'${TRACE_ID}'`,
    ),
  )
  await client.query(
    `WITH s AS (
       SELECT i, CASE WHEN i = 1 THEN NULL ELSE greatest(1, i / 7) END AS parent,
              $3::bigint * 1000000 + i * 1000000 AS start_ns,
              $3::bigint * 1000000 + i * 1000000 + 500000 + (($4::int - i) * 1000) AS end_ns,
              (ARRAY['CHAT_MODEL', 'TOOL', 'RETRIEVER', 'CHAIN', 'PARSER'])[1 + i % 5] AS type
         FROM generate_series(1, $4::int) AS i)
     INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, content)
     SELECT $1::text, $2::int, lpad(to_hex(i), 16, '0'), CASE WHEN parent IS NULL THEN NULL ELSE lpad(to_hex(parent), 16, '0') END,
            'step_' || i, type, 'OK', start_ns, end_ns,
            json_build_object(
              'trace_id', 'u7u7u7u7u7u7u7u7u7u7uw==',
              'span_id', encode(decode(lpad(to_hex(i), 16, '0'), 'hex'), 'base64'),
              'parent_span_id', CASE WHEN parent IS NULL THEN NULL ELSE encode(decode(lpad(to_hex(parent), 16, '0'), 'hex'), 'base64') END,
              'name', 'step_' || i,
              'start_time_unix_nano', start_ns, 'end_time_unix_nano', end_ns,
              'events', '[]'::json,
              'status', json_build_object('code', 'STATUS_CODE_OK', 'message', ''),
              'attributes', json_build_object(
                'mlflow.traceRequestId', to_json($1::text)::text,
                'mlflow.spanType', to_json(type)::text,
                'mlflow.spanInputs', json_build_object('messages', json_build_array(
                   json_build_object('role', 'system', 'content', 'You are a careful SQL agent. Answer from the tables only.'),
                   json_build_object('role', 'user', 'content', 'Average ticket resolution time per team, step ' || i)))::text,
                'mlflow.spanOutputs', json_build_object('rows', 38, 'answer', repeat('resolution time per team ', 8))::text,
                'model', to_json('llama-3.1-70b'::text)::text,
                'mlflow.chat.tokenUsage', json_build_object('input_tokens', 50 + i % 17, 'output_tokens', 10 + i % 13, 'total_tokens', 60 + i % 17 + i % 13)::text))::text
       FROM s`,
    [TRACE_ID, exp, String(t0), SPANS],
  )
}

async function benchStore(log: (m: string) => void): Promise<{ target: ConnectionTarget; stop: () => Promise<void> }> {
  const cluster = await startCluster({ dataDir: join(BENCH_DIR, 'pg'), password: 'mlflow-desk-bench' })
  const target: ConnectionTarget = {
    host: cluster.host,
    port: cluster.port,
    user: cluster.user,
    password: cluster.password,
    database: DATABASE,
    ssl: { mode: 'disable', root_cert: null, cert: null, key: null },
  }
  const stop = () => (cluster.owned ? cluster.stop() : Promise.resolve())
  const admin = await openWritableClient({ ...target, database: 'postgres' })
  try {
    if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE])).rowCount !== 1) await admin.query(`CREATE DATABASE ${DATABASE}`)
  } finally {
    await admin.end()
  }
  const client = new pg.Client({ host: target.host, port: target.port, user: target.user, password: target.password, database: DATABASE })
  await client.connect()
  try {
    const loaded = (await client.query("SELECT to_regclass('public.spans') IS NOT NULL AS ok")).rows[0].ok as boolean
    if (!loaded) {
      await loadPlainDump(client, FIXTURES.genai.dump)
      await client.query('RESET search_path') // pg_dump's script empties it for the session
    }
    await client.query('BEGIN')
    if ((await client.query('SELECT 1 FROM spans WHERE trace_id = $1 LIMIT 1', [TRACE_ID])).rowCount === 0) {
      await client.query('DELETE FROM trace_info WHERE request_id = $1', [TRACE_ID])
      log(`generating a trace of ${SPANS} spans in ${DATABASE}, once…`)
      await insertTrace(client)
    }
    await client.query('COMMIT')
    await client.query('ANALYZE spans')
  } catch (e) {
    // Half a trace is not kept; the cluster stops (else its process keeps this one alive).
    await client.query('ROLLBACK').catch(() => undefined)
    await client.end()
    await stop()
    throw e
  }
  await client.end()
  return { target, stop }
}

/** With `draw`, also the trace page opened in Chromium until drawn (traceViewBench.ts). */
export async function runTraceBench(opts: { repeat: number; warmup: number; draw?: boolean }, log: (m: string) => void): Promise<void> {
  const { target, stop } = await benchStore(log)
  const store = await openStore(target)
  try {
    const noArtifacts = async (): Promise<never> => {
      throw new AppError('NOT_FOUND', 'the bench trace keeps its spans in the store')
    }
    const got = await getTrace(store, TRACE_ID, noArtifacts)
    if (got.view.spans.length !== SPANS) throw new Error(`the bench trace has ${got.view.spans.length} spans, not ${SPANS}`)
    log(`trace ${TRACE_ID}: ${got.view.spans.length} spans, ${JSON.stringify(got).length} bytes as JSON, critical path ${got.view.critical_path.length} spans`)
    const figures = [
      await measure(`traces.get, a trace of ${SPANS.toLocaleString('en')} spans`, () => getTrace(store, TRACE_ID, noArtifacts), opts),
      // Of which: the server-side view alone (tree, types, tokens, critical path) over the parsed spans.
      await measure(`  of which the span tree and critical path`, async () => spanTree(got.trace.data.spans), opts),
    ]
    if (opts.draw) figures.push(...(await traceViewDraw(target, { id: TRACE_ID, spans: SPANS }, { repeat: Math.min(opts.repeat, 10) }, log)))
    for (const f of figures) console.log(formatFigure(f))
  } finally {
    await store.close()
    await stop()
  }
}
