import { describe, expect, it } from 'vitest'
import { artifactTable, MAX_TABLE_ROWS } from '../../../../renderer/src/utils/artifactTable'

describe('artifact tables', () => {
  it('reads a header and rows, with quoted delimiters and newlines', () => {
    const t = artifactTable('id,text\n1,"a, b"\n2,"line\nbreak"\n', ',', false)
    expect(t.header).toEqual(['id', 'text'])
    expect(t.rows).toEqual([
      ['1', 'a, b'],
      ['2', 'line\nbreak'],
    ])
    expect(t.columnCount).toBe(2)
    expect(t.more).toBe(false)
  })

  it('reads TSV and drops a BOM', () => {
    const t = artifactTable('\uFEFFa\tb\n1\t2\n', '\t', false)
    expect(t.header).toEqual(['a', 'b'])
    expect(t.rows).toEqual([['1', '2']])
  })

  it('pads ragged rows and names extra columns', () => {
    const t = artifactTable('a,b\n1\n1,2,3\n', ',', false)
    expect(t.columnCount).toBe(3)
    expect(t.header).toEqual(['a', 'b', 'column 3'])
    expect(t.rows).toEqual([
      ['1', '', ''],
      ['1', '2', '3'],
    ])
  })

  it(`stops at ${MAX_TABLE_ROWS} rows and says there are more`, () => {
    const text = ['n', ...Array.from({ length: 1200 }, (_, i) => String(i))].join('\n')
    const t = artifactTable(text, ',', false)
    expect(t.rows).toHaveLength(MAX_TABLE_ROWS)
    expect(t.rows.at(-1)).toEqual([String(MAX_TABLE_ROWS - 1)])
    expect(t.more).toBe(true)
    expect(artifactTable('n\n1\n2\n', ',', false, 2).more).toBe(false)
  })

  it('drops the partial last line of cut text and says there is more', () => {
    const t = artifactTable('a,b\n1,2\n3,"unterminated', ',', true)
    expect(t.rows).toEqual([['1', '2']])
    expect(t.more).toBe(true)
  })

  it('throws on text that is not CSV', () => {
    expect(() => artifactTable('a,b\n1,"open\n', ',', false)).toThrow(/quote/i)
  })
})
