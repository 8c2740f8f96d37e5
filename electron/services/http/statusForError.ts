import type { AppErrorCode } from '@shared/api/errors'

/** HTTP status for an error envelope; the body carries the typed error either way. */
export function statusForError(code: AppErrorCode): number {
  switch (code) {
    case 'BAD_REQUEST':
    case 'INVALID_PAGE_TOKEN':
    case 'INVALID_FILTER':
    case 'INVALID_CONNECTION':
    case 'QUERY_REFUSED':
    case 'QUERY_FAILED':
      return 400
    case 'UNAUTHORIZED':
      return 401
    case 'FORBIDDEN':
    case 'READ_ONLY':
      return 403
    case 'UNKNOWN_CHANNEL':
    case 'NOT_FOUND':
      return 404
    case 'SCHEMA_MISMATCH':
    case 'CANCELLED':
      return 409
    case 'INTERNAL':
    case 'WRITE_FAILED':
      return 500
    default:
      // The store could not be reached or read: a gateway-style failure.
      return 503
  }
}
