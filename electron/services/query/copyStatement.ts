import { pgParser, type PgNode } from './pgParser'
import type { GuardedSql } from './sqlGuard'

/** A tree without its text positions, for comparing two parses of the same statement. */
function shape(node: unknown): string {
  return JSON.stringify(node, (key, value) => (key === 'location' ? undefined : value))
}

export const COPY_PREFIX = 'COPY (\n'

/**
 * The statement as `COPY (<statement>) TO STDOUT WITH (FORMAT csv, HEADER)`,
 * so PostgreSQL formats the CSV itself, as psql's \copy has it do — or null
 * when that does not apply (parameters: COPY takes none; SHOW and EXPLAIN).
 * Text is spliced here, so the result is parsed again and must be exactly one
 * COPY to STDOUT (never FROM, never a file or PROGRAM) of a query whose tree is
 * the guarded statement's own.
 */
export async function copyCsvStatement(guarded: GuardedSql): Promise<string | null> {
  if ((guarded.kind !== 'select' && guarded.kind !== 'values') || guarded.params.length > 0) return null
  // The statement on lines of its own: a trailing "-- comment" cannot swallow the closing parenthesis.
  const text = `${COPY_PREFIX}${guarded.text}\n) TO STDOUT WITH (FORMAT csv, HEADER)`
  const parser = await pgParser()
  try {
    const outer = parser.parse(text)
    const inner = parser.parse(guarded.text)
    const copy = outer[0]?.stmt.CopyStmt as PgNode | undefined
    if (outer.length !== 1 || inner.length !== 1 || !copy) return null
    if (copy.is_from || copy.is_program || copy.filename || copy.relation) return null
    return shape(copy.query) === shape(inner[0].stmt) ? text : null
  } catch {
    return null
  }
}
