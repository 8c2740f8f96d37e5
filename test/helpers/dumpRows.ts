import { readFileSync } from 'node:fs'

/**
 * Read the rows of one table straight out of a plain pg_dump file's COPY block,
 * independently of any database: the ground truth the reader is checked against.
 * Text format: tab-separated, \N is NULL, backslash escapes.
 */
export function dumpRows(file: string, table: string): Array<Record<string, string | null>> {
  const text = readFileSync(file, 'utf8')
  const header = new RegExp(`^COPY public\\.${table} \\(([^)]*)\\) FROM stdin;$`, 'm').exec(text)
  if (!header) return []
  const columns = header[1].split(', ').map((c) => c.replace(/"/g, ''))
  const start = header.index + header[0].length + 1
  const end = text.indexOf('\n\\.\n', start - 1)
  const body = text.slice(start, end)
  if (body.trim() === '') return []
  return body.split('\n').map((line) => {
    const cells = line.split('\t')
    return Object.fromEntries(columns.map((c, i) => [c, cells[i] === '\\N' ? null : unescapeCopy(cells[i])]))
  })
}

function unescapeCopy(s: string): string {
  return s.replace(/\\(.)/g, (_, ch: string) => ({ t: '\t', n: '\n', r: '\r', b: '\b', f: '\f', v: '\v', '\\': '\\' })[ch] ?? ch)
}
