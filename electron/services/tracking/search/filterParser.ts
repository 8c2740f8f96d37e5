import { filterError, tokenize, type Token } from './filterLexer'
import {
  ATTRIBUTE_KEYS,
  DATASET_KEYS,
  ENTITY_ALIASES,
  ENTITY_PREFIX,
  NUMERIC_ATTRIBUTES,
  ORDERABLE_ATTRIBUTE_KEYS,
  comparatorsFor,
  type Comparator,
  type EntityType,
} from './searchGrammar'

/** A key such as metrics.acc, resolved to its entity and canonical key. */
export interface KeyRef {
  entity: EntityType
  /** Canonical: attribute aliases resolved (created -> start_time, "run name" -> run_name). */
  key: string
  position: number
  length: number
}

export type FilterValue = { kind: 'number'; text: string; value: number } | { kind: 'string'; value: string } | { kind: 'list'; values: string[] }

export interface Comparison extends KeyRef {
  kind: 'compare'
  comparator: Comparator
  value: FilterValue
}

/** Comparisons of some kind joined by AND / OR (the runs' and the traces' filters share it). */
export type BoolNode<C> = C | { kind: 'and' | 'or'; items: BoolNode<C>[] }

export type FilterNode = BoolNode<Comparison>

/** A key as written: its parts (quotes taken off), where it stands in the text. */
export interface KeyParts {
  parts: string[]
  position: number
  length: number
  /** The first part as written (quotes included), for messages. */
  firstText: string
}

const RUN_KEY_HINT = 'a key such as metrics.accuracy, params.lr, tags.team or attributes.status'

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'ILIKE'])

/**
 * How deep parentheses may nest. The parser recurses per level, so without a
 * limit a few thousand '(' overflow the stack; no real filter comes near this.
 */
export const MAX_FILTER_NESTING = 100

/**
 * Reads a token stream as MLflow's filter grammar: `<entity>.<key> <comparator>
 * <value>` clauses joined by AND — extended with OR and parentheses (AND binds
 * tighter). Every rule MLflow checks is checked here, and every error names the
 * place in the text.
 */
export class TokenReader {
  private i = 0
  /** Parentheses open around the current position (see MAX_FILTER_NESTING). */
  depth = 0
  constructor(
    readonly tokens: Token[],
    readonly field: string,
    /** What a key looks like, for "expected a key" messages. */
    readonly keyHint = RUN_KEY_HINT,
  ) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.i + offset, this.tokens.length - 1)]
  }

  next(): Token {
    const t = this.peek()
    if (t.kind !== 'end') this.i++
    return t
  }

  isKeyword(word: string, offset = 0): boolean {
    const t = this.peek(offset)
    return t.kind === 'word' && t.text.toUpperCase() === word
  }

  error(message: string, t: Token = this.peek()): Error {
    return filterError(message, this.field, t.position, t.text.length || 1)
  }

  /** A dotted key's parts: `metrics.acc`, tags."mlflow.user", attributes.`run name`, status. */
  readKeyParts(context: 'filter' | 'order_by'): KeyParts {
    const first = this.peek()
    if (!['word', 'backtick', 'dquote'].includes(first.kind) || (first.kind === 'word' && KEYWORDS.has(first.text.toUpperCase()))) {
      throw this.error(
        first.kind === 'end'
          ? `Expected ${this.keyHint} at the end of the ${context === 'filter' ? 'filter' : 'order_by'}.`
          : `Expected ${this.keyHint}, found '${first.text}'.`,
      )
    }
    const parts: Token[] = [this.next()]
    while (this.peek().kind === 'dot' && !this.peek().spaced) {
      const dot = this.next()
      const part = this.peek()
      if (part.spaced || !['word', 'backtick', 'dquote', 'number'].includes(part.kind)) {
        throw filterError(
          `Expected a key name after '${this.textOf(parts)}.'; quote keys with special characters, e.g. metrics.\`f1-score\`.`,
          this.field,
          dot.position,
          1,
        )
      }
      parts.push(this.next())
    }
    const position = parts[0].position
    const last = parts[parts.length - 1]
    const value = (t: Token) => (t.kind === 'word' || t.kind === 'number' ? t.text : t.inner)
    return { parts: parts.map(value), position, length: last.position + last.text.length - position, firstText: parts[0].text }
  }

  /** `metrics.acc`, tags."mlflow.user", attributes.`run name`, status (an attribute). */
  readKey(context: 'filter' | 'order_by'): KeyRef {
    const { parts, position, length, firstText } = this.readKeyParts(context)
    if (parts.length === 1) return this.attributeKey(parts[0], position, length, context)
    const entityName = parts[0]
    const entity = ENTITY_ALIASES[entityName] ?? ENTITY_ALIASES[entityName.toLowerCase()]
    if (!entity) {
      throw filterError(
        `Invalid entity type '${entityName}'. Valid values are metrics, params, tags, attributes and datasets (or metric, param, tag, attribute, dataset).`,
        this.field,
        position,
        firstText.length,
      )
    }
    const key = parts.slice(1).join('.')
    if (entity === 'attribute') return this.attributeKey(key, position, length, context)
    if (entity === 'dataset') {
      if (context === 'order_by') throw filterError(`Runs cannot be ordered by dataset fields ('${key}').`, this.field, position, length)
      if (!DATASET_KEYS.has(key)) throw filterError(`Invalid dataset key '${key}'. Valid keys are name, digest and context.`, this.field, position, length)
    }
    if (key === '') throw filterError(`Empty key after '${entityName}.'.`, this.field, position, length)
    return { entity, key, position, length }
  }

  private attributeKey(raw: string, position: number, length: number, context: 'filter' | 'order_by'): KeyRef {
    const key = (context === 'filter' ? ATTRIBUTE_KEYS : ORDERABLE_ATTRIBUTE_KEYS)[raw]
    if (!key) {
      const known = 'run_id, run_name, status, user_id, artifact_uri, start_time, end_time, lifecycle_stage'
      const hint = raw.includes('.') ? '' : ` A metric, param or tag needs its prefix, e.g. metrics.${/^[\w]+$/.test(raw) ? raw : '`' + raw + '`'}.`
      throw filterError(`Invalid attribute key '${raw}'. Valid keys are ${known}.${hint}`, this.field, position, length)
    }
    return { entity: 'attribute', key, position, length }
  }

  textOf(parts: Token[]): string {
    return parts.map((p) => p.text).join('.')
  }
}

/** Parse an MLflow filter string (plus OR and parentheses). Empty text: no filter. */
export function parseFilter(text: string | null | undefined, field = 'filter'): FilterNode | null {
  if (!text || !text.trim()) return null
  return parseBoolean(new TokenReader(tokenize(text, field), field), parseComparison)
}

/**
 * Comparisons read by `comparison`, joined by AND and OR (AND binds tighter)
 * and grouped by parentheses, up to the end of the text.
 */
export function parseBoolean<C>(r: TokenReader, comparison: (r: TokenReader) => C): BoolNode<C> {
  const node = parseOr(r, comparison)
  const rest = r.peek()
  if (rest.kind !== 'end') {
    throw r.error(
      rest.kind === 'rparen'
        ? `Unbalanced ')' at character ${rest.position + 1}: no '(' opens it.`
        : `Expected AND, OR or the end of the filter after a complete comparison, found '${rest.text}' at character ${rest.position + 1}.`,
    )
  }
  return node
}

function parseOr<C>(r: TokenReader, comparison: (r: TokenReader) => C): BoolNode<C> {
  const items = [parseAnd(r, comparison)]
  while (r.isKeyword('OR')) {
    r.next()
    items.push(parseAnd(r, comparison))
  }
  return items.length === 1 ? items[0] : { kind: 'or', items }
}

function parseAnd<C>(r: TokenReader, comparison: (r: TokenReader) => C): BoolNode<C> {
  const items = [parseTerm(r, comparison)]
  while (r.isKeyword('AND')) {
    r.next()
    items.push(parseTerm(r, comparison))
  }
  return items.length === 1 ? items[0] : { kind: 'and', items }
}

function parseTerm<C>(r: TokenReader, comparison: (r: TokenReader) => C): BoolNode<C> {
  const t = r.peek()
  if (t.kind === 'lparen') {
    if (r.depth >= MAX_FILTER_NESTING) {
      throw filterError(
        `Parentheses nest more than ${MAX_FILTER_NESTING} levels deep at character ${t.position + 1}: write the filter with fewer levels.`,
        r.field,
        t.position,
        1,
      )
    }
    r.next()
    r.depth++
    const inner = parseOr(r, comparison)
    r.depth--
    const close = r.peek()
    if (close.kind !== 'rparen') {
      throw filterError(
        `Unbalanced '(' at character ${t.position + 1}: expected ')' before ${close.kind === 'end' ? 'the end of the filter' : `'${close.text}'`}.`,
        r.field,
        t.position,
        1,
      )
    }
    r.next()
    return inner
  }
  if (r.isKeyword('AND') || r.isKeyword('OR')) throw r.error(`Expected a comparison before '${t.text}' at character ${t.position + 1}.`)
  return comparison(r)
}

function parseComparison(r: TokenReader): Comparison {
  const key = r.readKey('filter')
  const comparator = readComparator(r, describeKey(key))
  const allowed = comparatorsFor(key.entity, key.key)
  const named = describeKey(key)
  if (!allowed.includes(comparator.value)) {
    throw filterError(
      `Invalid comparator '${comparator.text}' for ${named}: use one of ${allowed.join(', ')}.` +
        (key.entity === 'param' && ['<', '<=', '>', '>='].includes(comparator.value) ? ' Params are strings in MLflow; compare them with = or LIKE.' : ''),
      r.field,
      comparator.position,
      comparator.text.length,
    )
  }
  const value = readValue(r, key, comparator.value)
  return { kind: 'compare', ...key, comparator: comparator.value, value }
}

function describeKey(k: KeyRef): string {
  if (k.entity === 'attribute') return `attribute '${k.key}'`
  return `${ENTITY_PREFIX[k.entity]}.${k.key}`
}

/** A comparator token (= != < <= > >= LIKE ILIKE IN NOT IN); `named` is the key as messages name it. */
export function readComparator(r: TokenReader, named: string): { value: Comparator; text: string; position: number } {
  const t = r.peek()
  if (t.kind === 'op') {
    r.next()
    if (t.text === '==' || t.text === '<>') {
      throw filterError(`Invalid comparator '${t.text}': write ${t.text === '==' ? "'='" : "'!='"} instead.`, r.field, t.position, t.text.length)
    }
    return { value: t.text as Comparator, text: t.text, position: t.position }
  }
  if (t.kind === 'word') {
    const w = t.text.toUpperCase()
    if (w === 'LIKE' || w === 'ILIKE' || w === 'IN') {
      r.next()
      return { value: w, text: t.text, position: t.position }
    }
    if (w === 'NOT' && r.isKeyword('IN', 1)) {
      r.next()
      const inTok = r.next()
      return { value: 'NOT IN', text: `${t.text} ${inTok.text}`, position: t.position }
    }
  }
  throw r.error(
    t.kind === 'end'
      ? `Expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN) after ${named} at the end of the filter.`
      : `Expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN) after ${named}, found '${t.text}'.`,
  )
}

function readValue(r: TokenReader, key: KeyRef, comparator: Comparator): FilterValue {
  const t = r.peek()
  const numeric = key.entity === 'metric' || (key.entity === 'attribute' && NUMERIC_ATTRIBUTES.has(key.key))
  const isList = comparator === 'IN' || comparator === 'NOT IN'
  if (t.kind === 'end') throw r.error(`Expected a value after '${comparator}' at the end of the filter.`)
  if (isList) {
    if (t.kind !== 'lparen') throw r.error(`${comparator} needs a parenthesised list of quoted strings, e.g. ('a', 'b'); found '${t.text}'.`)
    return { kind: 'list', values: readList(r) }
  }
  if (t.kind === 'lparen') throw r.error(`A list of values needs IN or NOT IN, not '${comparator}'.`)
  if (numeric) {
    if (t.kind !== 'number') {
      throw r.error(
        key.entity === 'metric'
          ? `Expected a number for ${describeKey(key)}, found ${t.text}. Metric values are numbers, not quoted.`
          : `Expected a number (milliseconds since the epoch) for attribute '${key.key}', found ${t.text}.`,
      )
    }
    r.next()
    return { kind: 'number', text: t.text, value: Number(t.text) }
  }
  if (t.kind === 'squote' || t.kind === 'dquote') {
    r.next()
    return { kind: 'string', value: t.inner }
  }
  throw r.error(
    t.kind === 'number'
      ? `Expected a quoted string for ${describeKey(key)}, found ${t.text}: write '${t.text}'.`
      : `Expected a quoted string value for ${describeKey(key)} (e.g. 'my-value'), found ${t.text}.`,
  )
}

/** A parenthesised list of quoted strings, the '(' next. */
export function readList(r: TokenReader): string[] {
  const open = r.next()
  const values: string[] = []
  for (;;) {
    const t = r.peek()
    if (t.kind === 'squote' || t.kind === 'dquote') {
      values.push(t.inner)
      r.next()
    } else {
      throw r.error(
        t.kind === 'end'
          ? `Unbalanced '(' at character ${open.position + 1}: the list is not closed.`
          : `Expected a quoted string in the list, found '${t.text}'.`,
      )
    }
    const sep = r.next()
    if (sep.kind === 'rparen') return values
    if (sep.kind !== 'comma') {
      throw filterError(
        sep.kind === 'end'
          ? `Unbalanced '(' at character ${open.position + 1}: the list is not closed.`
          : `Expected ',' or ')' in the list, found '${sep.text}'.`,
        r.field,
        sep.kind === 'end' ? open.position : sep.position,
        sep.text.length || 1,
      )
    }
  }
}
