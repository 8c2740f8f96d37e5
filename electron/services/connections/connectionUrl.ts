import { parse as parsePgUri } from 'pg-connection-string'
import { SSL_MODES } from '@shared/api/profileSchemas'
import { AppError } from '@shared/api/errors'
import { POSTGRES_URI_SCHEME, type SslSettings } from '@shared/domain/profiles'
import { registerSecret } from '../security/redact'
import type { SshTarget } from './sshTunnel'

/** Where and how to reach a PostgreSQL store. The password stays in the main process. */
export interface ConnectionTarget {
  host: string
  port: number
  database: string
  user: string
  /** Undefined: none given; node-postgres then looks in PGPASSFILE or ~/.pgpass, as libpq does. */
  password?: string
  /** libpq's sslmode and certificate files; default sslmode=prefer, libpq's default. */
  ssl?: SslSettings
  /** libpq `options` (e.g. `-c search_path=mlflow`) passed on as session settings. */
  options?: string
  /** The search_path schema when the store lives outside `public`. */
  schema?: string
  /** Reach the database through an SSH tunnel. */
  ssh?: SshTarget
}

export const DEFAULT_SSL: SslSettings = { mode: 'prefer', root_cert: null, cert: null, key: null }

/** libpq's TLS parameters from a URI's query string (handled by us, not pg-connection-string). */
function takeSslParams(uri: string, source: string): { rest: string; ssl: SslSettings } {
  const q = uri.indexOf('?')
  if (q < 0) return { rest: uri, ssl: { ...DEFAULT_SSL } }
  const params = new URLSearchParams(uri.slice(q + 1))
  const mode = params.get('sslmode') ?? 'prefer'
  if (!(SSL_MODES as readonly string[]).includes(mode)) {
    throw new AppError('INVALID_CONNECTION', `${source}: sslmode "${mode}" is not one of libpq's: ${SSL_MODES.join(', ')}.`, { field: source })
  }
  const ssl: SslSettings = { mode: mode as SslSettings['mode'], root_cert: params.get('sslrootcert'), cert: params.get('sslcert'), key: params.get('sslkey') }
  for (const k of ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'uselibpqcompat']) params.delete(k)
  const rest = params.toString()
  return { rest: uri.slice(0, q) + (rest ? `?${rest}` : ''), ssl }
}

/** Schemes MLflow and libpq accept for a PostgreSQL store. SQLAlchemy adds a driver suffix. */

/**
 * Parse a libpq or SQLAlchemy-style URI (postgresql://, postgres://,
 * postgresql+psycopg2://) with its query parameters (sslmode, sslrootcert, ...).
 * `source` names where the URI came from, for the error message.
 */
export function parseConnectionUrl(url: string, source = '--url'): ConnectionTarget {
  const trimmed = url.trim()
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]
  if (!POSTGRES_URI_SCHEME.test(trimmed)) {
    const hint =
      scheme && /^(https?|file|databricks|sqlite|mysql|mssql)/i.test(scheme)
        ? ` It points at a "${scheme}" store; MLflow Desk reads the PostgreSQL backend store directly, so give its postgresql:// URI.`
        : ' Expected postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=...].'
    throw new AppError('INVALID_CONNECTION', `${source}: "${scheme ?? trimmed.slice(0, 20)}" is not a PostgreSQL URI.${hint}`, {
      field: source,
    })
  }
  const { rest: libpqUri, ssl } = takeSslParams(trimmed.replace(POSTGRES_URI_SCHEME, 'postgresql://'), source)
  let parsed: ReturnType<typeof parsePgUri>
  try {
    parsed = parsePgUri(libpqUri)
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e)
    throw new AppError('INVALID_CONNECTION', `${source}: cannot read the connection URI: ${reason}`, { field: source })
  }
  const password = parsed.password ?? undefined
  registerSecret(password)
  const database = parsed.database ?? parsed.user ?? 'postgres'
  const port = parsed.port ? Number(parsed.port) : 5432
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new AppError('INVALID_CONNECTION', `${source}: port "${parsed.port}" is not a TCP port`, { field: source })
  }
  const options = typeof parsed.options === 'string' ? parsed.options : undefined
  return {
    host: parsed.host || 'localhost',
    port,
    database: decodeURIComponent(database),
    user: parsed.user ? decodeURIComponent(parsed.user) : process.env.PGUSER || 'postgres',
    password,
    ssl,
    options,
    schema: schemaFromOptions(options),
  }
}

/** `-c search_path=mlflow` (or `-csearch_path=mlflow,public`) -> "mlflow". */
function schemaFromOptions(options: string | undefined): string | undefined {
  const m = options && /-c\s*search_path=([^\s,]+)/.exec(options)
  return m ? m[1] : undefined
}

export { describeTarget } from '@shared/domain/profiles'

/** A URI that other tools (psql, MLflow) accept, with the password only when asked for. */
export function targetToUrl(t: ConnectionTarget, withPassword = false): string {
  const auth = encodeURIComponent(t.user) + (withPassword && t.password ? ':' + encodeURIComponent(t.password) : '')
  return `postgresql://${auth}@${t.host}:${t.port}/${encodeURIComponent(t.database)}`
}
