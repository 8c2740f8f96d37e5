import type { ScanToken } from './pgParser'
import type { TextOffsets } from './textOffsets'

/** The text with :named parameters replaced by $1, $2, ... and the way back to positions as typed. */
export interface BoundText {
  text: string
  /** Parameter names; names[0] is $1. In order of first appearance. */
  names: string[]
  /** A string index in `text` as an index in the text as typed. */
  toOriginal(index: number): number
  /** A positional parameter ($1) written by hand, which the console does not take. */
  positional: { position: number; length: number } | null
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

interface Replacement {
  from: number
  to: number
  newFrom: number
  newTo: number
}

/**
 * Find `:name` parameters with PostgreSQL's own scanner, so a colon inside a
 * string, a quoted identifier, a comment or dollar quoting is never one, and
 * `::` casts and `:=` are other tokens. A colon inside a subscript (`a[1:n]`,
 * `a[:n]`) is an array slice; inside ARRAY[...] it may be a parameter.
 * The colon and the name must touch (`: name` is not a parameter).
 */
export function bindNamedParams(sql: string, tokens: ScanToken[], offsets: TextOffsets): BoundText {
  const names: string[] = []
  const replacements: Replacement[] = []
  const brackets: Array<'subscript' | 'array'> = []
  let positional: BoundText['positional'] = null
  let out = ''
  let copied = 0
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    if (t.text === '[') brackets.push(tokens[i - 1]?.text.toUpperCase() === 'ARRAY' ? 'array' : 'subscript')
    else if (t.text === ']') brackets.pop()
    else if (t.tokenName === 'PARAM' && !positional)
      positional = { position: offsets.fromByte(t.start), length: offsets.fromByte(t.end) - offsets.fromByte(t.start) }
    const next = tokens[i + 1]
    if (t.text !== ':' || !next || next.start !== t.end || !NAME.test(next.text) || brackets.at(-1) === 'subscript') continue
    const from = offsets.fromByte(t.start)
    const to = offsets.fromByte(next.end)
    let n = names.indexOf(next.text) + 1
    if (n === 0) n = names.push(next.text)
    out += sql.slice(copied, from)
    const newFrom = out.length
    out += `$${n}`
    replacements.push({ from, to, newFrom, newTo: out.length })
    copied = to
    i++
  }
  out += sql.slice(copied)
  return {
    text: out,
    names,
    positional,
    toOriginal(index: number): number {
      let shift = 0
      for (const r of replacements) {
        if (index < r.newFrom) break
        if (index < r.newTo) return r.from
        shift = r.to - r.newTo
      }
      return index + shift
    },
  }
}
