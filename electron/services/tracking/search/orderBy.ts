import { filterError, tokenize } from './filterLexer'
import { TokenReader, type KeyRef } from './filterParser'

export interface OrderTerm extends KeyRef {
  ascending: boolean
  /** Which order_by entry this came from, for errors. */
  field: string
}

/**
 * MLflow's order_by: each entry is `<key> [ASC|DESC]` (ASC by default), keys as
 * in filters (`metrics.acc`, params.`learning rate`, `start_time`). Like
 * MLflow, the same key twice is refused.
 */
export function parseOrderBy(entries: readonly string[] | null | undefined): OrderTerm[] {
  const terms: OrderTerm[] = []
  for (const [i, entry] of (entries ?? []).entries()) {
    const field = `order_by.${i}`
    const r = new TokenReader(tokenize(entry, field), field)
    const key = r.readKey('order_by')
    let ascending = true
    if (r.isKeyword('ASC') || r.isKeyword('DESC')) ascending = r.next().text.toUpperCase() === 'ASC'
    const rest = r.peek()
    if (rest.kind !== 'end') throw r.error(`Expected ASC, DESC or the end of order_by entry ${i + 1} ('${entry}'), found '${rest.text}'.`)
    if (terms.some((t) => t.entity === key.entity && t.key === key.key)) {
      throw filterError(
        `order_by names ${key.entity === 'attribute' ? key.key : `${key.entity} '${key.key}'`} twice; give each key once.`,
        field,
        key.position,
        key.length,
      )
    }
    terms.push({ ...key, ascending, field })
  }
  return terms
}
