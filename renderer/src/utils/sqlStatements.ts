/** A statement of the editor's text, with its place in the text. */
export interface StatementSpan {
  from: number
  to: number
  /** The statement's text, trimmed (no trailing ";"). */
  sql: string
}

/**
 * Offsets of the `;` that end statements: outside '...' strings, "..." names,
 * -- and /* comments *\/ and $tag$ dollar quotes. The server's parser has the
 * last word (it refuses a second statement); this only picks what to send.
 */
export function statementEnds(text: string): number[] {
  const ends: number[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]
    const next = text[i + 1]
    if (c === "'" || c === '"') {
      const close = text.indexOf(c, i + 1)
      // A doubled quote inside is an escaped quote: skip over it and keep looking.
      let j = close
      while (j !== -1 && text[j + 1] === c) j = text.indexOf(c, j + 2)
      i = j === -1 ? text.length : j + 1
    } else if (c === '-' && next === '-') {
      const nl = text.indexOf('\n', i)
      i = nl === -1 ? text.length : nl + 1
    } else if (c === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2)
      i = close === -1 ? text.length : close + 2
    } else if (c === '$') {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i))
      if (tag && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
        const close = text.indexOf(tag[0], i + tag[0].length)
        i = close === -1 ? text.length : close + tag[0].length
      } else i++
    } else {
      if (c === ';') ends.push(i)
      i++
    }
  }
  return ends
}

/** Every non-empty statement of the text, in order. */
export function splitStatements(text: string): StatementSpan[] {
  const spans: StatementSpan[] = []
  let start = 0
  for (const end of [...statementEnds(text), text.length]) {
    const raw = text.slice(start, end)
    const lead = raw.length - raw.trimStart().length
    const sql = raw.trim()
    if (sql && !isOnlyComments(sql)) spans.push({ from: start + lead, to: start + lead + sql.length, sql })
    start = end + 1
  }
  return spans
}

function isOnlyComments(sql: string): boolean {
  return (
    sql
      .replace(/--[^\n]*(\n|$)/g, '')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .trim() === ''
  )
}

/**
 * The statement the cursor is in, or the nearest one before it (a cursor just
 * after "...;" or on a blank line below runs the statement above), else the
 * first one after it. Null when the text has no statement.
 */
export function statementAt(text: string, cursor: number): StatementSpan | null {
  const spans = splitStatements(text)
  if (!spans.length) return null
  const inside = spans.find((s) => cursor >= s.from && cursor <= s.to)
  if (inside) return inside
  const before = spans.filter((s) => s.to <= cursor).pop()
  return before ?? spans[0]
}
