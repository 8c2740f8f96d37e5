import { AppError } from '@shared/api/errors'

/**
 * Tokens of MLflow's search syntax, each with its place in the text so that
 * errors can point at it. The lexer knows no grammar; the parser decides
 * whether a double-quoted token is a key (`tags."mlflow.user"`) or a value
 * (`params.opt = "adam"`), as MLflow does.
 */
export type TokenKind =
  | 'word' // letters, digits, _ (keys, entity names, AND/OR/IN/LIKE/...)
  | 'backtick' // `quoted key`
  | 'dquote' // "quoted key or value"
  | 'squote' // 'value'
  | 'number'
  | 'dot'
  | 'comma'
  | 'lparen'
  | 'rparen'
  | 'op' // = != < <= > >= (and == <> to refuse helpfully)
  | 'end'

export interface Token {
  kind: TokenKind
  /** The text as written (quotes included). */
  text: string
  /** For quoted tokens: the text between the quotes, as MLflow keeps it (no unescaping). */
  inner: string
  position: number
  /** True when whitespace precedes the token (keys are written without spaces around dots). */
  spaced: boolean
}

/** An INVALID_FILTER error pointing at a place in the text it names. */
export function filterError(message: string, field: string, position: number, length = 1): AppError {
  return new AppError('INVALID_FILTER', message, { field, position, length: Math.max(1, length) })
}

// MLflow (sqlparse) reads these as numbers: an optional minus, digits with an
// optional fraction or a bare fraction, an optional exponent; not glued to a word.
const NUMBER = /-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?(?![\p{L}\p{N}_])/uy
const WORD = /[\p{L}\p{N}_$]+/uy
const OPS = ['!=', '<=', '>=', '==', '<>', '=', '<', '>']
const QUOTES: Record<string, TokenKind> = { "'": 'squote', '"': 'dquote', '`': 'backtick' }

/** Split `text` into tokens; `field` names the input in errors ("filter", "order_by.0"). */
export function tokenize(text: string, field: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  let spaced = false
  const push = (kind: TokenKind, start: number, end: number, inner = '') => {
    tokens.push({ kind, text: text.slice(start, end), inner, position: start, spaced })
    spaced = false
    i = end
  }
  while (i < text.length) {
    const c = text[i]
    if (/\s/.test(c)) {
      i++
      spaced = true
      continue
    }
    if (c in QUOTES) {
      const end = closingQuote(text, i)
      if (end < 0)
        throw filterError(
          `Unterminated ${c === '`' ? 'backtick' : 'quoted string'} starting at character ${i + 1}: add the closing ${c}.`,
          field,
          i,
          text.length - i,
        )
      // PostgreSQL's text cannot hold NUL: say so here rather than fail in the database.
      const nul = text.indexOf('\u0000', i)
      if (nul >= 0 && nul < end) throw filterError(`A NUL character (at character ${nul + 1}) cannot be searched for.`, field, nul)
      push(QUOTES[c], i, end + 1, text.slice(i + 1, end))
      continue
    }
    if (c === '(' || c === ')' || c === ',') {
      push(c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', i, i + 1)
      continue
    }
    const op = OPS.find((o) => text.startsWith(o, i))
    if (op) {
      push('op', i, i + op.length)
      continue
    }
    // A number may start with "-" or "."; a dot between key parts must not be eaten by it.
    const prev = tokens[tokens.length - 1]
    if (!(c === '.' && prev && !spaced && prev.kind !== 'op' && prev.kind !== 'lparen' && prev.kind !== 'comma')) {
      NUMBER.lastIndex = i
      const n = NUMBER.exec(text)
      if (n && !(prev?.kind === 'dot' && !spaced)) {
        push('number', i, i + n[0].length)
        continue
      }
    }
    if (c === '.') {
      push('dot', i, i + 1)
      continue
    }
    WORD.lastIndex = i
    const w = WORD.exec(text)
    if (w) {
      push('word', i, i + w[0].length)
      continue
    }
    throw filterError(`Unexpected character '${c}' at character ${i + 1}. Keys with special characters need backticks, e.g. metrics.\`f1-score\`.`, field, i)
  }
  tokens.push({ kind: 'end', text: '', inner: '', position: text.length, spaced })
  return tokens
}

/**
 * Index of the quote closing the one at `start`. Like sqlparse: a doubled quote
 * or a backslash-escaped quote stays inside (backticks only double).
 */
function closingQuote(text: string, start: number): number {
  const q = text[start]
  for (let j = start + 1; j < text.length; j++) {
    if (text[j] === '\\' && q !== '`') {
      j++
      continue
    }
    if (text[j] === q) {
      if (text[j + 1] === q) {
        j++
        continue
      }
      return j
    }
  }
  return -1
}
