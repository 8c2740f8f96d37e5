/**
 * `npm run bench -- --traces [--size large|medium|small]`: traces:search as the Traces list asks
 * it, on the store `mlflow-desk generate --genai --size S` writes (through our migrations; kept
 * under BENCH_DIR between runs): large is 1M traces, ~10M spans, ~1.3M assessments in three
 * experiments. Prints first-page figures (100 traces) for the default order and the filters and
 * orders the list offers, a deep keyset page, and traces:columns.
 */
import { join } from 'node:path'
import type { ConnectionTarget } from '../../electron/services/connections/connectionUrl'
import { openStore, openWritableClient } from '../../electron/services/connections/storeConnection'
import { startCluster } from '../../electron/services/demo/embeddedCluster'
import { traceColumns } from '../../electron/services/traces/traceColumns'
import { searchTraces } from '../../electron/services/traces/traceSearch'
import { migrateStore } from '../../electron/services/tracking/migrate'
import { seedGenaiStore, type GenaiSize } from '../../electron/services/demo/generator/genai'
import { GENAI_TRACES } from '../../electron/services/demo/generator/genaiPlan'
import { BENCH_DIR } from './benchStore'

/** The generated store's clock (its last request), fixed so every bench machine has the same rows. */
const GENERATED_AT = Date.UTC(2026, 10, 30, 12, 0, 0)
import { formatFigure, measure } from './measure'

/** The generated GenAI store of this size (made once, kept under BENCH_DIR). */
export async function genaiBenchStore(size: GenaiSize, log: (m: string) => void): Promise<{ target: ConnectionTarget; stop: () => Promise<void> }> {
  const cluster = await startCluster({ dataDir: join(BENCH_DIR, 'pg'), password: 'mlflow-desk-bench' })
  const database = `mlflow_bench_genai_${size}`
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
    log(`generating the ${size} GenAI store (${GENAI_TRACES[size].toLocaleString('en')} traces) in ${database} (once; kept for later runs)…`)
    await admin.query(`CREATE DATABASE ${database}`)
  } finally {
    await admin.end()
  }
  try {
    await migrateStore(target)
    const client = await openWritableClient(target)
    try {
      const report = await seedGenaiStore(client, { size, seed: 1, now: GENERATED_AT, artifactRoot: join(BENCH_DIR, 'genai-artifacts'), onProgress: log })
      log(
        `  ${report.rows.spans.toLocaleString('en')} spans, ${report.rows.assessments.toLocaleString('en')} assessments in ${(report.elapsedMs / 1000).toFixed(1)} s`,
      )
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

export async function runTraceSearchBench(opts: { repeat: number; warmup: number; size: GenaiSize }, log: (m: string) => void): Promise<void> {
  const { target, stop } = await genaiBenchStore(opts.size, log)
  const store = await openStore(target)
  try {
    const one = ['1']
    const page =
      (filter?: string, order_by?: string[], experiment_ids = one) =>
      () =>
        searchTraces(store, { experiment_ids, filter, order_by, max_results: 100 })
    const cases: Array<[string, () => Promise<unknown>]> = [
      ['first page (100), default order, biggest experiment', page()],
      ['first page (100), default order, all three experiments', page(undefined, undefined, ['1', '2', '3'])],
      ["first page, tags.env = 'prod' AND trace.status = 'OK'", page("tags.env = 'prod' AND trace.status = 'OK'")],
      ["first page, trace.status = 'ERROR'", page("trace.status = 'ERROR'")],
      ["first page, metadata.`mlflow.trace.user` = 'user7@…'", page("metadata.`mlflow.trace.user` = 'user7@example.com'")],
      ["first page, span.type = 'CHAT_MODEL' AND span.status = 'ERROR'", page("span.type = 'CHAT_MODEL' AND span.status = 'ERROR'")],
      ["first page, sql-agent, span.type = 'TOOL' AND span.status = 'ERROR'", page("span.type = 'TOOL' AND span.status = 'ERROR'", undefined, ['2'])],
      ['first page, feedback.groundedness < 0.2', page('feedback.groundedness < 0.2')],
      ["first page, free text 'invoices'", page("'invoices'")],
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
        await measure('traces.columns, all three experiments', () => traceColumns(store, ['1', '2', '3']), { repeat: Math.min(opts.repeat, 5), warmup: 1 }),
      ),
    )
  } finally {
    await store.close()
    await stop()
  }
}
