import { AppError, isAppError } from '@shared/api/errors'
import { redact } from '../security/redact'

interface DriverError {
  code?: string
  message?: string
  errno?: number
  syscall?: string
  hostname?: string
  address?: string
  port?: number
  parent?: unknown
  original?: unknown
}

/** Sequelize wraps pg's error in .parent/.original; the useful fields live on the innermost one. */
function innermost(e: unknown): DriverError {
  let cur = e as DriverError
  for (let i = 0; i < 5 && cur && typeof cur === 'object'; i++) {
    const next = (cur.original ?? cur.parent) as DriverError | undefined
    if (!next || next === cur) break
    cur = next
  }
  return cur ?? {}
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
])

/**
 * Translate a driver/network error into an AppError whose message says what
 * happened and where (`where` is e.g. "user@db.example:5432/mlflow").
 * Messages are redacted: no password ever leaves through here.
 */
export function toStoreError(e: unknown, where: string): AppError {
  if (isAppError(e)) return e
  const d = innermost(e)
  const raw = redact(String(d.message ?? (e instanceof Error ? e.message : e)))
  const code = d.code ?? ''
  let err: AppError
  switch (true) {
    case code === 'ECONNREFUSED':
      err = new AppError('CONNECTION_REFUSED', `Connection refused at ${where}: is PostgreSQL running there and accepting TCP connections?`)
      break
    case code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME':
      err = new AppError('HOST_NOT_FOUND', `Unknown host "${d.hostname ?? where}": the name does not resolve (${where}).`)
      break
    case code === 'ETIMEDOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || /timeout expired|Connection terminated due to connection timeout/i.test(raw):
      err = new AppError('TIMEOUT', `Timed out connecting to ${where}: the host did not answer.`)
      break
    case code === '28P01':
      err = new AppError('AUTH_FAILED', `Authentication failed at ${where}: wrong password for that user.`)
      break
    case code === '28000':
      err = new AppError('AUTH_FAILED', `Access refused at ${where}: ${raw}`)
      break
    case code === '3D000':
      err = new AppError('DATABASE_NOT_FOUND', `Database not found at ${where}: ${raw}`)
      break
    case code === '57014' && /user request/i.test(raw):
      err = new AppError('CANCELLED', 'The query was cancelled.')
      break
    case code === '57014':
      err = new AppError('TIMEOUT', `The query ran longer than the statement timeout and was stopped (${where}).`)
      break
    case code === '25006':
      err = new AppError('READ_ONLY', `Refused: the session is read-only and the statement would write (${where}).`)
      break
    case TLS_CODES.has(code) || /ssl|tls|certificate/i.test(raw):
      err = new AppError('TLS_FAILED', `TLS failed with ${where}: ${raw}`)
      break
    default:
      err = new AppError('INTERNAL', `Database error at ${where}: ${raw}`)
  }
  return err
}
