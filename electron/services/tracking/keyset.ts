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
  /** False for columns that cannot be NULL (a primary key): no NULL branches are generated. */
  nullable?: boolean
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
  // Each value is bound once and referenced wherever it is needed.
  const params = new Map<number, string>()
  const param = (i: number) => {
    let p = params.get(i)
    if (!p) {
      bind.push(values[i])
      params.set(i, (p = `$${bind.length}::${keys[i].cast}`))
    }
    return p
  }
  const equal = (i: number) => (values[i] === null ? `${keys[i].sql} IS NULL` : `${keys[i].sql} = ${param(i)}`)
  const after = (i: number): string | null => {
    const k = keys[i]
    if (values[i] === null) return k.nulls === 'FIRST' ? `${k.sql} IS NOT NULL` : null
    const cmp = `${k.sql} ${k.direction === 'ASC' ? '>' : '<'} ${param(i)}`
    return k.nulls === 'LAST' && k.nullable !== false ? `(${cmp} OR ${k.sql} IS NULL)` : cmp
  }
  const branches: string[] = []
  for (let i = 0; i < keys.length; i++) {
    const tail = after(i)
    if (tail === null) continue
    const prefix = keys.slice(0, i).map((_, j) => equal(j))
    branches.push([...prefix, tail].join(' AND '))
  }
  if (!branches.length) return 'FALSE'
  const or = `(${branches.map((b) => `(${b})`).join(' OR ')})`
  // The OR above is exact but no index can seek with it. Every later row also
  // lies on or past the first key's value: say so in a plain range an index can
  // start from (when NULLs sort before the cursor or the key has none).
  // Leading ascending keys that cannot be NULL seek together as one row comparison.
  let n = 0
  while (n < keys.length && keys[n].direction === 'ASC' && keys[n].nullable === false) n++
  if (n >= 2) return `(ROW(${keys.slice(0, n).map((k) => k.sql).join(', ')}) >= ROW(${keys.slice(0, n).map((_, i) => param(i)).join(', ')}) AND ${or})`
  const k = keys[0]
  const rangeIsExact = values[0] !== null && (k.nulls === 'FIRST' || k.nullable === false)
  return rangeIsExact ? `(${k.sql} ${k.direction === 'ASC' ? '>=' : '<='} ${param(0)} AND ${or})` : or
}
