import { diffLines } from 'diff'

/**
 * How one artifact differs between two runs: text line by line (jsdiff), JSON
 * key by key, CSV cell by cell. The base is the run the others are read against.
 */

export interface DiffLine {
  kind: 'same' | 'added' | 'removed'
  text: string
  /** Line number in the base (null for an added line) and in the other file (null for a removed one). */
  baseNo: number | null
  otherNo: number | null
}
export type DiffItem = DiffLine | { kind: 'fold'; count: number }

export interface TextDiff {
  items: DiffItem[]
  added: number
  removed: number
}

/** Past this many milliseconds of diffing, two files are called too different (shown as they are). */
export const DIFF_TIMEOUT_MS = 400
/** Unchanged lines kept around each change; longer unchanged stretches fold. */
export const DIFF_CONTEXT = 3

const splitLines = (text: string) => {
  const lines = text.split('\n')
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** The other text against the base, unchanged stretches folded; null when it took too long (files too different). */
export function textDiff(base: string, other: string, context = DIFF_CONTEXT): TextDiff | null {
  const changes = diffLines(base, other, { timeout: DIFF_TIMEOUT_MS })
  if (!changes) return null
  const lines: DiffLine[] = []
  let b = 1
  let o = 1
  let added = 0
  let removed = 0
  for (const c of changes) {
    for (const text of splitLines(c.value)) {
      if (c.added) {
        lines.push({ kind: 'added', text, baseNo: null, otherNo: o++ })
        added++
      } else if (c.removed) {
        lines.push({ kind: 'removed', text, baseNo: b++, otherNo: null })
        removed++
      } else lines.push({ kind: 'same', text, baseNo: b++, otherNo: o++ })
    }
  }
  return { items: fold(lines, context), added, removed }
}

/** Unchanged lines further than `context` from any change become one fold. */
function fold(lines: DiffLine[], context: number): DiffItem[] {
  const near = new Array<boolean>(lines.length).fill(false)
  lines.forEach((l, i) => {
    if (l.kind === 'same') return
    for (let j = Math.max(0, i - context); j <= Math.min(lines.length - 1, i + context); j++) near[j] = true
  })
  const out: DiffItem[] = []
  let folded = 0
  lines.forEach((l, i) => {
    if (l.kind !== 'same' || near[i]) {
      if (folded) out.push({ kind: 'fold', count: folded })
      folded = 0
      out.push(l)
    } else folded++
  })
  if (folded) out.push({ kind: 'fold', count: folded })
  return out
}

/** Python's json writes NaN and ±Infinity bare (MLflow's metrics often hold them): kept as these marks, shown as written. */
const SPECIAL = '\u0000'
const TOKENS = /"(?:[^"\\]|\\.)*"|-?Infinity|NaN/g

/** A JSON document as Python writes it (bare NaN, Infinity, -Infinity allowed); throws as JSON.parse does otherwise. */
export function parseJsonDocument(text: string): unknown {
  return JSON.parse(text.replace(TOKENS, (t) => (t.startsWith('"') ? t : JSON.stringify(SPECIAL + t))))
}

/** Every leaf of a JSON value by its path (`a.b[0].c`), written as JSON. Objects and arrays that are empty are leaves. */
export function jsonLeaves(value: unknown, path = '', out = new Map<string, string>()): Map<string, string> {
  if (Array.isArray(value) && value.length) value.forEach((v, i) => jsonLeaves(v, `${path}[${i}]`, out))
  else if (value && typeof value === 'object' && Object.keys(value).length)
    for (const [k, v] of Object.entries(value)) {
      const name = /^[A-Za-z_$][\w$]*$/.test(k) ? k : JSON.stringify(k)
      jsonLeaves(v, path ? `${path}.${name}` : name, out)
    }
  else out.set(path || '(value)', typeof value === 'string' && value.startsWith(SPECIAL) ? value.slice(1) : JSON.stringify(value))
  return out
}

export interface JsonDiffRow {
  path: string
  /** Each file's value at this path (undefined: the path is not in it). */
  values: Array<string | undefined>
  /** Differs from the base (index 0 of `values`) in some file. */
  changed: boolean
}

/** Several JSON documents key by key against the first: the paths of all, in the order first seen. */
export function jsonDiff(docs: readonly unknown[]): JsonDiffRow[] {
  const leaves = docs.map((d) => jsonLeaves(d))
  const paths = [...new Set(leaves.flatMap((l) => [...l.keys()]))]
  return paths.map((path) => {
    const values = leaves.map((l) => l.get(path))
    return { path, values, changed: values.some((v) => v !== values[0]) }
  })
}

export interface CsvCellMarks {
  /** [row][column]: this cell differs from the base's cell in the same place. */
  changed: boolean[][]
  /** Rows beyond the base's last row. */
  addedRows: number
  changedCells: number
  /** Header names not in the base's header. */
  newColumns: string[]
}

/** A table's cells against the base table's, by row and column position. */
export function csvDiff(base: { header: string[]; rows: string[][] }, other: { header: string[]; rows: string[][] }): CsvCellMarks {
  let changedCells = 0
  const changed = other.rows.map((row, r) =>
    row.map((cell, c) => {
      const diff = r >= base.rows.length || c >= base.header.length || base.rows[r][c] !== cell
      if (diff && r < base.rows.length) changedCells++
      return diff
    }),
  )
  const known = new Set(base.header)
  return { changed, addedRows: Math.max(0, other.rows.length - base.rows.length), changedCells, newColumns: other.header.filter((h) => !known.has(h)) }
}
