/**
 * `npm run bench -- --traces [--trace-count N]`: traces:search as the Traces list asks it, on a
 * store made by our migrations and filled in SQL (kept under BENCH_DIR between runs): N traces
 * (default 100,000) in two experiments, 4 spans each, tags (trace name, env), request metadata
 * (user, session, token usage) and a groundedness and a thumbs feedback on part of them. Until
 * `mlflow-desk generate --genai` exists (#16, part 10) this is the shape the figures are taken on.
 * Prints first-page figures (100 traces) for the default order and the filters and orders the
 * list offers, a deep keyset page, and traces:columns.
 */
import type pg from 'pg'
import { join } from 'node:path'
import type { ConnectionTarget } from '../../electron/services/connections/connectionUrl'
import { openStore, openWritableClient } from '../../electron/services/connections/storeConnection'
import { startCluster } from '../../electron/services/demo/embeddedCluster'
import { traceColumns } from '../../electron/services/traces/traceColumns'
import { searchTraces } from '../../electron/services/traces/traceSearch'
import { migrateStore } from '../../electron/services/tracking/migrate'
import { BENCH_DIR } from './benchStore'
import { formatFigure, measure } from './measure'

/** Fills an empty migrated store: every row from generate_series, so N = 100,000 takes well under a minute. */
async function fill(client: pg.Client, n: number): Promise<void> {
  await client.query(`INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
    VALUES (101, 'bench-traces-support', 'file:///tmp/a', 'active', 0, 0), (102, 'bench-traces-agent', 'file:///tmp/b', 'active', 0, 0)`)
  await client.query(
    `INSERT INTO trace_info (request_id, experiment_id, timestamp_ms, execution_time_ms, status, client_request_id, request_preview, response_preview)
     SELECT 'tr-' || md5(i::text), CASE WHEN i % 4 = 0 THEN 102 ELSE 101 END, 1767225600000 + i * 997, (i * 7919) % 5000,
            CASE WHEN i % 23 = 0 THEN 'ERROR' ELSE 'OK' END, NULL,
            'Question ' || i || CASE WHEN i % 50 = 0 THEN ' about a refund' ELSE ' about invoices' END, 'Answer ' || i
     FROM generate_series(1, $1::int) i`,
    [n],
  )
  await client.query(`INSERT INTO trace_tags (key, value, request_id)
    SELECT 'mlflow.traceName', CASE WHEN i % 4 = 0 THEN 'sql_agent' ELSE 'support_chat' END, 'tr-' || md5(i::text) FROM generate_series(1, ${n}) i
    UNION ALL SELECT 'env', (ARRAY['prod', 'prod', 'staging', 'dev'])[1 + i % 4], 'tr-' || md5(i::text) FROM generate_series(1, ${n}) i`)
  await client.query(`INSERT INTO trace_request_metadata (key, value, request_id)
    SELECT 'mlflow.trace.user', 'user' || (i % 50) || '@example.com', 'tr-' || md5(i::text) FROM generate_series(1, ${n}) i
    UNION ALL SELECT 'mlflow.trace.session', 'sess-' || (i / 8), 'tr-' || md5(i::text) FROM generate_series(1, ${n}) i
    UNION ALL SELECT 'mlflow.trace.tokenUsage', json_build_object('input_tokens', 20 + i % 300, 'output_tokens', 10 + i % 200, 'total_tokens', 30 + i % 300 + i % 200)::text, 'tr-' || md5(i::text) FROM generate_series(1, ${n}) i`)
  await client.query(`INSERT INTO spans (trace_id, experiment_id, span_id, parent_span_id, name, type, status, start_time_unix_nano, end_time_unix_nano, content)
    SELECT 'tr-' || md5(i::text), CASE WHEN i % 4 = 0 THEN 102 ELSE 101 END, md5(i::text || '-' || s), CASE WHEN s = 0 THEN NULL ELSE md5(i::text || '-0') END,
           (ARRAY['root', 'retrieve', 'chat', 'run_sql'])[1 + s], (ARRAY['AGENT', 'RETRIEVER', 'CHAT_MODEL', 'TOOL'])[1 + s],
           CASE WHEN s = 3 AND i % 23 = 0 THEN 'ERROR' ELSE 'OK' END, (1767225600000 + i * 997)::bigint * 1000000 + s, (1767225600000 + i * 997)::bigint * 1000000 + 1000000 + s, '{}'
    FROM generate_series(1, ${n}) i, generate_series(0, 3) s`)
  await client.query(`INSERT INTO assessments (assessment_id, trace_id, name, assessment_type, value, created_timestamp, last_updated_timestamp, source_type, source_id, valid)
    SELECT 'a-' || md5(i::text || 'g'), 'tr-' || md5(i::text), 'groundedness', 'feedback', ((i * 37) % 100 / 100.0)::text, i, i, 'LLM_JUDGE', 'judge', true
    FROM generate_series(1, ${n}) i WHERE i % 3 = 0
    UNION ALL SELECT 'a-' || md5(i::text || 't'), 'tr-' || md5(i::text), 'user_thumbs_up', 'feedback', CASE WHEN i % 5 = 0 THEN 'false' ELSE 'true' END, i, i, 'HUMAN', 'user', true
    FROM generate_series(1, ${n}) i WHERE i % 7 = 0`)
  await client.query('ANALYZE')
}

async function benchStore(n: number, log: (m: string) => void): Promise<{ target: ConnectionTarget; stop: () => Promise<void> }> {
  const cluster = await startCluster({ dataDir: join(BENCH_DIR, 'pg'), password: 'mlflow-desk-bench' })
  const database = `mlflow_bench_traces_${n}`
  const target: ConnectionTarget = {
    host: cluster.host,
    port: cluster.port,
    user: cluster.user,
    password: cluster.password,
    database,
    ssl: { mode: 'disable', root_cert: null, cert: null, key: null },
  }
  const stop = () => (cluster.owned ? cluster.stop() : Promise.resolve())
  const admin = await openWritableClient({ ...target, database: 'postgres' })
  try {
    if ((await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1) return { target, stop }
    log(`generating ${n.toLocaleString('en')} traces in ${database} (once; kept for later runs)…`)
    await admin.query(`CREATE DATABASE ${database}`)
  } finally {
    await admin.end()
  }
  try {
    await migrateStore(target)
    const client = await openWritableClient(target)
    try {
      const t0 = performance.now()
      await fill(client, n)
      log(`  filled in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
    } finally {
      await client.end()
    }
  } catch (e) {
    // Half a store is worse than none: the next run starts again.
    const admin2 = await openWritableClient({ ...target, database: 'postgres' })
    await admin2.query(`DROP DATABASE IF EXISTS ${database}`).finally(() => admin2.end())
    throw e
  }
  return { target, stop }
}

export async function runTraceSearchBench(opts: { repeat: number; warmup: number; traces: number }, log: (m: string) => void): Promise<void> {
  const { target, stop } = await benchStore(opts.traces, log)
  const store = await openStore(target)
  try {
    const one = ['101']
    const page =
      (filter?: string, order_by?: string[], experiment_ids = one) =>
      () =>
        searchTraces(store, { experiment_ids, filter, order_by, max_results: 100 })
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['first page (100), default order, biggest experiment', page()],
      ['first page (100), default order, both experiments', page(undefined, undefined, ['101', '102'])],
      ["first page, tags.env = 'prod' AND trace.status = 'OK'", page("tags.env = 'prod' AND trace.status = 'OK'")],
      ["first page, trace.status = 'ERROR'", page("trace.status = 'ERROR'")],
      ["first page, metadata.`mlflow.trace.user` = 'user7@…'", page("metadata.`mlflow.trace.user` = 'user7@example.com'")],
      ["first page, span.type = 'TOOL' AND span.status = 'ERROR'", page("span.type = 'TOOL' AND span.status = 'ERROR'")],
      ['first page, feedback.groundedness < 0.2', page('feedback.groundedness < 0.2')],
      ["first page, free text 'refund'", page("'refund'")],
      ['first page, ordered by execution_time_ms DESC', page(undefined, ['execution_time_ms DESC'])],
      ['first page, ordered by trace.tokens.total DESC', page(undefined, ['trace.tokens.total DESC'])],
      ['first page, ordered by feedback.groundedness DESC', page(undefined, ['feedback.groundedness DESC'])],
    ]
    for (const [name, fn] of cases) console.log(formatFigure(await measure(`traces.search ${name}`, fn, opts)))
    // A deep page: the token of page 50 in hand, the next page costs what the first did.
    let token: string | null = null
    for (let i = 0; i < 50; i++) token = (await searchTraces(store, { experiment_ids: one, max_results: 100, page_token: token })).next_page_token
    console.log(
      formatFigure(
        await measure(
          'traces.search page 51 (keyset), default order',
          () => searchTraces(store, { experiment_ids: one, max_results: 100, page_token: token }),
          opts,
        ),
      ),
    )
    console.log(
      formatFigure(
        await measure('traces.columns, both experiments', () => traceColumns(store, ['101', '102']), { repeat: Math.min(opts.repeat, 5), warmup: 1 }),
      ),
    )
  } finally {
    await store.close()
    await stop()
  }
}
