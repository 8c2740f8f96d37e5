import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { startCluster, type EmbeddedCluster } from '../../electron/services/demo/embeddedCluster'
import { FIXTURES } from './fixtures'
import { loadPlainDump } from './pgDump'
import { binDirFor, runMajor } from './pgVersions'

declare module 'vitest' {
  export interface ProvidedContext {
    pg: { host: string; port: number; user: string; password: string; major: number }
  }
}

let cluster: EmbeddedCluster | undefined
let dir: string | undefined

/**
 * One real PostgreSQL for the whole integration run, of the version
 * MLFLOW_DESK_TEST_PG names (default: the one the app ships with). The
 * MLflow-written fixture stores are restored once into template databases; each
 * test file clones what it needs (CREATE DATABASE ... TEMPLATE), which takes milliseconds.
 */
export async function setup(project: TestProject): Promise<void> {
  const major = runMajor()
  dir = await mkdtemp(join(tmpdir(), 'mlflow-desk-test-pg-'))
  await chmod(dir, 0o755) // as root the server runs as 'postgres' and must enter it
  cluster = await startCluster({ dataDir: join(dir, 'data'), password: 'test-pg-password', ephemeral: true, binDir: await binDirFor(major) })
  const admin = new pg.Client({ host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database: 'postgres' })
  await admin.connect()
  for (const fx of Object.values(FIXTURES)) {
    await admin.query(`CREATE DATABASE ${fx.template}`)
    const c = new pg.Client({ host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, database: fx.template })
    await c.connect()
    await loadPlainDump(c, fx.dump)
    await c.end()
  }
  await admin.end()
  project.provide('pg', { host: cluster.host, port: cluster.port, user: cluster.user, password: cluster.password, major })
}

export async function teardown(): Promise<void> {
  await cluster?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
}
