import { filterError, tokenize } from '../tracking/search/filterLexer'
import { TokenReader, parseBoolean, readComparator, readList, type BoolNode, type FilterValue, type KeyParts } from '../tracking/search/filterParser'
import type { Comparator } from '../tracking/search/searchGrammar'
import {
  SPAN_KEYS,
  TRACE_ATTRIBUTE_KEYS,
  TRACE_ENTITY_ALIASES,
  TRACE_KEY_HINT,
  TRACE_NUMERIC_ATTRIBUTES,
  TRACE_ORDER_ONLY_KEYS,
  describeTraceKey,
  traceComparatorsFor,
  type AssessmentKind,
  type TraceEntity,
} from './traceGrammar'

/** A trace key resolved: trace.timestamp -> attribute timestamp_ms; feedback.correct -> assessment correct of kind feedback. */
export interface TraceKey {
  entity: TraceEntity
  key: string
  /** For assessments: which kind the key names. */
  assessmentKind: AssessmentKind
  position: number
  length: number
}

export type TraceValue = FilterValue | { kind: 'boolean'; value: boolean }

export interface TraceComparison extends TraceKey {
  type: 'compare'
  comparator: Comparator
  value: TraceValue
}

/** Extension: a bare quoted string searches the request and response previews (case-insensitive substring). */
export interface TextSearch {
  type: 'text'
  value: string
  position: number
  length: number
}

export type TraceTerm = TraceComparison | TextSearch
export type TraceFilter = BoolNode<TraceTerm>

const ENTITIES = 'trace (or attributes), tags, metadata (or request_metadata), span, assessment, feedback and expectation'

/** Read a key of the traces' grammar; `context` decides which attribute keys are valid. */
export function readTraceKey(r: TokenReader, context: 'filter' | 'order_by'): TraceKey {
  const k: KeyParts = r.readKeyParts(context)
  const { parts, position, length } = k
  // A bare key is an attribute, as MLflow reads `status = 'OK'` (and so is a bare tokens.total).
  const bare = parts.length === 1 || (!TRACE_ENTITY_ALIASES[parts[0]] && parts.join('.') in TRACE_ATTRIBUTE_KEYS)
  const alias = bare ? { entity: 'attribute' as const } : TRACE_ENTITY_ALIASES[parts[0]]
  if (!alias) {
    throw filterError(`Invalid entity type '${parts[0]}'. Valid values are ${ENTITIES}.`, r.field, position, k.firstText.length)
  }
  const raw = (bare ? parts : parts.slice(1)).join('.')
  if (raw === '') throw filterError(`Empty key after '${parts[0]}.'.`, r.field, position, length)
  const at = { position, length, assessmentKind: alias.kind ?? ('any' as const) }
  switch (alias.entity) {
    case 'attribute': {
      const key = TRACE_ATTRIBUTE_KEYS[raw] ?? (context === 'order_by' ? TRACE_ORDER_ONLY_KEYS[raw] : undefined)
      if (!key) {
        const valid = Object.keys({ ...TRACE_ATTRIBUTE_KEYS, ...(context === 'order_by' ? TRACE_ORDER_ONLY_KEYS : {}) }).join(', ')
        throw filterError(
          `Invalid attribute key '${raw}'. Valid keys are ${valid}; a tag or metadata key needs its prefix, e.g. tags.${/^\w+$/.test(raw) ? raw : '`' + raw + '`'}.`,
          r.field,
          position,
          length,
        )
      }
      return { entity: 'attribute', key, ...at }
    }
    case 'span':
      if (!SPAN_KEYS.has(raw)) throw filterError(`Invalid span key '${raw}'. Valid keys are span.name, span.type and span.status.`, r.field, position, length)
      if (context === 'order_by') throw filterError(`Traces cannot be ordered by span fields ('span.${raw}').`, r.field, position, length)
      return { entity: 'span', key: raw, ...at }
    case 'tag':
    case 'metadata':
      if (context === 'order_by') {
        throw filterError(
          `Traces are ordered by trace attributes, tokens or assessments, not by ${alias.entity === 'tag' ? 'tags' : 'metadata'} ('${parts.join('.')}').`,
          r.field,
          position,
          length,
        )
      }
      return { entity: alias.entity, key: raw, ...at }
    case 'assessment':
      return { entity: 'assessment', key: raw, ...at }
  }
}

/**
 * Parse a search_traces filter: MLflow's grammar (clauses joined by AND) plus
 * OR and parentheses, IN / LIKE / ILIKE on every string key, span.type and
 * span.status, assessment comparisons, token counts and free text. Errors are
 * INVALID_FILTER naming the position. Empty text: no filter.
 */
export function parseTraceFilter(text: string | null | undefined, field = 'filter'): TraceFilter | null {
  if (!text || !text.trim()) return null
  return parseBoolean(new TokenReader(tokenize(text, field), field, TRACE_KEY_HINT), readTerm)
}

function readTerm(r: TokenReader): TraceTerm {
  const t = r.peek()
  // A quoted string followed by a comparator is a double-quoted key (tags."a.b" = 'x'); standing alone it is text to find.
  if ((t.kind === 'squote' || (t.kind === 'dquote' && !startsComparator(r, 1))) && !(r.peek(1).kind === 'dot' && !r.peek(1).spaced)) {
    r.next()
    if (t.inner === '') throw filterError('Empty text to search for: give some text between the quotes.', r.field, t.position, t.text.length)
    return { type: 'text', value: t.inner, position: t.position, length: t.text.length }
  }
  const key = readTraceKey(r, 'filter')
  const named = describeTraceKey(key.entity, key.key, key.assessmentKind)
  const comparator = readComparator(r, named)
  const allowed = traceComparatorsFor(key.entity, key.key)
  if (!allowed.includes(comparator.value)) {
    throw filterError(
      `Invalid comparator '${comparator.text}' for ${named}: use one of ${allowed.join(', ')}.`,
      r.field,
      comparator.position,
      comparator.text.length,
    )
  }
  return { type: 'compare', ...key, comparator: comparator.value, value: readValue(r, key, named, comparator.value) }
}

function startsComparator(r: TokenReader, offset: number): boolean {
  const t = r.peek(offset)
  return t.kind === 'op' || ['LIKE', 'ILIKE', 'IN', 'NOT'].some((w) => r.isKeyword(w, offset))
}

const INTEGER = /^-?\d+$/
const INT8_MAX = 2n ** 63n - 1n

function readValue(r: TokenReader, key: TraceKey, named: string, comparator: Comparator): TraceValue {
  const t = r.peek()
  if (t.kind === 'end') throw r.error(`Expected a value after '${comparator}' at the end of the filter.`)
  if (comparator === 'IN' || comparator === 'NOT IN') {
    if (t.kind !== 'lparen') throw r.error(`${comparator} needs a parenthesised list of quoted strings, e.g. ('a', 'b'); found '${t.text}'.`)
    return { kind: 'list', values: readList(r) }
  }
  if (t.kind === 'lparen') throw r.error(`A list of values needs IN or NOT IN, not '${comparator}'.`)
  if (key.entity === 'attribute' && TRACE_NUMERIC_ATTRIBUTES.has(key.key)) {
    // A number as MLflow reads it (1796527244516, 1.5e12). A quoted value MLflow passes on to the
    // database, which reads it as a whole number or fails: a quoted whole number is one.
    const text = t.kind === 'number' ? t.text : t.kind === 'squote' || t.kind === 'dquote' ? t.inner.trim() : null
    if (text === null || (t.kind !== 'number' && !INTEGER.test(text))) {
      throw r.error(`Expected a number for ${named} (${key.key.startsWith('tokens.') ? 'a token count' : 'milliseconds'}), found ${t.text}.`)
    }
    if (INTEGER.test(text) && (BigInt(text) > INT8_MAX || BigInt(text) < -INT8_MAX - 1n)) {
      throw r.error(`${t.text} is out of the range of ${named} (a 64-bit whole number).`)
    }
    r.next()
    return { kind: 'number', text, value: Number(text) }
  }
  if (key.entity === 'assessment') {
    if (t.kind === 'number') {
      if (comparator === 'LIKE' || comparator === 'ILIKE') throw r.error(`${comparator} compares text: write the pattern in quotes, e.g. '${t.text}%'.`)
      r.next()
      return { kind: 'number', text: t.text, value: Number(t.text) }
    }
    if (t.kind === 'word' && /^(true|false)$/i.test(t.text)) {
      if (comparator !== '=' && comparator !== '!=') throw r.error(`true and false compare with = or != only, not '${comparator}'.`)
      r.next()
      return { kind: 'boolean', value: t.text.toLowerCase() === 'true' }
    }
  }
  if (t.kind === 'squote' || t.kind === 'dquote') {
    r.next()
    return { kind: 'string', value: t.inner }
  }
  throw r.error(
    t.kind === 'number'
      ? `Expected a quoted string for ${named}, found ${t.text}: write '${t.text}'.`
      : `Expected a quoted string value for ${named} (e.g. 'my-value')${key.entity === 'assessment' ? ', a number, true or false' : ''}, found ${t.text}.`,
  )
}
