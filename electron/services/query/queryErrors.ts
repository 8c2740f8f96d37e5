import { AppError, isAppError } from '@shared/api/errors'
import type { DedicatedConnection } from '../connections/storeConnection'
import { textOffsets } from './textOffsets'

/** The statement as sent, and the way back to the text the user typed (for a server error's position). */
export interface SentText {
  text: string
  toOriginal(index: number): number
}

interface PgDatabaseError {
  code?: string
  severity?: string
  /** 1-based, in characters of the statement sent. */
  position?: string
  hint?: string
  detail?: string
  message?: string
}

/** What node-postgres says when the socket closed under a query (no server message came first). */
const DRIVER_LOST =
  /Connection terminated|connection error and is not queryable|Client was closed and is not queryable|read ECONNRESET|write EPIPE|socket hang up/i
const SOCKET_LOST = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED'])

/**
 * Why the server ended the session, when it did: a FATAL or PANIC message,
 * 57P01 (shutdown, or an administrator's pg_terminate_backend), 57P02 (another
 * backend crashed), 57P03 (starting up or shutting down), class 08 (connection
 * exception), or the driver finding the socket closed. Null: the connection
 * is alive and the failure is the statement's.
 */
export function connectionLoss(e: unknown): string | null {
  const pg = (e ?? {}) as PgDatabaseError
  const code = typeof pg.code === 'string' ? pg.code : ''
  const message = typeof pg.message === 'string' ? pg.message : e instanceof Error ? e.message : ''
  if (code === '57P01')
    return /administrator command/i.test(message) ? `${message}: the server is shutting down, or an administrator ended this session` : message
  if (code === '57P02') return `${message}: the server is recovering from a crash`
  if (code === '57P03') return `${message}: the server is starting up or shutting down`
  if (code.startsWith('08')) return message || 'connection failure'
  if (pg.severity === 'FATAL' || pg.severity === 'PANIC') return message || pg.severity
  if (SOCKET_LOST.has(code) || DRIVER_LOST.test(message)) return message || code
  return null
}

/** CONNECTION_LOST: said as such, never as the statement being refused. */
export function connectionLostError(reason: string): AppError {
  return new AppError(
    'CONNECTION_LOST',
    `The server closed the connection (${reason.replace(/\.$/, '')}); reconnecting: run the statement again and a fresh connection is opened.`,
  )
}

/**
 * A failure of a raw statement in our terms. Timeouts, cancels, read-only
 * refusals and connection trouble keep their codes; a session the server
 * ended (shutdown, pg_terminate_backend) is CONNECTION_LOST; anything else
 * the server said about the statement (an unknown column, a type mismatch, a
 * division by zero) is QUERY_FAILED with PostgreSQL's message and hint,
 * pointing into the text as the user typed it.
 */
export function toQueryError(e: unknown, conn: DedicatedConnection, sent?: SentText): AppError {
  if (isAppError(e)) return e
  const mapped = conn.toError(e)
  // Timeouts, cancels, a lost SSH tunnel, recovery conflicts: already said in our terms.
  if (mapped.code !== 'INTERNAL') return mapped
  // The session ended under the statement: not the statement's fault.
  const lost = connectionLoss(e)
  if (lost) return connectionLostError(lost)
  const pg = e as PgDatabaseError
  if (!pg.severity || !pg.code) return mapped
  const hint = pg.hint ? ` Hint: ${pg.hint}` : ''
  const detail = pg.detail ? ` (${pg.detail})` : ''
  const message = `PostgreSQL refused the statement: ${pg.message}${detail}.${hint}`
  const cp = pg.position ? Number(pg.position) - 1 : NaN
  if (!sent || !Number.isInteger(cp) || cp < 0) return new AppError('QUERY_FAILED', message)
  return new AppError('QUERY_FAILED', message, { position: sent.toOriginal(textOffsets(sent.text).fromCodePoint(cp)), length: 1 })
}
