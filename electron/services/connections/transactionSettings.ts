import pg from 'pg'
import { AppError } from '@shared/api/errors'
import type { ConnectionTarget } from './connectionUrl'

/** Server settings by name, as set_config takes them (values as text). */
export type Settings = Record<string, string>

/** A read waits this long at most for a lock another session holds (a table being altered by `mlflow db upgrade`, VACUUM FULL). */
export const LOCK_TIMEOUT_MS = 10_000
/** A transaction of ours left idle (our process stopped mid-way) is ended by the server after this long. */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000

/** Settings a connection's `options` may not change: every read of ours is read-only. */
const PROTECTED = new Set(['transaction_read_only', 'default_transaction_read_only', 'transaction_isolation', 'default_transaction_isolation'])

/** libpq's options words: split at unescaped whitespace, `\` escapes the next character. */
function words(options: string): string[] {
  const out: string[] = []
  let cur: string | null = null
  for (let i = 0; i < options.length; i++) {
    const ch = options[i]
    if (ch === '\\' && i + 1 < options.length) {
      cur = (cur ?? '') + options[++i]
    } else if (/\s/.test(ch)) {
      if (cur !== null) out.push(cur)
      cur = null
    } else {
      cur = (cur ?? '') + ch
    }
  }
  if (cur !== null) out.push(cur)
  return out
}

/**
 * libpq's `options` (`-c search_path=mlflow -c work_mem=64MB`, also `-csearch_path=…`
 * and `--search_path=…`) as settings. They are applied in every transaction
 * (SET LOCAL), never as startup parameters: PgBouncer refuses those, and a
 * session setting would not survive transaction pooling.
 */
export function optionSettings(options: string | undefined, source = 'options'): Settings {
  const settings: Settings = {}
  const ws = words(options ?? '')
  for (let i = 0; i < ws.length; i++) {
    let pair: string
    if (ws[i] === '-c') pair = ws[++i] ?? ''
    else if (ws[i].startsWith('-c')) pair = ws[i].slice(2)
    else if (ws[i].startsWith('--')) pair = ws[i].slice(2)
    else
      throw new AppError('INVALID_CONNECTION', `${source}: "${ws[i]}" is not a setting; options takes -c name=value (e.g. -c search_path=mlflow).`, {
        field: source,
      })
    const eq = pair.indexOf('=')
    const name = (eq > 0 ? pair.slice(0, eq) : '').trim().toLowerCase().replace(/-/g, '_')
    if (!/^[a-z_][a-z0-9_.]*$/.test(name)) {
      throw new AppError('INVALID_CONNECTION', `${source}: "${pair}" is not name=value (e.g. -c search_path=mlflow).`, { field: source })
    }
    if (PROTECTED.has(name)) {
      throw new AppError('INVALID_CONNECTION', `${source}: ${name} cannot be set: MLflow Desk reads every store in read-only transactions.`, { field: source })
    }
    settings[name] = pair.slice(eq + 1)
  }
  return settings
}

/** What every read transaction of a store sets: the connection's options, then ours. */
export function transactionSettings(target: ConnectionTarget, statementTimeoutMs: number): Settings {
  const fromOptions = optionSettings(target.options)
  return {
    ...fromOptions,
    statement_timeout: String(statementTimeoutMs),
    lock_timeout: String(Math.min(statementTimeoutMs, LOCK_TIMEOUT_MS)),
    idle_in_transaction_session_timeout: String(IDLE_IN_TRANSACTION_TIMEOUT_MS),
    ...(fromOptions.search_path === undefined && target.schema ? { search_path: pg.escapeIdentifier(target.schema) } : {}),
  }
}

/**
 * A read's plan without parallel workers, for a statement that is an index walk cut off by its
 * LIMIT: where the planner expects few matches along the walk it starts workers that each walk
 * their share past the limit, then merges. On the 100k-run bench store, with our indexes, the
 * filtered first runs page (metrics.acc > 0.5 and params.lr = ..., by acc DESC) took 70 ms that
 * way against 18 ms walked by one process.
 */
export const SERIAL_PLAN: Settings = { max_parallel_workers_per_gather: '0' }

/**
 * A read whose index probes must each stop at the first entry that matches (ORDER BY ... LIMIT 1
 * along an index, with a filter on a later column): where the planner expects few entries in a
 * probe's range it reads them all through a bitmap, visits the table for each and sorts, which on
 * a dense range is every entry in it. Without bitmaps (and sorts) a probe is an index walk.
 */
export const PROBE_WALKS: Settings = { enable_bitmapscan: 'off', enable_sort: 'off' }

/** One SELECT of set_config(name, value, is_local => true): SET LOCAL for any name and value, quoted safely. */
export function setLocalSql(settings: Settings): string {
  const calls = Object.entries(settings).map(([k, v]) => `set_config(${pg.escapeLiteral(k)}, ${pg.escapeLiteral(v)}, true)`)
  return calls.length ? `SELECT ${calls.join(', ')}` : ''
}

/**
 * The start of every read transaction, in one round trip (the simple protocol
 * carries several statements): BEGIN … READ ONLY, then the settings as SET LOCAL.
 * Nothing outlives the transaction, so a pooler may give the server connection
 * to anyone afterwards.
 */
export function beginSql(settings: Settings, isolation: 'read committed' | 'repeatable read' = 'read committed', extra: Settings = {}): string {
  const set = setLocalSql({ ...settings, ...extra })
  return `BEGIN ISOLATION LEVEL ${isolation.toUpperCase()} READ ONLY${set ? `; ${set}` : ''}`
}
