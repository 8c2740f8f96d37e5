import { describe, expect, it } from 'vitest'
import { splitStatements, statementAt, statementEnds } from '@/utils/sqlStatements'

describe('statements of the console’s text', () => {
  it('splits on top-level semicolons only', () => {
    const text = 'SELECT \';\' AS a;\nSELECT "x;y" FROM t; -- c;\nSELECT $q$ ; $q$, $1 /* ; */'
    expect(splitStatements(text).map((s) => s.sql)).toEqual(["SELECT ';' AS a", 'SELECT "x;y" FROM t', '-- c;\nSELECT $q$ ; $q$, $1 /* ; */'])
    expect(statementEnds("SELECT 'it''s;'; SELECT 2")).toEqual([15])
  })

  it('keeps offsets into the text, so a refusal position can be underlined', () => {
    const text = 'SELECT 1;\n\n  SELECT 2  ;'
    const spans = splitStatements(text)
    expect(spans.map((s) => text.slice(s.from, s.to))).toEqual(['SELECT 1', 'SELECT 2'])
    expect(spans[1].from).toBe(13)
  })

  it('picks the statement under the cursor, else the one before it, else the first', () => {
    const text = 'SELECT 1;\nSELECT 2;\n\n'
    expect(statementAt(text, 3)?.sql).toBe('SELECT 1')
    expect(statementAt(text, 12)?.sql).toBe('SELECT 2')
    // Just after the ";" or on the blank lines below: the statement above.
    expect(statementAt(text, 9)?.sql).toBe('SELECT 1')
    expect(statementAt(text, text.length)?.sql).toBe('SELECT 2')
    expect(statementAt('\n\nSELECT 3', 0)?.sql).toBe('SELECT 3')
  })

  it('ignores empty statements and comment-only ones; none at all is null', () => {
    expect(splitStatements(';; -- nothing\n;').length).toBe(0)
    expect(statementAt('  ', 1)).toBeNull()
    expect(statementAt('-- just a note', 3)).toBeNull()
  })

  it('does not end a statement inside an unterminated string or comment', () => {
    expect(splitStatements("SELECT 'a;b").map((s) => s.sql)).toEqual(["SELECT 'a;b"])
    expect(splitStatements('SELECT 1 /* ; ').length).toBe(1)
  })
})
