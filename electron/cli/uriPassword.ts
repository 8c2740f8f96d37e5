/**
 * The password a postgresql:// URI given on this command line carries (in its user-info, or as
 * `?password=`), decoded as libpq and pg-connection-string decode it. The command passes it on as
 * a typed-in secret, so it is sealed for the settings the command saves (with --ssh or --sslmode,
 * say), not for the bare URI. Undefined when the URI has none (or does not parse: the API says why).
 */
export function uriPassword(uri: string): string | undefined {
  try {
    const url = new URL(uri)
    const password = url.password ? decodeURIComponent(url.password) : url.searchParams.get('password')
    return password || undefined
  } catch {
    return undefined
  }
}
