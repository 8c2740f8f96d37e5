import type { FieldDef } from 'pg'
import type { QueryCheckResponse, QueryRunResponse } from '@shared/api/contract'
import { AppError } from '@shared/api/errors'
import type { QueryCell, QueryColumn } from '@shared/domain/audit'
import type { StoreHandle } from '../connections/storeConnection'
import { withReadTransaction, type ReadTransaction } from './readTransaction'
import { columnCategory } from './resultValues'
import { callPolicy, consoleCatalog, type CallPolicy } from './consoleCatalog'
import { guardSql, type GuardedSql } from './sqlGuard'

export type QueryParams = Record<string, string | number | null>

/** The store's function policy for the console (its catalog, read once, and the profile's allowed functions). */
export async function consolePolicy(store: StoreHandle): Promise<CallPolicy> {
  return callPolicy(await consoleCatalog(store), store.consoleAllowedFunctions)
}

/** query:check: what the guard says; with the store, about the functions and relations too (nothing runs). */
export async function checkQuery(sql: string, store?: StoreHandle): Promise<QueryCheckResponse> {
  if (sql.trim() === '') return { ok: false, kind: null, refusal: { message: 'Nothing to run: type a statement.' }, params: [] }
  const g = await guardSql(sql, store ? await consolePolicy(store) : undefined)
  return g.ok ? { ok: true, kind: g.kind, refusal: null, params: g.params } : { ok: false, kind: g.kind, refusal: g.refusal, params: g.params }
}

/**
 * The guarded statement, or QUERY_REFUSED pointing at the fault. With the store
 * it will run on, every function, operator, cast and relation is checked
 * against the store's catalog too; without (a check before connecting), only
 * the statement's shape.
 */
export async function guardOrRefuse(sql: string, store?: StoreHandle): Promise<GuardedSql> {
  const g = await guardSql(sql, store ? await consolePolicy(store) : undefined)
  if (g.ok) return g
  const { message, position, length } = g.refusal
  throw new AppError('QUERY_REFUSED', message, position === undefined ? undefined : { position, ...(length ? { length } : {}) })
}

/** Values for $1..$n, in the order of the statement's parameters; every one must be given. */
export function bindValues(guarded: GuardedSql, params: QueryParams): Array<string | null> {
  return guarded.params.map((name) => {
    if (!(name in params)) throw new AppError('BAD_REQUEST', `No value for the parameter :${name}.`, { field: `params.${name}` })
    const v = params[name]
    return v === null ? null : String(v)
  })
}

/**
 * Every fault of a statement that needs no store: the guard's refusal
 * (QUERY_REFUSED) or a parameter without a value (BAD_REQUEST). Callers that
 * open a store for the statement ask this first.
 */
export async function checkStatement(sql: string, params: QueryParams): Promise<GuardedSql> {
  const guarded = await guardOrRefuse(sql)
  bindValues(guarded, params)
  return guarded
}

/** Column names and PostgreSQL type names, asked in the same transaction (one round trip). */
export async function describeColumns(tx: ReadTransaction, fields: FieldDef[]): Promise<QueryColumn[]> {
  if (fields.length === 0) return []
  const { rows } = await tx.connection.client.query<{ type: string; category: string }>({
    text: `SELECT format_type(u.o, u.m) AS type, t.typcategory AS category
             FROM unnest($1::oid[], $2::int[]) WITH ORDINALITY AS u(o, m, i) JOIN pg_type t ON t.oid = u.o ORDER BY u.i`,
    values: [fields.map((f) => f.dataTypeID), fields.map((f) => f.dataTypeModifier)],
  })
  return fields.map((f, i) => ({ name: f.name, type: rows[i]?.type ?? 'unknown', category: columnCategory(f.dataTypeID, rows[i]?.category ?? '') }))
}

/**
 * query:run: the first max_rows rows of one read statement. The guard refuses
 * anything else before a byte is sent; the statement then runs through a
 * cursor (extended protocol) in a READ ONLY transaction that is rolled back,
 * reading max_rows + 1 rows to know whether more exist — never more.
 */
export async function runQuery(
  store: StoreHandle,
  req: { sql: string; params: QueryParams; max_rows: number },
  signal?: AbortSignal,
): Promise<QueryRunResponse> {
  const guarded = await guardOrRefuse(req.sql, store)
  const values = bindValues(guarded, req.params)
  return withReadTransaction(store, { timeoutMs: store.statementTimeoutMs, signal, sent: guarded }, async (tx) => {
    const started = performance.now()
    const cursor = tx.cursor(guarded.text, values, 'json')
    const batch = await cursor.read(req.max_rows + 1)
    const duration = performance.now() - started
    await cursor.close()
    const truncated = batch.rows.length > req.max_rows
    const rows = (truncated ? batch.rows.slice(0, req.max_rows) : batch.rows) as QueryCell[][]
    return {
      columns: await describeColumns(tx, batch.fields),
      rows,
      row_count_shown: rows.length,
      truncated,
      duration_ms: Math.round(duration * 10) / 10,
      statement_kind: guarded.kind,
    }
  })
}
