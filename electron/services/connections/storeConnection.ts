import { QueryTypes, Sequelize, Transaction } from 'sequelize'
import type { BindOrReplacements } from 'sequelize'
import type { ConnectionOptions } from 'node:tls'
import pg from 'pg'
import { AppError } from '@shared/api/errors'
import { sendCancelRequest } from './cancelRequest'
import { DEFAULT_SSL, describeTarget, type ConnectionTarget } from './connectionUrl'
import { toStoreError } from './pgErrors'
import { openTunnel, type SshTunnel } from './sshTunnel'
import { connectWithLibpqTls } from './tlsOptions'
import { probeSchema, type StoreSchema } from '../tracking/schemaProbe'
import { defineTrackingModels, type TrackingModels } from '../tracking/models'

export interface StoreOptions {
  /** Per-statement limit on the server, in ms (libpq's statement_timeout). */
  statementTimeoutMs?: number
  connectTimeoutMs?: number
  poolMax?: number
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000

/** One pooled connection checked out for a statement that needs it alone (a cursor of the raw SQL console). */
export interface DedicatedConnection {
  /** The session is the store's: READ ONLY by default, with the statement timeout and search_path set. */
  readonly client: pg.Client
  /** The server process behind it (pg_backend_pid()). */
  readonly pid: number
  /** PostgreSQL's cancel request for exactly this backend: what runs on it stops, the connection stays open. */
  cancel(): Promise<void>
  /** Aborted when the store closes (profile switched, window closed): stop, the pool is going away. */
  readonly closing: AbortSignal
  /** A driver error in our terms, naming the store (a lost SSH tunnel said as such). */
  toError(e: unknown): AppError
  /** Back to the pool; `broken` destroys it instead (after an error that may have left it mid-protocol). */
  release(broken?: boolean): Promise<void>
}

/** An open, read-only connection pool to one MLflow store and what we know about it. */
export interface StoreHandle {
  readonly target: ConnectionTarget
  /** user@host:port/db — safe to show. */
  readonly where: string
  readonly sequelize: Sequelize
  readonly schema: StoreSchema
  readonly models: TrackingModels
  readonly serverVersion: string
  /** Whether the connection is encrypted (TLS). */
  readonly tls: boolean
  /** The statement timeout every session has (the profile's, or --statement-timeout), in ms. */
  readonly statementTimeoutMs: number
  /** The SSH host key seen, when tunnelled. */
  readonly sshFingerprint: string | null
  /** One read statement with bind parameters ($1, $2...). */
  select<T extends object>(sql: string, bind?: BindOrReplacements, transaction?: Transaction): Promise<T[]>
  /** Several statements that must see one snapshot (REPEATABLE READ, read only). */
  read<T>(fn: (t: Transaction) => Promise<T>): Promise<T>
  /** Check out one pooled connection for exclusive use; give it back with release(). */
  checkout(): Promise<DedicatedConnection>
  /** Cancel every running statement on the server (PostgreSQL's cancel request). */
  cancelAll(): Promise<number>
  /** Cancel what runs, close the pool and the tunnel. */
  close(): Promise<void>
}

/**
 * node-postgres returns int8 as strings to avoid precision loss. MLflow's int8
 * columns are ms timestamps and steps (<= 2^53 in every real store), so numbers
 * it is, set once for the process.
 */
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v))

interface Endpoint {
  host: string
  port: number
}

/** The pooled pg clients of one store, to send cancel requests for their running queries. */
class ClientTracker {
  readonly clients = new Set<pg.Client>()

  add(c: pg.Client): void {
    this.clients.add(c)
    c.once('end', () => this.clients.delete(c))
  }

  async cancelAll(endpoint: Endpoint): Promise<number> {
    const busy = [...this.clients].filter((c) => (c as unknown as { _activeQuery?: unknown })._activeQuery)
    // PostgreSQL's CancelRequest (pid + secret key of the busy connection) over a fresh socket.
    // (pg's own Client.cancel reads the deprecated activeQuery, which prints a warning on stderr.)
    await Promise.all(busy.map((c) => {
      const backend = c as unknown as { processID: number; secretKey: number }
      return sendCancelRequest(endpoint, backend.processID, backend.secretKey)
    }))
    return busy.length
  }
}

function sequelizeFor(
  target: ConnectionTarget,
  endpoint: Endpoint,
  ssl: false | ConnectionOptions,
  opts: StoreOptions,
  sessionSql: string | null,
  tracker?: ClientTracker,
): Sequelize {
  return new Sequelize({
    dialect: 'postgres',
    dialectModule: pg,
    host: endpoint.host,
    port: endpoint.port,
    database: target.database,
    username: target.user,
    password: target.password,
    logging: false,
    pool: { max: opts.poolMax ?? 4, min: 0, idle: 10_000, acquire: 60_000 },
    dialectOptions: {
      ssl,
      application_name: 'mlflow-desk',
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      ...(target.options ? { options: target.options } : {}),
    },
    hooks: {
      // One round trip per new pooled connection. Session settings rather than
      // startup `options` because poolers such as pgbouncer refuse unknown startup parameters.
      afterConnect: async (connection: unknown) => {
        tracker?.add(connection as pg.Client)
        if (sessionSql) await (connection as pg.Client).query(sessionSql)
      },
    },
  })
}

/** Connect following libpq's sslmode, falling back for allow/prefer as libpq does. */
async function connect(
  target: ConnectionTarget,
  endpoint: Endpoint,
  opts: StoreOptions,
  sessionSql: string | null,
  tracker?: ClientTracker,
): Promise<{ sequelize: Sequelize; serverVersion: string }> {
  return connectWithLibpqTls(target.ssl ?? DEFAULT_SSL, target.host, async (tls) => {
    const sequelize = sequelizeFor(target, endpoint, tls, opts, sessionSql, tracker)
    try {
      const [{ server_version }] = await sequelize.query<{ server_version: string }>('SHOW server_version', { type: QueryTypes.SELECT })
      return { sequelize, serverVersion: server_version }
    } catch (e) {
      await sequelize.close().catch(() => undefined)
      throw e
    }
  })
}

/**
 * Open a store for reading. Every session is READ ONLY by default (the server
 * refuses writes even if our code tried one) and has a statement timeout; the
 * catalog is probed once so readers know which tables and columns exist.
 */
export async function openStore(target: ConnectionTarget, opts: StoreOptions = {}): Promise<StoreHandle> {
  const where = describeTarget(target)
  const timeout = Math.max(1, Math.floor(opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS))
  const searchPath = target.schema ? `; SET search_path TO ${pg.escapeIdentifier(target.schema)}` : ''
  const sessionSql = `SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; SET statement_timeout = ${timeout}${searchPath}`
  const tunnel: SshTunnel | null = target.ssh ? await openTunnel(target.ssh, target.host, target.port) : null
  const endpoint = tunnel ? { host: '127.0.0.1', port: tunnel.localPort } : { host: target.host, port: target.port }
  const tracker = new ClientTracker()
  const closing = new AbortController()
  let sequelize: Sequelize | null = null
  try {
    const conn = await connect(target, endpoint, opts, sessionSql, tracker)
    sequelize = conn.sequelize
    const seq = sequelize
    const schema = await probeSchema(seq)
    const [{ ssl }] = await seq.query<{ ssl: boolean | null }>('SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()', { type: QueryTypes.SELECT })
    const models = defineTrackingModels(seq, schema)
    // A dropped SSH connection reaches the driver as "Connection terminated": say what happened.
    const translate = (e: unknown) => tunnel?.lost() ?? toStoreError(e, where)
    return {
      target,
      where,
      sequelize: seq,
      schema,
      models,
      serverVersion: conn.serverVersion,
      tls: !!ssl,
      sshFingerprint: tunnel?.fingerprint ?? null,
      statementTimeoutMs: timeout,
      async select<T extends object>(sql: string, bind?: BindOrReplacements, transaction?: Transaction) {
        try {
          return await seq.query<T>(sql, { type: QueryTypes.SELECT, bind, transaction })
        } catch (e) {
          throw translate(e)
        }
      },
      async read<T>(fn: (t: Transaction) => Promise<T>) {
        try {
          return await seq.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ }, fn)
        } catch (e) {
          throw translate(e)
        }
      },
      async checkout() {
        if (closing.signal.aborted) throw new AppError('CANCELLED', `The connection to ${where} was closed.`)
        let client: pg.Client
        try {
          client = (await seq.connectionManager.getConnection({ type: 'write' })) as pg.Client
        } catch (e) {
          throw translate(e)
        }
        const backend = client as unknown as { processID: number; secretKey: number }
        let released = false
        return {
          client,
          pid: backend.processID,
          closing: closing.signal,
          cancel: () => sendCancelRequest(endpoint, backend.processID, backend.secretKey),
          toError: translate,
          async release(broken = false) {
            if (released) return
            released = true
            if (broken) await seq.connectionManager.destroyConnection(client).catch(() => undefined)
            else seq.connectionManager.releaseConnection(client)
          },
        }
      },
      cancelAll: () => tracker.cancelAll(endpoint),
      async close() {
        closing.abort()
        await tracker.cancelAll(endpoint).catch(() => 0)
        await seq.close().catch(() => undefined)
        await tunnel?.close()
      },
    }
  } catch (e) {
    await sequelize?.close().catch(() => undefined)
    await tunnel?.close()
    // Through a tunnel, a failed forward reaches the driver only as a closed socket: say why instead.
    // The TLS settings let a certificate error name the sslrootcert that was used.
    throw tunnel?.lost() ?? tunnel?.forwardFailure() ?? toStoreError(e, where, target.ssl ?? DEFAULT_SSL)
  }
}

/**
 * A writable connection, only for what the user asked to write by name:
 * `migrate` and seeding the demo store. Never used to read a tracking store.
 */
export async function openWritable(target: ConnectionTarget): Promise<Sequelize> {
  try {
    return (await connect(target, { host: target.host, port: target.port }, { poolMax: 2 }, null)).sequelize
  } catch (e) {
    throw toStoreError(e, describeTarget(target), target.ssl ?? DEFAULT_SSL)
  }
}

/**
 * A single writable pg client (COPY needs one connection), with the same TLS
 * rules as every other connection. Only for `generate` and the demo's seeding.
 */
export async function openWritableClient(target: ConnectionTarget): Promise<pg.Client> {
  try {
    return await connectWithLibpqTls(target.ssl ?? DEFAULT_SSL, target.host, async (tls) => {
      const c = new pg.Client({ host: target.host, port: target.port, user: target.user, password: target.password, database: target.database, ssl: tls, application_name: 'mlflow-desk' })
      try {
        await c.connect()
        return c
      } catch (e) {
        await c.end().catch(() => undefined)
        throw e
      }
    })
  } catch (e) {
    throw toStoreError(e, describeTarget(target), target.ssl ?? DEFAULT_SSL)
  }
}
