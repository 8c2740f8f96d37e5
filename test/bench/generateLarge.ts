/**
 * Seed the benchmark stores into an embedded PostgreSQL under /tmp and print
 * what it took:
 *
 *   npx tsx test/bench/generateLarge.ts                 # large
 *   npx tsx test/bench/generateLarge.ts medium large    # both, in order
 *
 * Each size goes to its own database (mlflow_bench_<size>, recreated every run)
 * whose schema is the MLflow-written fixture's, emptied. The databases are kept
 * for the benchmarks; the cluster is stopped at the end.
 */
import Module from 'node:module'
import { join, resolve } from 'node:path'
import pg from 'pg'
import type { SeedSize } from '../../electron/services/demo/generator'
import { FIXTURES } from '../helpers/fixtures'
import { loadPlainDump } from '../helpers/pgDump'

/**
 * `npx tsx` reads the root tsconfig.json, which only references the others, so
 * the @shared/@services/@migrations aliases (tsconfig.node.json, vite) do not
 * resolve. Map them here; the modules that need them are imported afterwards.
 */
const ALIASES: Record<string, string> = {
  '@shared/': resolve(__dirname, '../../shared') + '/',
  '@services/': resolve(__dirname, '../../electron/services') + '/',
  '@migrations/': resolve(__dirname, '../../migrations') + '/',
}
const loader = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string }
const resolveFilename = loader._resolveFilename
loader._resolveFilename = (request: string, ...rest: unknown[]) => {
  const alias = Object.keys(ALIASES).find((a) => request.startsWith(a))
  return resolveFilename(alias ? ALIASES[alias] + request.slice(alias.length) : request, ...rest)
}

const BENCH_DIR = '/tmp/mlflow-desk-bench'
const TEMPLATE = 'mlflow_bench_schema'
const SIZES: readonly SeedSize[] = ['small', 'medium', 'large']

const fmt = (n: number) => n.toLocaleString('en-US')

async function main(): Promise<void> {
  const sizes = (process.argv.slice(2).length ? process.argv.slice(2) : ['large']) as SeedSize[]
  for (const s of sizes) if (!SIZES.includes(s)) throw new Error(`unknown size "${s}" (small, medium, large)`)

  const { startCluster } = await import('../../electron/services/demo/embeddedCluster')
  const { seedStore } = await import('../../electron/services/demo/generator')
  const cluster = await startCluster({ dataDir: join(BENCH_DIR, 'pg'), password: 'mlflow-desk-bench' })
  const connect = async (database: string) => {
    const c = new pg.Client({ host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database })
    // Stopping the cluster ends open sessions; that must not crash the report of the real error.
    c.on('error', () => undefined)
    await c.connect()
    return c
  }
  const admin = await connect('postgres')
  try {
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [TEMPLATE])
    if (exists.rowCount === 0) {
      // MLflow's own schema: the fixture dump, every table but alembic_version emptied. Built under
      // another name and renamed at the end, so an interrupted run never leaves a half-made template.
      const building = `${TEMPLATE}_building`
      await admin.query(`DROP DATABASE IF EXISTS ${building}`)
      await admin.query(`CREATE DATABASE ${building}`)
      const c = await connect(building)
      await loadPlainDump(c, FIXTURES.small.dump)
      const { rows } = await c.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'`)
      // The dump empties search_path for its session, hence the schema-qualified names.
      await c.query(`TRUNCATE ${rows.map((r) => `public."${r.t}"`).join(', ')} CASCADE`)
      await c.end()
      await admin.query(`ALTER DATABASE ${building} RENAME TO ${TEMPLATE}`)
    }
    const server = await admin.query<{ server_version: string }>(`SHOW server_version`)
    console.log(`PostgreSQL ${server.rows[0].server_version} on 127.0.0.1:${cluster.port}, data in ${BENCH_DIR}/pg`)

    for (const size of sizes) {
      const db = `mlflow_bench_${size}`
      await admin.query(`DROP DATABASE IF EXISTS ${db}`)
      await admin.query(`CREATE DATABASE ${db} TEMPLATE ${TEMPLATE}`)
      const c = await connect(db)
      let peakRss = 0
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250)
      const t0 = performance.now()
      const log = (msg: string) => console.log(`  [${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}`)
      console.log(`\n== ${size} -> ${db}`)
      try {
        const report = await seedStore(c, { size, seed: 1, artifactRoot: join(BENCH_DIR, `artifacts-${size}`), onProgress: log })
        clearInterval(sampler)
        const dbSize = await c.query<{ bytes: string; pretty: string }>(`SELECT pg_database_size(current_database()) AS bytes, pg_size_pretty(pg_database_size(current_database())) AS pretty`)
        const secs = report.elapsedMs / 1000
        console.log(`\n  elapsed        ${secs.toFixed(1)} s`)
        console.log(`  rows           ${fmt(report.totalRows)} (${fmt(Math.round(report.totalRows / secs))} rows/s overall)`)
        console.log(`  database size  ${dbSize.rows[0].pretty} (${fmt(Number(dbSize.rows[0].bytes))} bytes)`)
        console.log(`  peak RSS       ${fmt(Math.round(peakRss / 2 ** 20))} MiB (node)`)
        console.log('  per table:')
        for (const [table, n] of Object.entries(report.rows)) {
          const ms = report.timings[`copy ${table}`] ?? 0
          const rate = ms > 0 ? `${fmt(Math.round((n / ms) * 1000))} rows/s` : ''
          console.log(`    ${table.padEnd(26)} ${fmt(n).padStart(12)}  ${(ms / 1000).toFixed(1).padStart(7)} s  ${rate}`)
        }
        const other = Object.entries(report.timings).filter(([k]) => !k.startsWith('copy '))
        console.log('  other phases:')
        for (const [k, ms] of other) console.log(`    ${k.padEnd(40)} ${(ms / 1000).toFixed(1).padStart(7)} s`)
      } finally {
        clearInterval(sampler)
        await c.end()
      }
    }
  } finally {
    await admin.end()
    if (cluster.owned) await cluster.stop()
  }
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
