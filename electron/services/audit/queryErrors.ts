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

/**
 * A failure of a raw statement in our terms. Timeouts, cancels, read-only
 * refusals and connection trouble keep their codes; anything else the server
 * said about the statement (an unknown column, a type mismatch, a division by
 * zero) is QUERY_FAILED with PostgreSQL's message and hint, pointing into the
 * text as the user typed it.
 */
export function toQueryError(e: unknown, conn: DedicatedConnection, sent?: SentText): AppError {
  if (isAppError(e)) return e
  const mapped = conn.toError(e)
  const pg = e as PgDatabaseError
  // Class 08 is a connection failure, not a fault of the statement.
  if (mapped.code !== 'INTERNAL' || !pg.severity || !pg.code || pg.code.startsWith('08')) return mapped
  const hint = pg.hint ? ` Hint: ${pg.hint}` : ''
  const detail = pg.detail ? ` (${pg.detail})` : ''
  const message = `PostgreSQL refused the statement: ${pg.message}${detail}.${hint}`
  const cp = pg.position ? Number(pg.position) - 1 : NaN
  if (!sent || !Number.isInteger(cp) || cp < 0) return new AppError('QUERY_FAILED', message)
  return new AppError('QUERY_FAILED', message, { position: sent.toOriginal(textOffsets(sent.text).fromCodePoint(cp)), length: 1 })
}
