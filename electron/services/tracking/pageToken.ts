import { createHash } from 'node:crypto'
import { AppError } from '@shared/api/errors'

/**
 * Page tokens are opaque to callers: base64 of JSON. Ours hold the last row's
 * order-key values (keyset) plus a fingerprint of the search they belong to.
 * MLflow's own tokens ({"offset": N}) are accepted too, so tokens from MLflow
 * tooling keep working.
 */
export type PageCursor = { kind: 'keyset'; values: unknown[] } | { kind: 'offset'; offset: number }

export function searchFingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 16)
}

export function encodePageToken(values: unknown[], fingerprint: string): string {
  return Buffer.from(JSON.stringify({ v: 1, f: fingerprint, k: values })).toString('base64url')
}

function invalidToken(why: string): AppError {
  return new AppError('INVALID_PAGE_TOKEN', `page_token is not a token this search returned (${why}).`, { field: 'page_token' })
}

/**
 * The cursor a page token holds. Only its shape is checked here (an object, a
 * version, an array of keys, a whole offset); each key value is checked against
 * its column's type by keysetCondition before any SQL sees it.
 */
export function decodePageToken(token: string | null | undefined, fingerprint: string): PageCursor | null {
  if (!token) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(token, token.includes('-') || token.includes('_') ? 'base64url' : 'base64').toString('utf8'))
  } catch {
    throw invalidToken('it does not decode')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidToken('it does not hold a cursor')
  const p = parsed as { v?: unknown; f?: unknown; k?: unknown; offset?: unknown }
  if ('offset' in p && !('k' in p)) {
    // MLflow's own tokens: {"offset": N}, N a row count PostgreSQL's OFFSET takes.
    if (typeof p.offset === 'number' && Number.isSafeInteger(p.offset) && p.offset >= 0) return { kind: 'offset', offset: p.offset }
    throw invalidToken('its offset must be a whole number from 0 to 2^53-1')
  }
  if (p.v === 1 && Array.isArray(p.k)) {
    if (p.f !== fingerprint) {
      throw new AppError('INVALID_PAGE_TOKEN', 'page_token belongs to a different search (other experiments, view, filter or order); start again without it.', {
        field: 'page_token',
      })
    }
    return { kind: 'keyset', values: p.k }
  }
  throw invalidToken(p.v !== undefined && p.v !== 1 ? `unknown version ${JSON.stringify(p.v)?.slice(0, 20)}` : 'no cursor in it')
}
