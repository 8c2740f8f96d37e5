import { readFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { checkServerIdentity, type ConnectionOptions, type PeerCertificate } from 'node:tls'
import { AppError } from '@shared/api/errors'
import type { SslSettings } from '@shared/domain/profiles'
import { expandHome } from '../config/appPaths'

/** What to try first and, for libpq's allow/prefer, what to try when that is refused. */
export interface TlsPlan {
  first: false | ConnectionOptions
  fallback: false | ConnectionOptions | null
}

async function readPem(file: string | null, what: string): Promise<Buffer | undefined> {
  if (!file) return undefined
  try {
    return await readFile(expandHome(file))
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message
    throw new AppError('INVALID_CONNECTION', `${what}: cannot read "${file}": ${reason}.`, { field: what })
  }
}

/**
 * libpq's sslmode, faithfully:
 * - disable: no TLS. allow: plain first, TLS if the server insists. prefer: TLS
 *   first (no verification), plain if the server has no TLS.
 * - require: TLS, no verification — unless a root certificate is given, then as verify-ca (libpq does the same).
 * - verify-ca: the chain must lead to the root certificate; any host name.
 * - verify-full: chain and host name. Without a root certificate the system's CAs are used (sslrootcert=system).
 * `serverName` is the database host as the user wrote it: through an SSH tunnel the
 * socket goes to 127.0.0.1, but the certificate must still match the real host.
 */
export async function tlsPlan(ssl: SslSettings, serverName: string): Promise<TlsPlan> {
  const [ca, cert, key] = await Promise.all([readPem(ssl.root_cert, 'sslrootcert'), readPem(ssl.cert, 'sslcert'), readPem(ssl.key, 'sslkey')])
  const client = { ...(cert ? { cert } : {}), ...(key ? { key } : {}) }
  const unverified: ConnectionOptions = { rejectUnauthorized: false, ...client }
  const anyHost = () => undefined
  const chainOnly: ConnectionOptions = { rejectUnauthorized: true, ca, checkServerIdentity: anyHost, ...client }
  switch (ssl.mode) {
    case 'disable':
      return { first: false, fallback: null }
    case 'allow':
      return { first: false, fallback: unverified }
    case 'prefer':
      return { first: unverified, fallback: false }
    case 'require':
      return { first: ca ? chainOnly : unverified, fallback: null }
    case 'verify-ca':
      if (!ca)
        throw new AppError('INVALID_CONNECTION', 'sslmode=verify-ca needs a root certificate (sslrootcert) to verify the server against.', {
          field: 'sslrootcert',
        })
      return { first: chainOnly, fallback: null }
    case 'verify-full':
      return {
        first: {
          rejectUnauthorized: true,
          ...(ca ? { ca } : {}),
          // SNI only for names: an IP address as ServerName is not allowed by RFC 6066
          // (Node warns, DEP0123) and libpq does not send one either.
          ...(isIP(serverName) ? {} : { servername: serverName }),
          checkServerIdentity: (_host: string, c: PeerCertificate) => checkServerIdentity(serverName, c),
          ...client,
        },
        fallback: null,
      }
  }
}

/** Refusals after which libpq's allow/prefer try the other way. */
export function wantsFallback(mode: SslSettings['mode'], error: unknown): boolean {
  const msg = String((error as Error)?.message ?? error)
  if (mode === 'prefer') return /does not support SSL/i.test(msg)
  if (mode === 'allow') return /no encryption|SSL off|SSL connection is required|pg_hba\.conf/i.test(msg)
  return false
}

/**
 * Connect the way libpq does for `ssl.mode`: the first plan, and for allow/prefer
 * the other one when the server refuses it. `attempt` opens one connection with
 * the TLS options given (cleaning up after itself when it fails).
 */
export async function connectWithLibpqTls<T>(ssl: SslSettings, serverName: string, attempt: (tls: false | ConnectionOptions) => Promise<T>): Promise<T> {
  const plan = await tlsPlan(ssl, serverName)
  try {
    return await attempt(plan.first)
  } catch (e) {
    if (plan.fallback === null || !wantsFallback(ssl.mode, e)) throw e
    return attempt(plan.fallback)
  }
}
