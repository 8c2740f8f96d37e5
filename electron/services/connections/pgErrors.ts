import { AppError, isAppError } from '@shared/api/errors'
import type { SslSettings } from '@shared/domain/profiles'
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
  /** Node's ERR_TLS_CERT_ALTNAME_INVALID carries the host checked and the peer certificate. */
  host?: string
  cert?: { subjectaltname?: string; subject?: { CN?: string }; valid_to?: string; valid_from?: string }
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
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_SIGNATURE_FAILURE',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
])

const UNTRUSTED_CHAIN = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_SIGNATURE_FAILURE',
])

/**
 * OpenSSL's wording ("unable to verify the first certificate", "Hostname/IP does
 * not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ")
 * does not tell a person what to fix (the integration tests showed these raw
 * texts reaching the UI). Say what is wrong with the certificate in our terms;
 * the original text stays at the end for searching.
 */
function tlsReason(d: DriverError, raw: string, ssl?: SslSettings): string {
  const code = d.code ?? ''
  if (UNTRUSTED_CHAIN.has(code)) {
    const what = code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ? "the server's certificate is self-signed and" : "the server's certificate is"
    return ssl?.root_cert
      ? `${what} not signed by the given root certificate (sslrootcert: "${ssl.root_cert}") [${raw}]`
      : `${what} not signed by a certificate authority this computer trusts: give the server's CA certificate as sslrootcert [${raw}]`
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    const names = d.cert?.subjectaltname || (d.cert?.subject?.CN ? `CN=${d.cert.subject.CN}` : 'no names')
    return `the server's certificate does not match host "${d.host ?? '?'}" (it is for ${names}): connect with a host name the certificate lists, or use sslmode=verify-ca to check the chain only [${raw}]`
  }
  if (code === 'CERT_HAS_EXPIRED') return `the server's certificate expired${d.cert?.valid_to ? ` on ${d.cert.valid_to}` : ''} [${raw}]`
  if (code === 'CERT_NOT_YET_VALID') return `the server's certificate is not valid yet${d.cert?.valid_from ? ` (from ${d.cert.valid_from})` : ''} [${raw}]`
  return raw
}

/**
 * A hot standby cancels a read whose snapshot or locks are in the way of
 * replaying the primary's changes ("canceling statement due to conflict with
 * recovery", 40001; a buffer-pin deadlock with recovery, 40P01), or ends the
 * session for it. Running the read again usually succeeds.
 */
export function isRecoveryConflict(e: unknown): boolean {
  const d = innermost(e)
  return (d.code === '40001' || d.code === '40P01' || d.code === '57P04') && /conflict with recovery/i.test(String(d.message ?? ''))
}

export function recoveryConflictError(where: string, attempts: number): AppError {
  return new AppError(
    'RECOVERY_CONFLICT',
    `The standby at ${where} cancelled the read ${attempts === 1 ? 'once' : `${attempts} times`} because it conflicted with replaying the primary's changes ("conflict with recovery"). ` +
      'Try again; if it keeps happening, read from the primary, or ask the DBA about max_standby_streaming_delay or hot_standby_feedback on the standby.',
  )
}

/**
 * Translate a driver/network error into an AppError whose message says what
 * happened and where (`where` is e.g. "user@db.example:5432/mlflow").
 * Messages are redacted: no password ever leaves through here. `ssl`, when
 * known, lets a certificate error name the root certificate that was used.
 */
export function toStoreError(e: unknown, where: string, ssl?: SslSettings): AppError {
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
    case code === 'ETIMEDOUT' ||
      code === 'EHOSTUNREACH' ||
      code === 'ENETUNREACH' ||
      /timeout expired|Connection terminated due to connection timeout/i.test(raw):
      err = new AppError('TIMEOUT', `Timed out connecting to ${where}: the host did not answer.`)
      break
    case code === '28P01':
      err = new AppError('AUTH_FAILED', `Authentication failed at ${where}: wrong password for that user.`)
      break
    // pg_hba.conf admits this user and database only over TLS: "no encryption" from PostgreSQL 14, "SSL off" before.
    case code === '28000' && /no encryption|SSL off/i.test(raw):
      err = new AppError(
        'AUTH_FAILED',
        `Access refused at ${where}: the server lets this user and database in only over TLS, and this connection has no encryption. Use sslmode=require, verify-ca or verify-full. [${raw}]`,
      )
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
    case code === '55P03':
      err = new AppError(
        'TIMEOUT',
        `The read waited too long for a lock another session holds on the store (${where}): a table being altered (mlflow db upgrade) or rewritten (VACUUM FULL)? Try again once that is done.`,
      )
      break
    case isRecoveryConflict(e):
      err = recoveryConflictError(where, 1)
      break
    case code === '25006' && /recovery|standby/i.test(raw):
      err = new AppError('SERVER_IS_STANDBY', `${where} is a hot standby (a read replica): it accepts reads only. Run writes against the primary.`)
      break
    case code === '25006':
      err = new AppError('READ_ONLY', `Refused: the session is read-only and the statement would write (${where}).`)
      break
    case TLS_CODES.has(code) || /ssl|tls|certificate/i.test(raw):
      err = new AppError('TLS_FAILED', `TLS failed with ${where}: ${redact(tlsReason(d, raw, ssl))}`)
      break
    default:
      err = new AppError('INTERNAL', `Database error at ${where}: ${raw}`)
  }
  return err
}
