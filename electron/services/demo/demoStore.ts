import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { chmod, mkdir, writeFile } from 'node:fs/promises'
import pg from 'pg'
import type { ConnectionSummary } from '@shared/api/contract'
import { AppError, isAppError } from '@shared/api/errors'
import { demoPaths } from '../config/appPaths'
import { describeTarget, type ConnectionTarget } from '../connections/connectionUrl'
import { MLFLOW_HEAD_REVISION } from '../mlflowSchema/revisions'
import { openWritableClient } from '../connections/storeConnection'
import { startCluster, type EmbeddedCluster } from './embeddedCluster'

export const DEMO_DATABASE = 'mlflow_demo'

export interface DemoStore {
  target: ConnectionTarget
  cluster: EmbeddedCluster
  artifactRoot: string
  /** True when this call seeded the store (first start). */
  seededNow: boolean
}

/** The demo cluster's password: random per installation, kept in a 0600 file beside the data. */
async function demoPassword(file: string): Promise<string> {
  if (existsSync(file)) {
    const { password } = JSON.parse(readFileSync(file, 'utf8')) as { password?: string }
    if (password) return password
  }
  const password = randomBytes(18).toString('base64url')
  await writeFile(file, JSON.stringify({ password }) + '\n', { mode: 0o600 })
  await chmod(file, 0o600)
  return password
}

/**
 * The built-in demo store: an embedded PostgreSQL in the app's data folder,
 * migrated to MLflow's schema and seeded once with generated runs and artifacts.
 * Idempotent and safe to call from two processes at once (a second one joins
 * the running server; seeding takes an advisory lock and re-checks).
 */
export async function ensureDemoStore(home: string, onProgress: (msg: string) => void = () => undefined): Promise<DemoStore> {
  const paths = demoPaths(home)
  await mkdir(paths.root, { recursive: true, mode: 0o700 })
  // As root, PostgreSQL runs as the 'postgres' user and must pass through this folder
  // to its data: let it traverse (x), not list (r). credentials.json itself stays 0600.
  if (process.getuid?.() === 0) await chmod(paths.root, 0o711)
  const password = await demoPassword(paths.credentials)
  const cluster = await startCluster({ dataDir: paths.pgData, password, onStart: () => onProgress('Starting the embedded PostgreSQL…') })
  const admin = new pg.Client({ host: cluster.host, port: cluster.port, user: cluster.user, password, database: 'postgres' })
  try {
    await admin.connect()
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DEMO_DATABASE])
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${DEMO_DATABASE}`)
  } catch (e) {
    throw new AppError('DEMO_UNAVAILABLE', `The demo store could not be prepared: ${e instanceof Error ? e.message : String(e)}`)
  } finally {
    await admin.end().catch(() => undefined)
  }
  // Loopback to our own embedded server, which has no TLS.
  const target: ConnectionTarget = {
    host: cluster.host,
    port: cluster.port,
    user: cluster.user,
    password,
    database: DEMO_DATABASE,
    ssl: { mode: 'disable', root_cert: null, cert: null, key: null },
  }
  const seededNow = await prepareOnce(target, paths.artifacts, onProgress)
  return { target, cluster, artifactRoot: paths.artifacts, seededNow }
}

async function alembicRevision(client: pg.Client): Promise<string | null> {
  try {
    return (await client.query<{ v: string }>('SELECT version_num AS v FROM alembic_version LIMIT 1')).rows[0]?.v ?? null
  } catch {
    return null
  }
}

/** Traces of the demo store's three GenAI applications (experiments after the runs'). */
const DEMO_TRACES = 600

/**
 * Migrate and seed on the first start only. A warm start finds the store at our
 * revision and seeded with two cheap queries, without loading the migration
 * machinery (umzug) or the generator.
 */
async function prepareOnce(target: ConnectionTarget, artifactRoot: string, onProgress: (msg: string) => void): Promise<boolean> {
  const client = await openWritableClient(target)
  try {
    if ((await alembicRevision(client)) !== MLFLOW_HEAD_REVISION) {
      const { migrateStore } = await import('../tracking/migrate')
      await migrateStore(target)
    }
    // Serialise concurrent first starts; the loser finds the store seeded. (A session lock is
    // fine here: this is our own embedded server, never a user's server behind a pooler.)
    await client.query('SELECT pg_advisory_lock(hashtext($1))', ['mlflow-desk-demo-seed'])
    const { rows } = await client.query<{ n: number; traces: boolean }>(
      'SELECT count(*)::int AS n, EXISTS (SELECT 1 FROM trace_info) AS traces FROM experiments',
    )
    if (rows[0].n > 0 && rows[0].traces) return false
    const { seedGenaiStore } = await import('./generator/genai')
    // The GenAI side too, so the Traces, Sessions and Overview tabs have something to show
    // (added once to a demo store seeded before it had traces).
    const seedTraces = () => seedGenaiStore(client, { size: 'small', traces: DEMO_TRACES, beside: true, artifactRoot })
    if (rows[0].n > 0) {
      onProgress('Adding GenAI traces to the demo store (once)…')
      await seedTraces()
      return false
    }
    onProgress('Seeding the demo store (first start only)…')
    const { seedStore } = await import('./generator')
    const report = await seedStore(client, { size: 'small', artifactRoot })
    const genai = await seedTraces()
    const n = (t: string) => (report.rows[t] ?? 0).toLocaleString('en-US')
    onProgress(
      `Seeded ${n('runs')} runs, ${n('metrics')} metric rows, ${report.artifactFiles.toLocaleString('en-US')} artifact files and ${(genai.rows.trace_info ?? 0).toLocaleString('en-US')} traces in ${((report.elapsedMs + genai.elapsedMs) / 1000).toFixed(1)} s.`,
    )
    return true
  } catch (e) {
    if (isAppError(e)) throw e
    throw new AppError('DEMO_UNAVAILABLE', `Seeding the demo store failed: ${e instanceof Error ? e.message : String(e)}`)
  } finally {
    await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined)
    await client.end().catch(() => undefined)
  }
}

export function demoSummary(target: ConnectionTarget): ConnectionSummary {
  return { id: 'demo', name: 'Demo store', environment: 'demo', display: describeTarget(target) }
}
