import { QueryTypes, Sequelize, type Options } from 'sequelize'
import type { ConnectionOptions, TLSSocket } from 'node:tls'
import pg from 'pg'
import { AppError } from '@shared/api/errors'
import { sendCancelRequest } from './cancelRequest'
import { DEFAULT_SSL, describeTarget, type ConnectionTarget } from './connectionUrl'
import { isRecoveryConflict, recoveryConflictError, toStoreError } from './pgErrors'
import { passwordFor } from './pgpassPassword'
import { openTunnel, type SshTunnel } from './sshTunnel'
import { connectWithLibpqTls } from './tlsOptions'
import { probeStore, type StoreSchema } from './storeCapabilities'
import type { StoreCapabilities } from '../mlflowSchema/capabilities'
import { SERVER_SQL, checkServerVersion, readServer, type ServerInfo } from './serverVersion'
import { beginSql, optionSettings, setLocalSql, transactionSettings, type Settings } from './transactionSettings'
import { DEFAULT_CONSOLE_WORK_MEM, DEFAULT_VALUE_BYTES, MAX_VALUE_BYTES, MIN_VALUE_BYTES, workMemProblem } from '@shared/api/queryLimits'

export interface StoreOptions {
  /** Per-statement limit on the server, in ms (libpq's statement_timeout). */
  statementTimeoutMs?: number
  connectTimeoutMs?: number
  poolMax?: number
  /** Functions of the store's own (or of an extension) the SQL console may call: the profile's list, `schema.name` or `schema.*`. */
  consoleAllowedFunctions?: readonly string[]
  /**
   * Connections the SQL console (queries, EXPLAIN, exports, `mlflow-desk query`) may hold at once, in a
   * pool of its own: browsing never waits behind the console. More console work waits its turn. Default 2.
   */
  consolePoolMax?: number
  /** work_mem of the console's transactions (SET LOCAL): the profile's sql_console.work_mem; default the URI options' -c work_mem, else 64MB. */
  consoleWorkMem?: string
  /** Values above this many bytes reach the console's grid cut (the profile's sql_console.max_value_bytes); default 1 MiB. */
  consoleMaxValueBytes?: number
}

export const DEFAULT_CONSOLE_POOL_MAX = 2

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000

/** Reads run again after a standby cancelled them for a conflict with recovery, after these pauses (ms). */
const RECOVERY_CONFLICT_RETRIES_MS = [100, 500]

/** Run statements inside one read-only transaction of the store (its settings applied). */
export interface Reader {
  /** One read statement with bind parameters ($1, $2...). */
  select<T extends object>(sql: string, bind?: unknown[]): Promise<T[]>
}

/** How one read's transaction differs from the store's others. */
export interface ReadOptions {
  /** More SET LOCAL for this transaction only, sent with its BEGIN (no extra round trip), e.g. SERIAL_PLAN. */
  settings?: Settings
}

/** One pooled connection checked out for a statement that needs it alone (a cursor of the raw SQL console). */
export interface DedicatedConnection {
  /** Outside a transaction: call begin() first, and end the transaction (ROLLBACK) before release(). */
  readonly client: pg.Client
  /** The backend's process id as the server (or the pooler in front of it) announced it. */
  readonly pid: number
  /**
   * BEGIN READ ONLY with the store's settings as SET LOCAL (statement timeout, lock timeout,
   * idle-in-transaction timeout, search_path, the connection's options), plus `extra` (more SET LOCAL).
   */
  begin(opts?: { timeoutMs?: number; extra?: Settings }): Promise<void>
  /** PostgreSQL's cancel request for exactly this backend: what runs on it stops, the connection stays open. */
  cancel(): Promise<void>
  /** Aborted when the store closes (profile switched, window closed): stop, the pool is going away. */
  readonly closing: AbortSignal
  /** A driver error in our terms, naming the store (a lost SSH tunnel said as such). */
  toError(e: unknown): AppError
  /** Back to the pool; `broken` destroys it instead (after an error that may have left it mid-protocol). */
  release(broken?: boolean): Promise<void>
}

/** What the SQL console works with on this store. */
export interface ConsoleSettings {
  /** Its own connections, at most this many at once. */
  poolMax: number
  /** work_mem of its transactions (SET LOCAL). */
  workMem: string
  /** The grid's per-value cap unless a request says otherwise. */
  maxValueBytes: number
}

/** An open, read-only connection pool to one MLflow store and what we know about it. */
export interface StoreHandle {
  readonly target: ConnectionTarget
  /** user@host:port/db — safe to show. */
  readonly where: string
  /** Where the sockets go: the server, or the local end of the SSH tunnel. */
  readonly endpoint: Endpoint
  /** Its schema's name, alembic revision and description (what `session:describe` sends). */
  readonly schema: StoreSchema
  /** What this store's schema lets the app do: `capabilities.metricNaN`, `.datasets`, ... (read once, at open). */
  readonly capabilities: StoreCapabilities
  /** server_version as the server reports it, e.g. "15.18 (Debian 15.18-0+deb12u1)". */
  readonly serverVersion: string
  /** server_version_num, e.g. 150018: what version-dependent SQL is chosen by. */
  readonly serverVersionNum: number
  /** A hot standby (read replica): reads only, and reads may be cancelled by replay (retried). */
  readonly standby: boolean
  /** Whether our connection is encrypted (TLS), as seen from this side (through a pooler: to the pooler). */
  readonly tls: boolean
  /** The statement timeout every transaction has (the profile's, or --statement-timeout), in ms. */
  readonly statementTimeoutMs: number
  /** The SSH host key seen, when tunnelled. */
  readonly sshFingerprint: string | null
  /** What the SQL console may call beyond PostgreSQL's own read functions (the profile's list). */
  readonly consoleAllowedFunctions: readonly string[]
  /** One read statement with bind parameters ($1, $2...), in a transaction of its own. */
  select<T extends object>(sql: string, bind?: unknown[], opts?: ReadOptions): Promise<T[]>
  /** Several statements that must see one snapshot (REPEATABLE READ, read only). */
  read<T>(fn: (reader: Reader) => Promise<T>, opts?: ReadOptions): Promise<T>
  /** The SQL console's pool and settings. */
  readonly console: ConsoleSettings
  /**
   * Check out one of the SQL console's connections for exclusive use (a pool apart from the one
   * browsing reads through); give it back with release(). When the console's connections are all
   * in use this waits its turn; aborting `signal` stops the wait (CANCELLED).
   */
  checkout(signal?: AbortSignal): Promise<DedicatedConnection>
  /**
   * This handle with its reads (select, read, checkout) bound to a caller's signal; the pool is the
   * same. Aborted before a read starts, the read is refused (CANCELLED) without taking a connection;
   * aborted while a statement runs, PostgreSQL gets a cancel request for exactly that backend and
   * the read ends CANCELLED, the connection back in the pool.
   */
  withSignal(signal: AbortSignal): StoreHandle
  /**
   * The handle the views of withSignal are of (itself when not a view): what a cache of the store
   * keys on, and what a read shared by several calls goes through (one caller's abort must not fail the others).
   */
  readonly shared: StoreHandle
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

export interface Endpoint {
  host: string
  port: number
}

type BackendKey = { processID: number; secretKey: number }

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
    await Promise.all(
      busy.map((c) => {
        const backend = c as unknown as BackendKey
        return sendCancelRequest(endpoint, backend.processID, backend.secretKey)
      }),
    )
    return busy.length
  }
}

/**
 * The pool of one store. Nothing is set on the session: poolers such as
 * PgBouncer in transaction mode hand a server connection to another client
 * after each transaction, so a session setting of ours would leak to them (and
 * theirs to us). Every statement runs in a transaction that sets what it needs
 * with SET LOCAL. No startup `options` either: PgBouncer refuses them.
 */
function poolFor(
  target: ConnectionTarget,
  endpoint: Endpoint,
  ssl: false | ConnectionOptions,
  opts: StoreOptions,
  tracker: ClientTracker,
  applicationName = 'mlflow-desk',
): pg.Pool {
  const pool = new pg.Pool({
    host: endpoint.host,
    port: endpoint.port,
    database: target.database,
    user: target.user,
    password: passwordFor(target),
    ssl,
    application_name: applicationName,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    max: opts.poolMax ?? 4,
    idleTimeoutMillis: 10_000,
  })
  pool.on('connect', (c) => {
    tracker.add(c)
    // A checked-out client whose session the server ends (pg_terminate_backend, a shutdown) emits 'error' with no
    // query to take it: unheard, that ends the process. The running query gets its own error; the pool drops the client.
    c.on('error', () => undefined)
  })
  // An idle connection the server (or the pooler, or a standby's replay) closed: the pool drops it; the next read opens another.
  pool.on('error', () => undefined)
  return pool
}

/**
 * At most `n` holders at once, the rest waiting in turn. The console's pool is
 * sized to the same n, so pg.Pool never queues: its connect timeout then means
 * the server did not answer, never that the console was busy (a wait for a
 * turn may last as long as an export does).
 */
class Turns {
  private free: number
  private readonly waiting: Array<{ grant(): void }> = []

  constructor(n: number) {
    this.free = n
  }

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) throw new AppError('CANCELLED', 'The query was cancelled.')
    if (this.free > 0) {
      this.free--
    } else {
      await new Promise<void>((resolve, reject) => {
        const waiter = {
          grant: () => {
            signal?.removeEventListener('abort', onAbort)
            resolve()
          },
        }
        const onAbort = () => {
          const i = this.waiting.indexOf(waiter)
          if (i >= 0) this.waiting.splice(i, 1)
          reject(new AppError('CANCELLED', 'The query was cancelled.'))
        }
        signal?.addEventListener('abort', onAbort, { once: true })
        this.waiting.push(waiter)
      })
    }
    let released = false
    return () => {
      if (released) return
      released = true
      const next = this.waiting.shift()
      if (next) next.grant()
      else this.free++
    }
  }
}

/** The console's settings from the store's options; a work_mem PostgreSQL would refuse is said now, naming the field. */
function consoleSettings(opts: StoreOptions, fromOptions: Settings): ConsoleSettings {
  const workMem = opts.consoleWorkMem?.trim() || fromOptions.work_mem || DEFAULT_CONSOLE_WORK_MEM
  const problem = workMemProblem(workMem)
  if (problem) throw new AppError('INVALID_CONNECTION', `sql_console.work_mem: ${problem}.`, { field: 'sql_console.work_mem' })
  const poolMax = Math.max(1, Math.floor(opts.consolePoolMax ?? DEFAULT_CONSOLE_POOL_MAX))
  const cap = opts.consoleMaxValueBytes ?? DEFAULT_VALUE_BYTES
  if (!Number.isInteger(cap) || cap < MIN_VALUE_BYTES || cap > MAX_VALUE_BYTES) {
    throw new AppError('INVALID_CONNECTION', `sql_console.max_value_bytes: between ${MIN_VALUE_BYTES} and ${MAX_VALUE_BYTES} bytes.`, {
      field: 'sql_console.max_value_bytes',
    })
  }
  return { poolMax, workMem, maxValueBytes: cap }
}

/** Is this client's socket encrypted? (Seen from here; pg_stat_ssl would describe a pooler's own server connection.) */
function encrypted(client: pg.PoolClient): boolean {
  const stream = (client as unknown as { connection?: { stream?: Partial<TLSSocket> } }).connection?.stream
  return !!stream?.encrypted
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** After an abort, a cancel request is sent again this often while the statement still runs (it may have reached the server after the first). */
const CANCEL_RESEND_MS = 250
/** How long an aborted read may take to stop on the server before the caller is answered CANCELLED anyway (the connection is given back when the server lets go). */
const CANCEL_GRACE_MS = 3000

const readCancelled = (where: string) => new AppError('CANCELLED', `The read from ${where} was cancelled.`)

/** A pooled connection, unless `signal` aborts first: then CANCELLED, and the connection, when it comes, goes straight back. */
function connectUnlessAborted(pool: pg.Pool, where: string, signal?: AbortSignal): Promise<pg.PoolClient> {
  if (!signal) return pool.connect()
  if (signal.aborted) return Promise.reject(readCancelled(where))
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(readCancelled(where))
    signal.addEventListener('abort', onAbort, { once: true })
    pool.connect().then(
      (client) => {
        signal.removeEventListener('abort', onAbort)
        if (signal.aborted) client.release()
        else resolve(client)
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(e)
      },
    )
  })
}

/**
 * While `client` is checked out: when `signal` aborts, PostgreSQL's cancel request for exactly
 * its backend, sent again while a statement is still running (a cancel that reaches an idle
 * backend is dropped by the server, so one sent just before the statement arrived would be lost).
 * Returns the function that stops watching.
 */
function cancelOnAbort(client: pg.PoolClient, endpoint: Endpoint, signal: AbortSignal): () => void {
  const backend = client as unknown as BackendKey & { _activeQuery?: unknown }
  let timer: NodeJS.Timeout | null = null
  let stopped = false
  let sent = 0
  const send = (): void => {
    if (stopped) return
    if (backend._activeQuery) void sendCancelRequest(endpoint, backend.processID, backend.secretKey)
    // Until the caller is answered anyway (CANCEL_GRACE_MS); after that the statement ends by its own timeouts.
    if (++sent * CANCEL_RESEND_MS < CANCEL_GRACE_MS) timer = setTimeout(send, CANCEL_RESEND_MS)
  }
  signal.addEventListener('abort', send, { once: true })
  return () => {
    stopped = true
    signal.removeEventListener('abort', send)
    if (timer) clearTimeout(timer)
  }
}

/** `work`, or CANCELLED once `signal` has been aborted for `graceMs` and the work still has not ended (a server that does not answer). */
function boundedAfterAbort<T>(work: Promise<T>, signal: AbortSignal | undefined, where: string, graceMs = CANCEL_GRACE_MS): Promise<T> {
  if (!signal) return work
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | null = null
    const onAbort = () => (timer = setTimeout(() => reject(readCancelled(where)), graceMs))
    if (signal.aborted) onAbort()
    else signal.addEventListener('abort', onAbort, { once: true })
    work.then(resolve, reject).finally(() => {
      signal.removeEventListener('abort', onAbort)
      if (timer) clearTimeout(timer)
    })
  })
}

/**
 * Open a store for reading. Every statement runs in a READ ONLY transaction
 * (the server refuses writes even if our code tried one) with the statement
 * timeout and the other settings as SET LOCAL; the server version is checked
 * (PostgreSQL 12 or newer) and the catalog probed once so readers know which
 * tables and columns exist.
 */
export async function openStore(target: ConnectionTarget, opts: StoreOptions = {}): Promise<StoreHandle> {
  const where = describeTarget(target)
  const timeout = Math.max(1, Math.floor(opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS))
  const settings = transactionSettings(target, timeout)
  const sqlConsole = consoleSettings(opts, optionSettings(target.options))
  const tunnel: SshTunnel | null = target.ssh ? await openTunnel(target.ssh, target.host, target.port) : null
  const endpoint = tunnel ? { host: '127.0.0.1', port: tunnel.localPort } : { host: target.host, port: target.port }
  const tracker = new ClientTracker()
  const closing = new AbortController()
  // A dropped SSH connection reaches the driver as "Connection terminated": say what happened.
  const translate = (e: unknown) => tunnel?.lost() ?? toStoreError(e, where)
  let pool: pg.Pool | null = null
  let consolePool: pg.Pool | null = null
  try {
    const opened = await connectWithLibpqTls(target.ssl ?? DEFAULT_SSL, target.host, async (tls) => {
      const p = poolFor(target, endpoint, tls, opts, tracker)
      try {
        const client = await p.connect()
        try {
          // Before any setting: a server too old for them is refused by name, not by a syntax error.
          await client.query('BEGIN READ ONLY')
          const server = await readServer(client)
          await client.query('COMMIT')
          return { pool: p, server, tls: encrypted(client), tlsOptions: tls }
        } finally {
          client.release()
        }
      } catch (e) {
        await p.end().catch(() => undefined)
        throw e
      }
    })
    pool = opened.pool
    const server: ServerInfo = opened.server
    checkServerVersion(server, where)
    const thePool = pool

    /**
     * One transaction on a pooled connection: BEGIN READ ONLY + SET LOCAL, the work, COMMIT. With a
     * signal: no connection is taken once it has aborted, no statement is sent after it, and one
     * running when it aborts is cancelled on the server (see cancelOnAbort).
     */
    const transaction = async <T>(
      isolation: 'read committed' | 'repeatable read',
      fn: (reader: Reader) => Promise<T>,
      signal?: AbortSignal,
      opts: ReadOptions = {},
    ): Promise<T> => {
      const client = await connectUnlessAborted(thePool, where, signal)
      const stopWatching = signal ? cancelOnAbort(client, endpoint, signal) : () => undefined
      const query = async <R extends object>(sql: string, bind?: unknown[]) => {
        if (signal?.aborted) throw readCancelled(where)
        return (await client.query<R>(sql, bind)).rows
      }
      let broken = false
      try {
        await query(beginSql(settings, isolation, opts.settings))
        const result = await fn({ select: query })
        await query('COMMIT')
        return result
      } catch (e) {
        // Back to a clean state for the next borrower, or not back at all.
        await client.query('ROLLBACK').catch(() => (broken = true))
        throw e
      } finally {
        stopWatching()
        client.release(broken)
      }
    }
    /** A standby cancels reads that are in the way of its replay: those are run again, a few times. An aborted read is CANCELLED, whatever the server said. */
    const retried = async <T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await fn()
        } catch (e) {
          if (signal?.aborted) throw readCancelled(where)
          if (!isRecoveryConflict(e) || attempt >= RECOVERY_CONFLICT_RETRIES_MS.length || closing.signal.aborted) {
            throw isRecoveryConflict(e) ? recoveryConflictError(where, attempt + 1) : translate(e)
          }
          await sleep(RECOVERY_CONFLICT_RETRIES_MS[attempt])
        }
      }
    }
    const schema = await retried(() => transaction('read committed', (r) => probeStore(r)))
    const turns = new Turns(sqlConsole.poolMax)
    /**
     * The console's own pool, opened on its first use (browsing alone never opens it), with the
     * same TLS as the first and a name of its own in pg_stat_activity. Its transactions add
     * work_mem to the store's settings, as SET LOCAL like the rest.
     */
    const consoleConnections = () =>
      (consolePool ??= poolFor(target, endpoint, opened.tlsOptions, { ...opts, poolMax: sqlConsole.poolMax }, tracker, 'mlflow-desk console'))
    const consoleTxSettings: Settings = { ...settings, work_mem: sqlConsole.workMem }
    const handle: StoreHandle = {
      target,
      where,
      endpoint,
      schema,
      capabilities: schema.capabilities,
      serverVersion: server.version,
      serverVersionNum: server.versionNum,
      standby: server.standby,
      tls: opened.tls,
      sshFingerprint: tunnel?.fingerprint ?? null,
      statementTimeoutMs: timeout,
      consoleAllowedFunctions: opts.consoleAllowedFunctions ?? [],
      select: <T extends object>(sql: string, bind?: unknown[], o?: ReadOptions) =>
        retried(() => transaction('read committed', (r) => r.select<T>(sql, bind), undefined, o)),
      read: <T>(fn: (reader: Reader) => Promise<T>, o?: ReadOptions) => retried(() => transaction('repeatable read', fn, undefined, o)),
      console: sqlConsole,
      get shared(): StoreHandle {
        return handle
      },
      withSignal(signal: AbortSignal): StoreHandle {
        const base = handle
        return {
          ...base,
          select: <T extends object>(sql: string, bind?: unknown[], o?: ReadOptions) =>
            boundedAfterAbort(
              retried(() => transaction('read committed', (r) => r.select<T>(sql, bind), signal, o), signal),
              signal,
              where,
            ),
          read: <T>(fn: (reader: Reader) => Promise<T>, o?: ReadOptions) =>
            boundedAfterAbort(
              retried(() => transaction('repeatable read', fn, signal, o), signal),
              signal,
              where,
            ),
          // The console's statements are cancelled by their own job's signal (withReadTransaction); this one stops the wait for a turn.
          checkout: (own?: AbortSignal) => base.checkout(own ? AbortSignal.any([own, signal]) : signal),
          withSignal: (other: AbortSignal) => base.withSignal(AbortSignal.any([signal, other])),
        }
      },
      async checkout(signal?: AbortSignal) {
        if (closing.signal.aborted) throw new AppError('CANCELLED', `The connection to ${where} was closed.`)
        const giveBack = await turns.acquire(signal)
        if (closing.signal.aborted) {
          giveBack()
          throw new AppError('CANCELLED', `The connection to ${where} was closed.`)
        }
        let client: pg.PoolClient
        try {
          client = await consoleConnections().connect()
        } catch (e) {
          giveBack()
          throw translate(e)
        }
        const backend = client as unknown as BackendKey
        let released = false
        return {
          client,
          pid: backend.processID,
          closing: closing.signal,
          begin: async (o = {}) => {
            await client.query(
              beginSql(
                o.timeoutMs ? { ...consoleTxSettings, statement_timeout: String(Math.max(1, Math.floor(o.timeoutMs))) } : consoleTxSettings,
                'read committed',
                o.extra,
              ),
            )
          },
          cancel: () => sendCancelRequest(endpoint, backend.processID, backend.secretKey),
          toError: translate,
          async release(broken = false) {
            if (released) return
            released = true
            client.release(broken)
            giveBack()
          },
        }
      },
      cancelAll: () => tracker.cancelAll(endpoint),
      async close() {
        closing.abort()
        await tracker.cancelAll(endpoint).catch(() => 0)
        await Promise.all([thePool.end().catch(() => undefined), consolePool?.end().catch(() => undefined)])
        await tunnel?.close()
      },
    }
    return handle
  } catch (e) {
    await pool?.end().catch(() => undefined)
    await tunnel?.close()
    // Through a tunnel, a failed forward reaches the driver only as a closed socket: say why instead.
    // The TLS settings let a certificate error name the sslrootcert that was used.
    throw tunnel?.lost() ?? tunnel?.forwardFailure() ?? toStoreError(e, where, target.ssl ?? DEFAULT_SSL)
  }
}

/**
 * A writable connection, only for what the user asked to write by name:
 * `migrate` and seeding the demo store. Never used to read a tracking store.
 * Sequelize (which umzug's migrations use) would set client_min_messages and
 * the time zone on every session it opens; it is told not to, so that through
 * a transaction-mode pooler nothing of ours stays on a server connection.
 * Settings the work needs (search_path) go in its transaction: see writeSettings.
 */
export async function openWritable(target: ConnectionTarget): Promise<{ sequelize: Sequelize; server: ServerInfo }> {
  const where = describeTarget(target)
  try {
    return await connectWithLibpqTls(target.ssl ?? DEFAULT_SSL, target.host, async (tls) => {
      // keepDefaultTimezone is read by Sequelize's postgres dialect but missing from its types.
      const options: Options & { keepDefaultTimezone: boolean } = {
        dialect: 'postgres',
        dialectModule: pg,
        host: target.host,
        port: target.port,
        database: target.database,
        username: target.user,
        // Sequelize's types say string; its postgres dialect hands the value to pg as is.
        password: passwordFor(target) as string,
        logging: false,
        keepDefaultTimezone: true,
        pool: { max: 2, min: 0, idle: 10_000, acquire: 60_000 },
        dialectOptions: { ssl: tls, application_name: 'mlflow-desk', connectionTimeoutMillis: 10_000, clientMinMessages: 'ignore' },
      }
      const sequelize = new Sequelize(options)
      try {
        const [row] = await sequelize.query<{ version: string; version_num: number; standby: boolean }>(SERVER_SQL, { type: QueryTypes.SELECT })
        const server = { version: row.version, versionNum: row.version_num, standby: row.standby }
        checkServerVersion(server, where)
        return { sequelize, server }
      } catch (e) {
        await sequelize.close().catch(() => undefined)
        throw e
      }
    })
  } catch (e) {
    throw toStoreError(e, where, target.ssl ?? DEFAULT_SSL)
  }
}

/** SET LOCAL of what a write transaction needs from the connection (its options, its schema): run first in it. */
export function writeSettingsSql(target: ConnectionTarget): string {
  const settings = optionSettings(target.options)
  if (settings.search_path === undefined && target.schema) settings.search_path = pg.escapeIdentifier(target.schema)
  return setLocalSql(settings)
}

/**
 * A single writable pg client (COPY needs one connection), with the same TLS
 * rules as every other connection. Only for `generate` and the demo's seeding.
 */
export async function openWritableClient(target: ConnectionTarget): Promise<pg.Client> {
  try {
    return await connectWithLibpqTls(target.ssl ?? DEFAULT_SSL, target.host, async (tls) => {
      const c = new pg.Client({
        host: target.host,
        port: target.port,
        user: target.user,
        password: passwordFor(target),
        database: target.database,
        ssl: tls,
        application_name: 'mlflow-desk',
      })
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
