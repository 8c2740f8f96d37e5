import { describe, expect, it } from 'vitest'
import { flagRanges, keysetCondition, nullRanges, orderByClause, type OrderKey } from '../../../electron/services/tracking/keyset'

const keys: OrderKey[] = [
  { sql: 'r.start_time', direction: 'DESC', nulls: 'FIRST', cast: 'bigint' },
  { sql: 'r.run_uuid', direction: 'ASC', nulls: 'LAST', cast: 'text', nullable: false },
]

describe('keyset pagination SQL', () => {
  it('renders the ORDER BY with explicit NULL placement', () => {
    expect(orderByClause(keys)).toBe('r.start_time DESC NULLS FIRST, r.run_uuid ASC NULLS LAST')
  })

  it('binds every value as a parameter, never in the SQL text', () => {
    const bind: unknown[] = ['x']
    const sql = keysetCondition(keys, [1700000000000, "a'; DROP TABLE runs; --"], bind)
    expect(sql).not.toContain('DROP')
    expect(bind).toEqual(['x', 1700000000000, "a'; DROP TABLE runs; --"])
    expect(sql).toBe('(r.start_time <= $2::bigint AND ((r.start_time < $2::bigint) OR (r.start_time = $2::bigint AND r.run_uuid > $3::text)))')
  })

  it('after a NULL first key, continues with the rest of the NULLs and then every non-NULL', () => {
    const bind: unknown[] = []
    expect(keysetCondition(keys, [null, 'abc'], bind)).toBe('((r.start_time IS NOT NULL) OR (r.start_time IS NULL AND r.run_uuid > $1::text))')
  })

  it('with NULLS LAST, rows after a value include the NULLs', () => {
    const bind: unknown[] = []
    const k: OrderKey[] = [{ sql: 'v', direction: 'ASC', nulls: 'LAST', cast: 'float8' }]
    expect(keysetCondition(k, [3], bind)).toBe('(((v > $1::float8 OR v IS NULL)))')
    expect(keysetCondition(k, [null], [])).toBe('FALSE')
  })
})

describe('an order with its NULLs against the index placement, as two ranges', () => {
  const explicit: OrderKey[] = [
    { sql: 'r.start_time', direction: 'DESC', nulls: 'LAST', cast: 'bigint' },
    { sql: 'r.run_uuid', direction: 'ASC', nulls: 'LAST', cast: 'text', nullable: false },
  ]

  it('needs no split where the placement is the default or the key cannot be NULL', () => {
    expect(nullRanges(keys, null, [])).toBeNull()
    expect(nullRanges([{ ...explicit[0], nullable: false }, explicit[1]], null, [])).toBeNull()
    expect(nullRanges([{ ...explicit[0], direction: 'ASC' }, explicit[1]], null, [])).toBeNull()
  })

  it('reads the non-NULL values in the index order first, then the NULLs by the other keys', () => {
    const [values, nulls] = nullRanges(explicit, null, [])!
    expect(values.where).toEqual(['r.start_time IS NOT NULL'])
    expect(orderByClause(values.order)).toBe('r.start_time DESC NULLS FIRST, r.run_uuid ASC NULLS LAST')
    expect(nulls.where).toEqual(['r.start_time IS NULL'])
    expect(orderByClause(nulls.order)).toBe('r.run_uuid ASC NULLS LAST')
  })

  it('after a value resumes in its range by a plain range an index seeks to, and keeps every NULL', () => {
    const bind: unknown[] = []
    const [values, nulls] = nullRanges(explicit, [1700000000000, 'abc'], bind)!
    expect(values.where).toEqual([
      'r.start_time IS NOT NULL',
      '(r.start_time <= $1::bigint AND ((r.start_time < $1::bigint) OR (r.start_time = $1::bigint AND r.run_uuid > $2::text)))',
    ])
    expect(nulls.where).toEqual(['r.start_time IS NULL'])
    expect(bind).toEqual([1700000000000, 'abc'])
  })

  it('after a NULL, the values are done and the NULLs resume by the other keys', () => {
    const bind: unknown[] = []
    const [values, nulls] = nullRanges(explicit, [null, 'abc'], bind)!
    expect(values.where).toEqual(['r.start_time IS NOT NULL', 'FALSE'])
    expect(nulls.where).toEqual(['r.start_time IS NULL', '(r.run_uuid >= $1::text AND ((r.run_uuid > $1::text)))'])
  })

  it('with NULLs first (ASC NULLS FIRST) the NULL range comes first', () => {
    const [first, second] = nullRanges([{ ...explicit[0], direction: 'ASC', nulls: 'FIRST' }, explicit[1]], [5, 'x'], [])!
    expect(first.where).toEqual(['r.start_time IS NULL', 'FALSE'])
    expect(second.where[0]).toBe('r.start_time IS NOT NULL')
  })
})

describe('a metric DESC (is_nan false first, then the value DESC) as two ranges of is_nan', () => {
  const byMetricDesc: OrderKey[] = [
    { sql: 'o0.is_nan', direction: 'ASC', nulls: 'LAST', cast: 'boolean', nullable: false },
    { sql: 'o0.value', direction: 'DESC', nulls: 'FIRST', cast: 'float8', nullable: false },
    { sql: 'r.run_uuid', direction: 'ASC', nulls: 'LAST', cast: 'text', nullable: false },
  ]

  it('needs no split for a metric ASC, whose order the index gives walked forward', () => {
    expect(flagRanges([byMetricDesc[0], { ...byMetricDesc[1], direction: 'ASC', nulls: 'LAST' }, byMetricDesc[2]], null, [])).toBeNull()
    expect(flagRanges(keys, null, [])).toBeNull()
  })

  it('reads the numbers first, then the NaNs, each ordered by the value DESC without the flag', () => {
    const [numbers, nans] = flagRanges(byMetricDesc, null, [])!
    expect(numbers.where).toEqual(['o0.is_nan = false'])
    expect(nans.where).toEqual(['o0.is_nan = true'])
    for (const r of [numbers, nans]) expect(orderByClause(r.order)).toBe('o0.value DESC NULLS FIRST, r.run_uuid ASC NULLS LAST')
  })

  it('after a number resumes among the numbers by the other keys and keeps every NaN', () => {
    const bind: unknown[] = []
    const [numbers, nans] = flagRanges(byMetricDesc, [false, 0.9, 'abc'], bind)!
    expect(numbers.where).toEqual([
      'o0.is_nan = false',
      '(o0.value <= $1::float8 AND ((o0.value < $1::float8) OR (o0.value = $1::float8 AND r.run_uuid > $2::text)))',
    ])
    expect(nans.where).toEqual(['o0.is_nan = true'])
    expect(bind).toEqual([0.9, 'abc'])
  })

  it('after a NaN, the numbers are done', () => {
    const [numbers, nans] = flagRanges(byMetricDesc, [true, 0, 'abc'], [])!
    expect(numbers.where).toEqual(['o0.is_nan = false', 'FALSE'])
    expect(nans.where[0]).toBe('o0.is_nan = true')
    expect(nans.where).toHaveLength(2)
  })

  it("refuses a cursor whose flag is not a boolean, or of another order's length", () => {
    expect(() => flagRanges(byMetricDesc, ['yes', 0.9, 'abc'], [])).toThrow(/page_token/)
    expect(() => flagRanges(byMetricDesc, [false, 0.9], [])).toThrow(/page_token/)
  })
})

describe('cursor values are checked against their keys before SQL', () => {
  const key = (cast: string, nullable?: boolean): OrderKey => ({ sql: 'x', direction: 'ASC', nulls: 'LAST', cast, nullable })
  const refused = (k: OrderKey, v: unknown) =>
    expect(() => keysetCondition([k], [v], []), `${k.cast} ${JSON.stringify(v)}`).toThrowError(
      expect.objectContaining({ code: 'INVALID_PAGE_TOKEN', details: { field: 'page_token' } }),
    )

  it('bigint: whole numbers within 64 bits, as numbers or digit strings', () => {
    for (const v of [0, -1, 1_700_000_000_000, Number.MAX_SAFE_INTEGER, '9223372036854775807', '-9223372036854775808']) {
      const bind: unknown[] = []
      keysetCondition([key('bigint')], [v], bind)
      expect(bind).toEqual([v])
    }
    for (const v of ['9223372036854775808', '-9223372036854775809', 1e20, -1e20, 1.5, '1.5', '1e3', 'abc', '', true, {}, [], NaN]) refused(key('bigint'), v)
  })

  it('bigint: 2^63, which is what a double makes of int8 values near the top, binds as the maximum', () => {
    const bind: unknown[] = []
    keysetCondition([key('bigint')], [2 ** 63], bind)
    expect(bind).toEqual(['9223372036854775807'])
  })

  it('int, float8, boolean, text: their JSON types only; text without NUL', () => {
    for (const v of [2 ** 31, 1.5, '1', null]) refused(key('int', false), v)
    keysetCondition([key('int', false)], [2], [])
    for (const v of ['1.5', 'nan', true, {}]) refused(key('float8'), v)
    for (const v of [1.5, -0, 1.7976931348623157e308, 'NaN', 'Infinity', '-Infinity', null]) keysetCondition([key('float8')], [v], [])
    for (const v of ['true', 0, 1, null]) refused(key('boolean', false), v)
    keysetCondition([key('boolean', false)], [false], [])
    for (const v of [1, true, ['a'], { a: 1 }, 'a\u0000b']) refused(key('text'), v)
    keysetCondition([key('text')], ["it's \u00e9\u{1F600}"], [])
  })

  it('null only where the key can be NULL; the wrong number of values is refused too', () => {
    refused(key('text', false), null)
    keysetCondition([key('text')], [null], [])
    expect(() => keysetCondition([key('text'), key('int')], ['a'], [])).toThrowError(expect.objectContaining({ code: 'INVALID_PAGE_TOKEN' }))
  })
})
