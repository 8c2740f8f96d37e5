import { execFile } from 'node:child_process'
import { chown, mkdtemp, rm, stat, writeFile, appendFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { freePort, startCluster, type EmbeddedCluster } from '../../electron/services/demo/embeddedCluster'
import { loadPlainDump } from './pgDump'

const run = promisify(execFile)

export interface ReplicaPair {
  primary: EmbeddedCluster
  standby: EmbeddedCluster
  password: string
  /** The fixture database, on both. */
  database: string
  url(server: EmbeddedCluster, database?: string): string
  client(server: EmbeddedCluster, database?: string): Promise<pg.Client>
  /** Wait until the standby has replayed everything the primary has written so far. */
  caughtUp(): Promise<void>
  stop(): Promise<void>
}

/**
 * A primary and a hot standby streaming from it, both started by the test with
 * the binaries of `binDir`. The standby is a file copy of the primary's data
 * folder after a clean shutdown, with standby.signal and primary_conninfo:
 * what `pg_basebackup -R` writes (pg_basebackup itself ships with no npm
 * package, and Debian's 15 cannot copy a newer server). `standbyFlags` add
 * server settings (e.g. max_standby_streaming_delay=0 to make conflicts immediate).
 */
export async function startReplicaPair(opts: { binDir: string; dump: string; standbyFlags?: string[] }): Promise<ReplicaPair> {
  const dir = await mkdtemp(join(tmpdir(), 'mlflow-desk-replica-'))
  await run('chmod', ['755', dir])
  const password = 'replica-test-password'
  const database = 'store'
  const primaryDir = join(dir, 'primary')
  const standbyDir = join(dir, 'standby')
  const primaryPort = await freePort()
  // Autovacuum off: a vacuum's cleanup replayed on the standby would cancel reads at random.
  const primaryFlags = ['-c', 'wal_level=replica', '-c', 'max_wal_senders=4', '-c', 'autovacuum=off']
  let primary = await startCluster({ dataDir: primaryDir, password, port: primaryPort, binDir: opts.binDir, postgresFlags: primaryFlags })
  const admin = new pg.Client({ host: '127.0.0.1', port: primaryPort, user: 'postgres', password, database: 'postgres' })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${database}`)
  await admin.end()
  const c = new pg.Client({ host: '127.0.0.1', port: primaryPort, user: 'postgres', password, database })
  await c.connect()
  await loadPlainDump(c, opts.dump)
  await c.end()
  await primary.stop()

  // The copy keeps owners and modes (as root the files belong to the postgres user).
  await run('cp', ['-a', primaryDir, standbyDir])
  const owner = await stat(join(standbyDir, 'PG_VERSION'))
  const signal = join(standbyDir, 'standby.signal')
  await writeFile(signal, '')
  await chown(signal, owner.uid, owner.gid)
  await appendFile(
    join(standbyDir, 'postgresql.auto.conf'),
    `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=postgres password=${password} application_name=desk_standby'\nhot_standby = on\n`,
  )

  primary = await startCluster({ dataDir: primaryDir, password, port: primaryPort, binDir: opts.binDir, postgresFlags: primaryFlags })
  const standby = await startCluster({ dataDir: standbyDir, password, binDir: opts.binDir, postgresFlags: opts.standbyFlags })

  const url = (server: EmbeddedCluster, db = database) => `postgresql://postgres:${password}@127.0.0.1:${server.port}/${db}?sslmode=disable`
  const client = async (server: EmbeddedCluster, db = database) => {
    const cl = new pg.Client({ host: '127.0.0.1', port: server.port, user: 'postgres', password, database: db })
    await cl.connect()
    return cl
  }
  const pair: ReplicaPair = {
    primary,
    standby,
    password,
    database,
    url,
    client,
    async caughtUp() {
      const p = await client(primary, 'postgres')
      const s = await client(standby, 'postgres')
      try {
        const { rows } = await p.query('SELECT pg_current_wal_lsn()::text AS lsn')
        for (let i = 0; i < 200; i++) {
          const r = await s.query('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [rows[0].lsn])
          if (r.rows[0].done) return
          await new Promise((res) => setTimeout(res, 50))
        }
        throw new Error('the standby did not catch up within 10 s')
      } finally {
        await p.end()
        await s.end()
      }
    },
    async stop() {
      await standby.stop()
      await primary.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
  await pair.caughtUp()
  return pair
}
