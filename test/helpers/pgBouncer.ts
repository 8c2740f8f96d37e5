import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../electron/services/demo/embeddedCluster'
import { serverUser } from '../../electron/services/demo/postgresServer'

export const PGBOUNCER = process.env.PGBOUNCER_PATH ?? '/usr/sbin/pgbouncer'

export interface Bouncer {
  port: number
  /** postgresql://… through the pooler to `database`. */
  url(database: string): string
  /** PgBouncer's log so far (what it did with each client, cancel requests included). */
  log(): Promise<string>
  stop(): Promise<void>
}

export interface BouncerOptions {
  /** The PostgreSQL server behind it. */
  server: { host: string; port: number; user: string; password: string }
  poolMode?: 'transaction' | 'session' | 'statement'
  /** Server connections per database/user pair: 1 makes every client share one server session. */
  poolSize?: number
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => (s.destroy(), resolve(true)))
    s.once('error', () => resolve(false))
  })
}

/**
 * A real PgBouncer (Debian's pgbouncer) on loopback in front of a test server,
 * as platform teams run it: transaction pooling and a small pool, so server
 * sessions pass from one client to the next after every transaction. As root
 * it runs as the postgres system user (PgBouncer refuses root).
 */
export async function startPgBouncer(opts: BouncerOptions): Promise<Bouncer> {
  if (!existsSync(PGBOUNCER)) throw new Error(`${PGBOUNCER} is missing: install Debian's pgbouncer (apt-get install pgbouncer); .ci/run does.`)
  const dir = await mkdtemp(join(tmpdir(), 'mlflow-desk-pgbouncer-'))
  await chmod(dir, 0o700)
  const port = await freePort()
  const { server } = opts
  const config = join(dir, 'pgbouncer.ini')
  const users = join(dir, 'userlist.txt')
  await writeFile(users, `"${server.user}" "${server.password}"\n`, { mode: 0o600 })
  await writeFile(
    config,
    [
      '[databases]',
      `* = host=${server.host} port=${server.port}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      "unix_socket_dir = ''",
      'auth_type = scram-sha-256',
      `auth_file = ${users}`,
      `pool_mode = ${opts.poolMode ?? 'transaction'}`,
      `default_pool_size = ${opts.poolSize ?? 1}`,
      'max_client_conn = 200',
      // What a session-mode client would have left behind is reset between clients; in transaction mode this runs never.
      'server_reset_query = DISCARD ALL',
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
    { mode: 0o600 },
  )
  const ids = await serverUser()
  if (ids) for (const f of [dir, users, config]) await chown(f, ids.uid, ids.gid)
  let stderr = ''
  const child: ChildProcess = spawn(PGBOUNCER, [config], { ...(ids ?? {}), stdio: ['ignore', 'ignore', 'pipe'] })
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)))
  let exited = false
  child.once('exit', () => (exited = true))
  const deadline = Date.now() + 15_000
  while (!(await listening(port))) {
    if (exited || Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`pgbouncer did not start: ${stderr.trim()}`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
  return {
    port,
    url: (database) => `postgresql://${encodeURIComponent(server.user)}:${encodeURIComponent(server.password)}@127.0.0.1:${port}/${database}?sslmode=disable`,
    log: () => readFile(join(dir, 'pgbouncer.log'), 'utf8').catch(() => ''),
    async stop() {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r))
        child.kill('SIGINT')
        await gone
      }
      await rm(dir, { recursive: true, force: true })
    },
  }
}
