import { QueryTypes, Sequelize, Transaction } from 'sequelize'
import type { BindOrReplacements } from 'sequelize'
import pg from 'pg'
import { AppError } from '@shared/api/errors'
import { describeTarget, type ConnectionTarget } from './connectionUrl'
import { toStoreError } from './pgErrors'
import { probeSchema, type StoreSchema } from '../tracking/schemaProbe'
import { defineTrackingModels, type TrackingModels } from '../tracking/models'

export interface StoreOptions {
  /** Per-statement limit on the server, in ms (libpq's statement_timeout). */
  statementTimeoutMs?: number
  connectTimeoutMs?: number
  poolMax?: number
}

export const DEFAULT_STATEMENT_TIMEOUT_MS = 30_000

/** An open, read-only connection pool to one MLflow store and what we know about it. */
export interface StoreHandle {
  readonly target: ConnectionTarget
  /** user@host:port/db — safe to show. */
  readonly where: string
  readonly sequelize: Sequelize
  readonly schema: StoreSchema
  readonly models: TrackingModels
  readonly serverVersion: string
  /** One read statement with bind parameters ($1, $2...). */
  select<T extends object>(sql: string, bind?: BindOrReplacements, transaction?: Transaction): Promise<T[]>
  /** Several statements that must see one snapshot (REPEATABLE READ, read only). */
  read<T>(fn: (t: Transaction) => Promise<T>): Promise<T>
  close(): Promise<void>
}

/**
 * node-postgres returns int8 as strings to avoid precision loss. MLflow's int8
 * columns are ms timestamps and steps (<= 2^53 in every real store), so numbers
 * it is, set once for the process.
 */
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v))

function sequelizeFor(target: ConnectionTarget, opts: StoreOptions, sessionSql: string | null): Sequelize {
  return new Sequelize({
    dialect: 'postgres',
    dialectModule: pg,
    host: target.host,
    port: target.port,
    database: target.database,
    username: target.user,
    password: target.password,
    logging: false,
    pool: { max: opts.poolMax ?? 4, min: 0, idle: 10_000, acquire: 60_000 },
    dialectOptions: {
      ssl: target.ssl,
      application_name: 'mlflow-desk',
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      ...(target.options ? { options: target.options } : {}),
    },
    hooks: sessionSql
      ? {
          // One round trip per new pooled connection. Session settings rather than
          // startup `options` because poolers such as pgbouncer refuse unknown startup parameters.
          afterConnect: async (connection: unknown) => {
            await (connection as pg.Client).query(sessionSql)
          },
        }
      : undefined,
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
  const sessionSql = `SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY; SET statement_timeout = ${timeout}`
  const sequelize = sequelizeFor(target, opts, sessionSql)
  try {
    const [{ server_version }] = await sequelize.query<{ server_version: string }>('SHOW server_version', {
      type: QueryTypes.SELECT,
    })
    const schema = await probeSchema(sequelize)
    const models = defineTrackingModels(sequelize, schema)
    const handle: StoreHandle = {
      target,
      where,
      sequelize,
      schema,
      models,
      serverVersion: server_version,
      async select<T extends object>(sql: string, bind?: BindOrReplacements, transaction?: Transaction) {
        try {
          return await sequelize.query<T>(sql, { type: QueryTypes.SELECT, bind, transaction })
        } catch (e) {
          throw toStoreError(e, where)
        }
      },
      async read<T>(fn: (t: Transaction) => Promise<T>) {
        try {
          return await sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.REPEATABLE_READ }, fn)
        } catch (e) {
          throw toStoreError(e, where)
        }
      },
      close: () => sequelize.close(),
    }
    return handle
  } catch (e) {
    await sequelize.close().catch(() => undefined)
    throw toStoreError(e, where)
  }
}

/**
 * A writable connection, only for what the user asked to write by name:
 * `migrate` and seeding the demo store. Never used to read a tracking store.
 */
export async function openWritable(target: ConnectionTarget): Promise<Sequelize> {
  const sequelize = sequelizeFor(target, { poolMax: 2 }, null)
  try {
    await sequelize.authenticate()
    return sequelize
  } catch (e) {
    await sequelize.close().catch(() => undefined)
    throw toStoreError(e, describeTarget(target))
  }
}

export function assertStoreOpen(h: StoreHandle | null | undefined): StoreHandle {
  if (!h) throw new AppError('NO_STORE', 'No store is connected.')
  return h
}
