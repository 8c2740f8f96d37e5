import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { openWritableClient } from '../../electron/services/connections/storeConnection'
import type { ConnectionTarget } from '../../electron/services/connections/connectionUrl'
import { startCluster, type EmbeddedCluster } from '../../electron/services/demo/embeddedCluster'
import { seedStore, type SeedSize } from '../../electron/services/demo/generator'
import { migrateStore } from '../../electron/services/tracking/migrate'

/** Generated stores are kept between runs: generating the large one takes minutes. */
export const BENCH_DIR = process.env.MLFLOW_DESK_BENCH_DIR ?? join(tmpdir(), 'mlflow-desk-bench')

export interface BenchStore {
  target: ConnectionTarget
  cluster: EmbeddedCluster
  /** Set when this run generated the store. */
  generated?: { seconds: number; rows: Record<string, number> }
}

/**
 * An embedded PostgreSQL under BENCH_DIR holding mlflow_bench_<size>: created
 * with our migrations and the generator the first time, reused afterwards.
 */
export async function ensureBenchStore(size: SeedSize, log: (msg: string) => void, regenerate = false): Promise<BenchStore> {
  const cluster = await startCluster({ dataDir: join(BENCH_DIR, 'pg'), password: 'mlflow-desk-bench' })
  const database = `mlflow_bench_${size}`
  const target: ConnectionTarget = {
    host: cluster.host,
    port: cluster.port,
    user: cluster.user,
    password: cluster.password,
    database,
    ssl: { mode: 'disable', root_cert: null, cert: null, key: null },
  }
  const admin = await openWritableClient({ ...target, database: 'postgres' })
  try {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount === 1
    if (!regenerate && exists && (await hasRuns(target))) return { target, cluster }
    log(`generating the ${size} store in ${BENCH_DIR} (once; it is kept for later runs)…`)
    await admin.query(`DROP DATABASE IF EXISTS ${database}`)
    await admin.query(`CREATE DATABASE ${database}`)
  } finally {
    await admin.end()
  }
  await migrateStore(target)
  const client = await openWritableClient(target)
  try {
    const report = await seedStore(client, { size, artifactRoot: join(BENCH_DIR, `artifacts-${size}`), onProgress: (m) => log(`  ${m}`) })
    return { target, cluster, generated: { seconds: report.elapsedMs / 1000, rows: report.rows } }
  } finally {
    await client.end()
  }
}

async function hasRuns(target: ConnectionTarget): Promise<boolean> {
  const c = await openWritableClient(target)
  try {
    const { rows } = await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM (SELECT 1 FROM runs LIMIT 1) x`)
    return rows[0].n > 0
  } catch {
    return false
  } finally {
    await c.end()
  }
}
