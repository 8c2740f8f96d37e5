import { parse } from 'pg-connection-string'
import { POSTGRES_URI_SCHEME } from '@shared/domain/profiles'

/**
 * The password a postgresql:// URI given on this command line carries (in its user-info, or as
 * `?password=`), read by the parser the services read the URI with (pg-connection-string), so a
 * socket URI (`…@/db?host=/tmp`) or an odd escape gives the same password here as there. The
 * query is left out of the parse (its sslrootcert and the like are files, read by the services).
 * The command passes the password on as a typed-in secret, so it is sealed for the settings the
 * command saves (with --ssh or --sslmode, say), not for the bare URI. Undefined when there is none.
 */
export function uriPassword(uri: string): string | undefined {
  const trimmed = uri.trim()
  if (!POSTGRES_URI_SCHEME.test(trimmed)) return undefined
  const [base, query = ''] = trimmed.replace(POSTGRES_URI_SCHEME, 'postgresql://').split('?', 2) as [string, string?]
  try {
    return parse(base).password || new URLSearchParams(query).get('password') || undefined
  } catch {
    return undefined
  }
}
