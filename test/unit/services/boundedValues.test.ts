import { describe, expect, it } from 'vitest'
import { workMemProblem } from '@shared/api/queryLimits'
import { boundedStatement, cutUtf8, rowDecoder, valueKind, type ResultColumn } from '../../../electron/services/query/boundedValues'

const col = (name: string, oid: number, typlen: number, typmod = -1, typcategory = 'S'): ResultColumn => ({
  name,
  oid,
  typmod,
  type: name,
  category: 'string',
  typlen,
  typcategory,
})
const INT4 = col('i', 23, 4, -1, 'N')
const TEXT = col('t', 25, -1)
const VARCHAR_250 = col('v', 1043, -1, 254)
const JSONB = col('j', 3802, -1, -1, 'U')
const BYTEA = col('b', 17, -1, -1, 'U')
const XML = col('x', 142, -1, -1, 'U')
const EXT = col('e', 70000, -1, -1, 'U')

describe('what the server must cut', () => {
  it('passes columns bounded by their type; cuts the rest by kind', () => {
    const cap = 1024 * 1024
    expect([INT4, VARCHAR_250, col('n', 1700, -1, (10 << 16) + 2 + 4, 'N'), col('ip', 869, -1)].map((c) => valueKind(c, cap))).toEqual([
      'plain',
      'plain',
      'plain',
      'plain',
    ])
    expect([TEXT, BYTEA, JSONB, XML, EXT].map((c) => valueKind(c, cap))).toEqual(['text', 'bytea', 'generic', 'generic', 'generic'])
    // varchar(n) is n characters of up to 4 bytes: past the cap it is cut like text.
    expect(valueKind(col('v', 1043, -1, 300_000 + 4), cap)).toBe('text')
    // numeric without a precision can be ~147,000 digits: cut under a small cap.
    expect(valueKind(col('n', 1700, -1, -1, 'N'), 1024)).toBe('generic')
  })

  it('leaves a statement of bounded columns alone, and wraps the others with the statement on lines of its own', () => {
    expect(boundedStatement('SELECT 1', [INT4, VARCHAR_250], 1024)).toMatchObject({ text: 'SELECT 1', wrapped: false, offset: 0 })
    const sql = 'SELECT * FROM t -- trailing'
    const b = boundedStatement(sql, [INT4, TEXT, JSONB, XML, EXT], 1024)
    expect(b.wrapped).toBe(true)
    expect(b.text.slice(b.offset, b.offset + sql.length)).toBe(sql)
    expect(b.text.slice(b.offset + sql.length)).toMatch(/^\n\) AS desk_q\(desk_c1, desk_c2, desk_c3, desk_c4, desk_c5\) OFFSET 0\) AS desk_w$/)
    // jsonb by its I/O cast, xml and an extension's type through their output function (format %s).
    expect(b.text).toContain('desk_q.desk_c3::text AS desk_t3')
    expect(b.text).toContain("format('%s', desk_q.desk_c4)")
    expect(b.text).toContain("format('%s', desk_q.desk_c5)")
    expect(b.text).toContain('left(desk_w.desk_c2, 1024)::text')
    // The sizes are only spelled out when a value is cut.
    expect(b.text).toMatch(/CASE WHEN octet_length\(desk_w\.desk_c2\) > 1024 OR octet_length\(desk_w\.desk_t3\) > 1024 OR/)
  })
})

describe('reading back what the server sent', () => {
  it('cuts at a character boundary in bytes', () => {
    expect(cutUtf8('abc', 2)).toBe('ab')
    expect(cutUtf8('ééé', 5)).toBe('éé')
    expect(cutUtf8('a🙂b', 4)).toBe('a')
    expect(cutUtf8('a🙂b', 5)).toBe('a🙂')
    expect(cutUtf8('short', 1024)).toBe('short')
  })

  it('parses each value by the statement’s own type and reports the cut ones', () => {
    const cap = 4
    const decode = rowDecoder([INT4, TEXT, JSONB], { wrapped: true, kinds: ['plain', 'text', 'generic'], cap }, 'json')
    expect(decode(['7', 'éééé', null, '1:400'], 3)).toEqual({ cells: [7, 'éé', null], cuts: [{ row: 3, column: 1, bytes: 400 }] })
    expect(decode(['7', 'ab', '{}', null], 0)).toEqual({ cells: [7, 'ab', '{}'], cuts: [] })
    // Not wrapped (SHOW, EXPLAIN): still held to the cap on arrival.
    const plain = rowDecoder([TEXT], { wrapped: false, kinds: ['plain'], cap: 1024 }, 'text')
    expect(plain(['x'.repeat(2000)], 0)).toEqual({ cells: ['x'.repeat(1024)], cuts: [{ row: 0, column: 0, bytes: 2000 }] })
  })
})

describe('work_mem for the console', () => {
  it('takes what PostgreSQL takes, and says why not otherwise', () => {
    for (const ok of ['64MB', '4096', '512kB', '2GB', '64 MB']) expect(workMemProblem(ok), ok).toBeNull()
    expect(workMemProblem('64mb')).toMatch(/not a size/)
    expect(workMemProblem('32kB')).toMatch(/minimum of 64kB/)
    expect(workMemProblem('3TB')).toMatch(/maximum/)
  })
})
