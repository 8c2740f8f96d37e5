import { describe, expect, it } from 'vitest'
import { containsPattern, modelNameConditions } from '../../../electron/services/tracking/modelNameFilter'

describe('the registered-models name filter', () => {
  it('treats plain text as a case-insensitive substring, LIKE wildcards literal', () => {
    const bind: unknown[] = []
    expect(modelNameConditions('  50%_off\\x ', 'rm.name', bind)).toEqual([{ sql: 'rm.name ILIKE $1::text' }])
    expect(bind).toEqual(['%50\\%\\_off\\\\x%'])
    expect(containsPattern('a_b')).toBe('%a\\_b%')
    expect(modelNameConditions('   ', 'rm.name', [])).toEqual([])
    expect(modelNameConditions(null, 'rm.name', [])).toEqual([])
  })

  it("reads MLflow's name clauses, binding every value (never splicing it into SQL)", () => {
    const bind: unknown[] = ['earlier']
    const conditions = modelNameConditions(`name = 'a''b' and \`name\` != "c" AND attribute.name LIKE 'x%' AND NAME ilike '%Y%'`, 'rm.name', bind)
    expect(conditions.map((c) => c.sql)).toEqual(['rm.name = $2::text', 'rm.name <> $3::text', 'rm.name LIKE $4::text', 'rm.name ILIKE $5::text'])
    expect(bind).toEqual(['earlier', "a'b", 'c', 'x%', '%Y%'])
  })

  it('refuses anything else that looks like a filter, pointing at the fault', () => {
    const cases: Array<[string, number, RegExp]> = [
      ["tags.owner = 'bob'", 0, /"tags\.owner" cannot be filtered on/],
      ['version > 2', 0, /"version" cannot be filtered on/],
      ["name IN ('a')", 5, /comparator "IN" is not supported/],
      ["name NOT LIKE 'a'", 5, /comparator "NOT LIKE" is not supported/],
      ["name = 'a' name = 'b'", 11, /clauses are joined with AND/],
      ["name = 'a' AND", 14, /expected the identifier name/],
      ['name = "open', 7, /quoted value is not closed/],
    ]
    for (const [filter, position, message] of cases) {
      let error: unknown
      try {
        modelNameConditions(filter, 'rm.name', [])
      } catch (e) {
        error = e
      }
      expect(error, filter).toMatchObject({ code: 'INVALID_FILTER', details: { field: 'filter', position } })
      expect((error as Error).message, filter).toMatch(message)
    }
  })
})
