/**
 * Keyset ("seek") pagination over an ORDER BY of several keys, with SQL NULL
 * placement honoured per key. Page N costs the same as page 1: the next page
 * starts strictly after the last row's key values instead of skipping rows.
 */
export interface OrderKey {
  /** SQL expression over the query's aliases, e.g. `r.start_time`. */
  sql: string
  direction: 'ASC' | 'DESC'
  nulls: 'FIRST' | 'LAST'
  /** Postgres type to cast the bound value to, e.g. `bigint`, `text`. */
  cast: string
}

export function orderByClause(keys: readonly OrderKey[]): string {
  return keys.map((k) => `${k.sql} ${k.direction} NULLS ${k.nulls}`).join(', ')
}

/**
 * The WHERE condition selecting rows strictly after `values` (the last row of
 * the previous page) in the order `keys`. Parameters are appended to `bind`;
 * nothing user-supplied is spliced into the SQL text.
 */
export function keysetCondition(keys: readonly OrderKey[], values: readonly unknown[], bind: unknown[]): string {
  if (values.length !== keys.length) throw new Error('keyset: one value per order key expected')
  const param = (v: unknown, cast: string) => {
    bind.push(v)
    return `$${bind.length}::${cast}`
  }
  const equal = (k: OrderKey, v: unknown) => (v === null ? `${k.sql} IS NULL` : `${k.sql} = ${param(v, k.cast)}`)
  const after = (k: OrderKey, v: unknown): string | null => {
    if (v === null) return k.nulls === 'FIRST' ? `${k.sql} IS NOT NULL` : null
    const cmp = `${k.sql} ${k.direction === 'ASC' ? '>' : '<'} ${param(v, k.cast)}`
    return k.nulls === 'LAST' ? `(${cmp} OR ${k.sql} IS NULL)` : cmp
  }
  const branches: string[] = []
  for (let i = 0; i < keys.length; i++) {
    const tail = after(keys[i], values[i])
    if (tail === null) continue
    const prefix = keys.slice(0, i).map((k, j) => equal(k, values[j]))
    branches.push([...prefix, tail].join(' AND '))
  }
  return branches.length ? `(${branches.map((b) => `(${b})`).join(' OR ')})` : 'FALSE'
}
