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

export function decodePageToken(token: string | null | undefined, fingerprint: string): PageCursor | null {
  if (!token) return null
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(token, token.includes('-') || token.includes('_') ? 'base64url' : 'base64').toString('utf8'))
  } catch {
    throw new AppError('INVALID_PAGE_TOKEN', 'page_token is not a token this search returned (it does not decode).', { field: 'page_token' })
  }
  const p = parsed as { v?: number; f?: string; k?: unknown; offset?: unknown }
  if (typeof p.offset === 'number' && Number.isInteger(p.offset) && p.offset >= 0) return { kind: 'offset', offset: p.offset }
  if (p.v === 1 && Array.isArray(p.k)) {
    if (p.f !== fingerprint) {
      throw new AppError('INVALID_PAGE_TOKEN', 'page_token belongs to a different search (other experiments, view, filter or order); start again without it.', {
        field: 'page_token',
      })
    }
    return { kind: 'keyset', values: p.k }
  }
  throw new AppError('INVALID_PAGE_TOKEN', 'page_token is not a token this search returned.', { field: 'page_token' })
}
