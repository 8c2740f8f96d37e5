import { AppError } from '@shared/api/errors'

/**
 * The registered-models search box: a plain substring of the name (matched
 * case-insensitively), or MLflow's search_registered_models name clauses
 * `name = '...'`, `name != '...'`, `name LIKE '...'`, `name ILIKE '...'`
 * joined by AND. Anything else that looks like a filter (an identifier followed
 * by a comparator) is refused with the position at fault, so a typo never
 * silently turns into a substring search that finds nothing.
 */
export interface NameCondition {
  /** SQL over `column`, its value bound as the parameter that was appended to `bind`. */
  sql: string
}

const OPERATORS: Record<string, string> = { '=': '=', '!=': '<>', LIKE: 'LIKE', ILIKE: 'ILIKE' }
const HINT = "Search models by a name substring, or by name = / != / LIKE / ILIKE 'text' clauses joined by AND"

/** An identifier (optionally entity-prefixed or quoted) right before a comparator: the text is meant as a filter. */
const LOOKS_LIKE_FILTER = /^\s*(?:[A-Za-z_]\w*\.)?(?:[A-Za-z_]\w*|`[^`]*`|"[^"]*")\s*(?:!=|<>|<=|>=|=|<|>|(?:NOT\s+)?I?LIKE\b|(?:NOT\s+)?IN\b)/i

function invalid(message: string, position: number, length = 1): AppError {
  return new AppError('INVALID_FILTER', `filter: ${message} at position ${position}. ${HINT}.`, { field: 'filter', position, length })
}

/** PostgreSQL LIKE pattern matching `text` literally anywhere in the value. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

class Scanner {
  pos = 0
  constructor(readonly text: string) {}

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++
  }

  done(): boolean {
    this.skipSpace()
    return this.pos >= this.text.length
  }

  /** `name`, "name", name, with MLflow's optional `attribute.` prefix. */
  identifier(): void {
    this.skipSpace()
    const start = this.pos
    const m = /^(?:(?:attributes?|attr)\.)?(?:`([^`]*)`|"([^"]*)"|([A-Za-z_][\w.]*))/i.exec(this.text.slice(this.pos))
    if (!m) throw invalid('expected the identifier name', start)
    const name = m[1] ?? m[2] ?? m[3]
    if (name.toLowerCase() !== 'name') {
      throw invalid(`"${m[0]}" cannot be filtered on here; only the registered model name can`, start, m[0].length)
    }
    this.pos += m[0].length
  }

  operator(): string {
    this.skipSpace()
    const start = this.pos
    const m = /^(!=|<>|<=|>=|=|<|>|NOT\s+ILIKE\b|NOT\s+LIKE\b|NOT\s+IN\b|ILIKE\b|LIKE\b|IN\b)/i.exec(this.text.slice(this.pos))
    if (!m) throw invalid('expected a comparator (=, !=, LIKE or ILIKE) after name', start)
    const op = OPERATORS[m[1].toUpperCase()]
    if (!op) throw invalid(`comparator "${m[1]}" is not supported for the model name`, start, m[1].length)
    this.pos += m[1].length
    return op
  }

  /** A single- or double-quoted string; a doubled quote inside stands for one (SQL's rule). */
  quoted(): string {
    this.skipSpace()
    const start = this.pos
    const quote = this.text[this.pos]
    if (quote !== "'" && quote !== '"') throw invalid('expected a quoted string value', start)
    let value = ''
    let i = this.pos + 1
    for (;;) {
      if (i >= this.text.length) throw invalid('the quoted value is not closed', start, this.text.length - start)
      if (this.text[i] === quote) {
        if (this.text[i + 1] === quote) {
          value += quote
          i += 2
          continue
        }
        break
      }
      value += this.text[i++]
    }
    this.pos = i + 1
    return value
  }

  and(): void {
    this.skipSpace()
    const m = /^AND\b/i.exec(this.text.slice(this.pos))
    if (!m) throw invalid(`unexpected "${this.text.slice(this.pos, this.pos + 20)}"; clauses are joined with AND`, this.pos, this.text.length - this.pos)
    this.pos += m[0].length
  }
}

/**
 * Conditions on `column` for a models:list filter; parameters are appended to
 * `bind` (nothing the user typed is spliced into SQL). Empty filter: none.
 */
export function modelNameConditions(filter: string | null | undefined, column: string, bind: unknown[]): NameCondition[] {
  const text = filter ?? ''
  if (text.trim() === '') return []
  const param = (v: string) => {
    bind.push(v)
    return `$${bind.length}::text`
  }
  if (!LOOKS_LIKE_FILTER.test(text)) return [{ sql: `${column} ILIKE ${param(containsPattern(text.trim()))}` }]
  const s = new Scanner(text)
  const conditions: NameCondition[] = []
  do {
    if (conditions.length > 0) s.and()
    s.identifier()
    const op = s.operator()
    conditions.push({ sql: `${column} ${op} ${param(s.quoted())}` })
  } while (!s.done())
  return conditions
}
