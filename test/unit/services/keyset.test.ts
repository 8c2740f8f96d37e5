import { describe, expect, it } from 'vitest'
import { keysetCondition, orderByClause, type OrderKey } from '../../../electron/services/tracking/keyset'

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
