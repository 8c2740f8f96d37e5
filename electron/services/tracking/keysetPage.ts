import { AppError } from '@shared/api/errors'
import { keysetCondition, nullRanges, type OrderKey, type OrderRange } from './keyset'
import { decodePageToken, encodePageToken } from './pageToken'

/**
 * The two ends of a keyset-paged search: where its page starts (from the
 * token the last page gave), and the page out of the rows read with one row
 * more than asked, with the token of the next.
 */

/**
 * Where the page resumes: a keyset token's condition (rows strictly after its
 * last row) is pushed onto `where`, its values bound in `bind`; MLflow's own
 * {"offset": N} tokens give the offset. A token of another search is refused.
 */
export function resumeAt(
  token: string | null | undefined,
  fingerprint: string,
  order: readonly OrderKey[],
  bind: unknown[],
  where: string[],
): number | undefined {
  const { values, offset } = resumePoint(token, fingerprint, order)
  if (values) where.push(keysetCondition(order, values, bind))
  return offset
}

/** A token's cursor values (checked against the order) or MLflow's offset. */
function resumePoint(token: string | null | undefined, fingerprint: string, order: readonly OrderKey[]): { values?: unknown[]; offset?: number } {
  const cursor = decodePageToken(token, fingerprint)
  if (cursor?.kind === 'offset') return { offset: cursor.offset }
  if (cursor?.kind !== 'keyset') return {}
  if (cursor.values.length !== order.length) {
    throw new AppError('INVALID_PAGE_TOKEN', 'page_token does not fit this search; start again without it.', { field: 'page_token' })
  }
  return { values: cursor.values }
}

/**
 * resumeAt for an order read as two ranges (`split`: nullRanges or flagRanges): each range's
 * condition, with where the page resumes in it; null when the order needs no split.
 */
export function resumeInRanges(
  token: string | null | undefined,
  fingerprint: string,
  order: readonly OrderKey[],
  bind: unknown[],
  split: (keys: readonly OrderKey[], cursor: readonly unknown[] | null, bind: unknown[]) => OrderRange[] | null = nullRanges,
): { ranges: OrderRange[]; offset?: number } | null {
  const { values, offset } = resumePoint(token, fingerprint, order)
  const ranges = split(order, values ?? null, bind)
  return ranges && { ranges, offset }
}

/** The page out of rows read with LIMIT max + 1; the next page's token starts after its last row, when there is more. */
export function pageOf<R>(
  rows: readonly R[],
  max: number,
  fingerprint: string,
  cursorOf: (row: R) => unknown[],
): { page: R[]; next_page_token: string | null } {
  const page = rows.slice(0, max)
  const last = page[page.length - 1]
  return { page, next_page_token: rows.length > max && last ? encodePageToken(cursorOf(last), fingerprint) : null }
}
