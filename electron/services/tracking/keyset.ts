import { AppError } from '@shared/api/errors'

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

const INT8_MIN = -(2n ** 63n)
const INT8_MAX = 2n ** 63n - 1n
const FLOAT8_WORDS = new Set(['NaN', 'Infinity', '-Infinity'])

function badCursor(what: string): AppError {
  return new AppError('INVALID_PAGE_TOKEN', `page_token is not a token this search returned (${what}); start again without it.`, { field: 'page_token' })
}

/**
 * A cursor value from a page token, checked against its key before it goes
 * anywhere near SQL. Tokens travel through users' hands: a value of the wrong
 * type or out of the column type's range is the token's fault (INVALID_PAGE_TOKEN),
 * not a "bigint out of range" from the server. Returns the value to bind.
 */
export function cursorValue(key: OrderKey, value: unknown, index: number): unknown {
  const where = `value ${index + 1}`
  if (value === null) {
    if (key.nullable === false) throw badCursor(`${where} cannot be null`)
    return null
  }
  switch (key.cast) {
    case 'text':
      if (typeof value !== 'string') throw badCursor(`${where} must be a string`)
      // PostgreSQL's text cannot hold NUL.
      if (value.includes('\u0000')) throw badCursor(`${where} holds a NUL character`)
      return value
    case 'bigint':
    case 'int8': {
      let n: bigint
      if (typeof value === 'number' && Number.isInteger(value)) n = BigInt(value)
      else if (typeof value === 'string' && /^-?\d{1,20}$/.test(value)) n = BigInt(value)
      else throw badCursor(`${where} must be a whole number`)
      // 2^63 is what a double holds for int8 values near the top (precision was lost on the way out): the maximum it stands for.
      if (n === INT8_MAX + 1n && typeof value === 'number') return INT8_MAX.toString()
      if (n < INT8_MIN || n > INT8_MAX) throw badCursor(`${where} is out of the range of a 64-bit integer`)
      return typeof value === 'number' ? value : n.toString()
    }
    case 'int':
    case 'integer':
    case 'int4':
      if (typeof value !== 'number' || !Number.isInteger(value) || value < -(2 ** 31) || value > 2 ** 31 - 1)
        throw badCursor(`${where} must be a 32-bit whole number`)
      return value
    case 'float8':
    case 'double precision':
      // NaN and the infinities travel as PostgreSQL spells them; JSON's 1e999 reads as Infinity, which binds as such.
      if (typeof value === 'number' || (typeof value === 'string' && FLOAT8_WORDS.has(value))) return value
      throw badCursor(`${where} must be a number`)
    case 'boolean':
      if (typeof value !== 'boolean') throw badCursor(`${where} must be true or false`)
      return value
    default:
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value
      throw badCursor(`${where} must be a plain value`)
  }
}

export function orderByClause(keys: readonly OrderKey[]): string {
  return keys.map((k) => `${k.sql} ${k.direction} NULLS ${k.nulls}`).join(', ')
}

/**
 * The WHERE condition selecting rows strictly after `given` (the last row of
 * the previous page) in the order `keys`, each value checked first
 * (cursorValue). Parameters are appended to `bind`; nothing user-supplied is
 * spliced into the SQL text.
 */
export function keysetCondition(keys: readonly OrderKey[], given: readonly unknown[], bind: unknown[]): string {
  if (given.length !== keys.length) throw badCursor(`${given.length} values for ${keys.length} order keys`)
  const values = given.map((v, i) => cursorValue(keys[i], v, i))
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
  if (n >= 2)
    return `(ROW(${keys
      .slice(0, n)
      .map((k) => k.sql)
      .join(', ')}) >= ROW(${keys
      .slice(0, n)
      .map((_, i) => param(i))
      .join(', ')}) AND ${or})`
  const k = keys[0]
  const rangeIsExact = values[0] !== null && (k.nulls === 'FIRST' || k.nullable === false)
  return rangeIsExact ? `(${k.sql} ${k.direction === 'ASC' ? '>=' : '<='} ${param(0)} AND ${or})` : or
}

/** Whether an order's first key is nullable and puts its NULLs against its direction's default (see nullRanges). */
export function nullsAgainstIndex(keys: readonly OrderKey[]): boolean {
  const k = keys[0]
  return keys.length > 1 && k.nullable !== false && k.nulls !== (k.direction === 'ASC' ? 'LAST' : 'FIRST')
}

/** One range of rows of a split order (nullRanges): its order, and what selects it (and where the page resumes in it). */
export interface OrderRange {
  order: OrderKey[]
  where: string[]
}

/**
 * An order whose first key is nullable and puts its NULLs where its direction does not (DESC
 * NULLS LAST, MLflow's explicit order on a column; or ASC NULLS FIRST) cannot be read from a btree
 * index in the default placement, so every page would be a sort. Its rows are two ranges that can:
 * the key's non-NULL rows (where NULL placement is moot, so the index's own order serves) and its
 * NULL rows (the key constant: ordered by the others). Returns the two in the order's sequence,
 * each with its condition and, after a cursor, where the page resumes within it (a plain range
 * on the first key that an index seeks to); null for an order that needs no split.
 */
export function nullRanges(keys: readonly OrderKey[], cursor: readonly unknown[] | null, bind: unknown[]): OrderRange[] | null {
  if (!nullsAgainstIndex(keys)) return null
  const [k, ...rest] = keys
  const defaultNulls = k.direction === 'ASC' ? 'LAST' : 'FIRST'
  const values: OrderRange = { order: [{ ...k, nulls: defaultNulls, nullable: false }, ...rest], where: [`${k.sql} IS NOT NULL`] }
  const nulls: OrderRange = { order: [...rest], where: [`${k.sql} IS NULL`] }
  const [first, second] = k.nulls === 'LAST' ? [values, nulls] : [nulls, values]
  if (cursor) {
    if (cursor.length !== keys.length) throw badCursor(`${cursor.length} values for ${keys.length} order keys`)
    const inNulls = cursor[0] === null
    const current = inNulls ? nulls : values
    current.where.push(inNulls ? keysetCondition(rest, cursor.slice(1), bind) : keysetCondition(values.order, cursor, bind))
    // The range before the cursor's is done.
    if (current === second) first.where.push('FALSE')
  }
  return [first, second]
}

/**
 * Whether an order leads with a boolean flag, false first, then a key descending: a metric
 * ordered DESC (is_nan, then the value DESC). An index by (flag, value) gives the value DESC only
 * walked backward, where the flag comes out true first: see flagRanges.
 */
export function flagAgainstIndex(keys: readonly OrderKey[]): boolean {
  const [flag, next] = keys
  return keys.length > 2 && flag.cast === 'boolean' && flag.direction === 'ASC' && flag.nullable === false && next.direction === 'DESC'
}

/**
 * An order led by a boolean flag (false first) whose next key runs against the index's direction
 * (flagAgainstIndex) is two ranges an index can walk: the flag false, then true. In each the flag
 * is constant, so the planner drops it from the order and walks the index backward for the rest.
 * Returns the two, each with its condition and, after a cursor, where the page resumes within it.
 */
export function flagRanges(keys: readonly OrderKey[], cursor: readonly unknown[] | null, bind: unknown[]): OrderRange[] | null {
  if (!flagAgainstIndex(keys)) return null
  const [flag, ...rest] = keys
  const ranges: [OrderRange, OrderRange] = [
    { order: [...rest], where: [`${flag.sql} = false`] },
    { order: [...rest], where: [`${flag.sql} = true`] },
  ]
  if (cursor) {
    if (cursor.length !== keys.length) throw badCursor(`${cursor.length} values for ${keys.length} order keys`)
    const inTrue = cursorValue(flag, cursor[0], 0) === true
    ranges[inTrue ? 1 : 0].where.push(keysetCondition(rest, cursor.slice(1), bind))
    // The range before the cursor's is done.
    if (inTrue) ranges[0].where.push('FALSE')
  }
  return ranges
}
