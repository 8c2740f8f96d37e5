import type { RunKeys } from '@shared/domain/mlflow'
import { DATASET_KEYS, FILTER_ATTRIBUTES, RUN_STATUSES, entityOfAlias, filterIdentifier, quoteValue, type RunEntity } from './runKeys'

/**
 * Autocomplete for MLflow's search_runs filter syntax, as the user types: a
 * tolerant scan of the text before the cursor decides what comes next (an
 * entity, a key, a comparator, a value, AND/OR), and the suggestions replace
 * the word being typed. The server's parser stays the judge of what is valid.
 */

export interface Completion {
  /** What the list shows. */
  label: string
  /** What replaces text[from, to). */
  insert: string
  /** A short note beside the label ("metric", "param", "comparator"). */
  detail: string
}

export interface CompletionResult {
  from: number
  to: number
  items: Completion[]
}

/** Values seen in the loaded runs, for `params.lr = ` and the like. */
export type ValueHints = (entity: 'params' | 'tags', key: string) => string[]

type Canonical = RunEntity | 'datasets'

const ENTITIES: Array<{ name: Canonical; detail: string }> = [
  { name: 'metrics', detail: 'latest metric value' },
  { name: 'params', detail: 'parameter' },
  { name: 'tags', detail: 'tag' },
  { name: 'attributes', detail: 'run attribute' },
  { name: 'datasets', detail: 'input dataset' },
]

const NUMERIC_OPS = ['>', '>=', '<', '<=', '=', '!=']
const STRING_OPS = ['=', '!=', 'LIKE', 'ILIKE']
const LIST_OPS = [...STRING_OPS, 'IN', 'NOT IN']
const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'like', 'ilike'])
const MAX_ITEMS = 50

type TokenKind = 'ident' | 'keyword' | 'string' | 'number' | 'op' | 'lparen' | 'rparen' | 'comma'
interface Token {
  kind: TokenKind
  text: string
  start: number
  end: number
}

/** Tokens of text[0, end): unterminated quotes run to the end instead of failing. */
function scan(text: string, end: number): Token[] {
  const tokens: Token[] = []
  let i = 0
  const push = (kind: TokenKind, start: number, stop: number) => {
    tokens.push({ kind, text: text.slice(start, stop), start, end: stop })
    i = stop
  }
  const closeQuote = (from: number): number => {
    const q = text[from]
    const close = text.indexOf(q, from + 1)
    return close < 0 || close >= end ? end : close + 1
  }
  while (i < end) {
    const c = text[i]
    if (/\s/.test(c)) i++
    else if (c === "'" || c === '"') push('string', i, closeQuote(i))
    else if (c === '(') push('lparen', i, i + 1)
    else if (c === ')') push('rparen', i, i + 1)
    else if (c === ',') push('comma', i, i + 1)
    else if (/[<>=!]/.test(c)) push('op', i, /^(<=|>=|!=)/.test(text.slice(i, i + 2)) ? i + 2 : i + 1)
    else if (/[-\d.]/.test(c) && /^-?\.?\d/.test(text.slice(i, i + 3))) push('number', i, i + /^-?[\d.]+(e[-+]?\d+)?/i.exec(text.slice(i))![0].length)
    else if (/[\w`]/.test(c)) push(...ident(text, i, end))
    else i++
  }
  return tokens
}

/** An identifier: `word`, `entity.key`, `entity.\`quoted key\``, `entity."quoted key"`. */
function ident(text: string, start: number, end: number): [TokenKind, number, number] {
  let i = start
  const quoted = () => {
    const close = text.indexOf(text[i], i + 1)
    i = close < 0 || close >= end ? end : close + 1
  }
  if (text[i] === '`') quoted()
  else while (i < end && /\w/.test(text[i])) i++
  if (text[i] === '.' && i < end) {
    i++
    if (text[i] === '`' || text[i] === '"') quoted()
    else while (i < end && /[\w.\-:/]/.test(text[i])) i++
  }
  const word = text.slice(start, i)
  return [KEYWORDS.has(word.toLowerCase()) ? 'keyword' : 'ident', start, i]
}

/** The entity alias and key of an identifier token (`metric.\`f1 score\`` -> metric, f1 score). */
function splitIdent(text: string): { alias: string; key: string } | null {
  const dot = text.indexOf('.')
  if (dot < 0) return null
  const alias = text.slice(0, dot)
  let key = text.slice(dot + 1)
  if (/^[`"]/.test(key)) key = key.slice(1, key.endsWith(key[0]) && key.length > 1 ? -1 : undefined)
  return { alias, key }
}

/** The end of the word under the cursor, so a completion replaces all of it. */
function wordEnd(text: string, cursor: number): number {
  let i = cursor
  while (i < text.length && /[\w.`-]/.test(text[i])) i++
  return i
}

/** Rank candidates for what is typed: those starting with it first, then those containing it. */
export function rank(candidates: string[], typed: string): string[] {
  const q = typed.toLowerCase()
  const hits = candidates.filter((c) => c.toLowerCase().includes(q))
  return hits.sort((a, b) => Number(!a.toLowerCase().startsWith(q)) - Number(!b.toLowerCase().startsWith(q)) || a.localeCompare(b)).slice(0, MAX_ITEMS)
}

function keysOf(entity: Canonical, columns: RunKeys): Array<{ key: string; detail: string }> {
  switch (entity) {
    case 'metrics':
      return columns.metrics.map((key) => ({ key, detail: 'metric' }))
    case 'params':
      return columns.params.map((key) => ({ key, detail: 'param' }))
    case 'tags':
      return columns.tags.map((key) => ({ key, detail: 'tag' }))
    case 'attributes':
      return FILTER_ATTRIBUTES.map((a) => ({ key: a.key, detail: a.numeric ? 'attribute · ms' : 'attribute' }))
    case 'datasets':
      return DATASET_KEYS.map((key) => ({ key, detail: 'dataset' }))
  }
}

function operatorsFor(entity: Canonical | null, key: string): string[] {
  if (entity === 'metrics') return NUMERIC_OPS
  if (entity === 'attributes') {
    const attr = FILTER_ATTRIBUTES.find((a) => a.key === key)
    return attr?.numeric ? NUMERIC_OPS : key === 'run_id' ? LIST_OPS : STRING_OPS
  }
  if (entity === 'datasets') return LIST_OPS
  return STRING_OPS
}

/** The identifier a comparator or value belongs to: the last identifier token before it. */
function subjectOf(tokens: Token[]): ReturnType<typeof splitIdent> {
  for (let i = tokens.length - 1; i >= 0; i--) {
    if (tokens[i].kind === 'ident') return splitIdent(tokens[i].text)
    if (tokens[i].kind === 'keyword' && /^(and|or)$/i.test(tokens[i].text)) return null
  }
  return null
}

/** Quoted values to offer after a comparator. */
export function valueChoices(values: readonly string[], detail: string): Completion[] {
  return values.slice(0, MAX_ITEMS).map((v) => ({ label: quoteValue(v), insert: `${quoteValue(v)} `, detail }))
}

function valueItems(entity: Canonical | null, key: string, hints?: ValueHints): Completion[] {
  if (entity === 'attributes' && key === 'status') return valueChoices(RUN_STATUSES, 'status')
  if (entity === 'attributes' && key === 'lifecycle_stage') return valueChoices(['active', 'deleted'], 'lifecycle')
  if ((entity === 'params' || entity === 'tags') && hints) {
    return valueChoices(hints(entity, key), 'seen in loaded runs')
  }
  return []
}

/**
 * What a filter language offers as it is typed: the entities a condition starts with (`metrics.`),
 * the keys of an entity by its alias (null: not an entity), the comparators and the values of a key.
 */
export interface FilterGrammar {
  entities: ReadonlyArray<{ name: string; detail: string }>
  /** plain: written as is after the alias (`trace.tokens.total`), not quoted. */
  keys(alias: string): Array<{ key: string; detail: string; plain?: boolean }> | null
  operators(alias: string | null, key: string): string[]
  values(alias: string, key: string): Completion[]
}

/** search_runs' filter, given the keys of the chosen experiments. */
export function runFilterGrammar(columns: RunKeys, hints?: ValueHints): FilterGrammar {
  return {
    entities: ENTITIES,
    keys: (alias) => {
      const entity = entityOfAlias(alias)
      return entity ? keysOf(entity, columns) : null
    },
    operators: (alias, key) => operatorsFor(alias === null ? null : entityOfAlias(alias), key),
    values: (alias, key) => valueItems(entityOfAlias(alias), key, hints),
  }
}

/**
 * What may come at `cursor` in `text`, given the keys of the chosen
 * experiments; null when nothing sensible (inside a string value, say).
 */
export function completeFilter(text: string, cursor: number, columns: RunKeys, hints?: ValueHints): CompletionResult | null {
  return completeWith(text, cursor, runFilterGrammar(columns, hints))
}

/** What may come at `cursor` in `text` in a filter language; null when nothing sensible (inside a string value, say). */
export function completeWith(text: string, cursor: number, grammar: FilterGrammar): CompletionResult | null {
  const tokens = scan(text, cursor)
  const last = tokens[tokens.length - 1]
  const touching = last && last.end === cursor && (last.kind === 'ident' || last.kind === 'keyword') ? last : null
  // Still typing a value.
  if (last && last.end === cursor && (last.kind === 'string' || last.kind === 'number')) return null
  const before = touching ? tokens.slice(0, -1) : tokens
  const prev = before[before.length - 1]
  const from = touching ? touching.start : cursor
  const to = touching ? wordEnd(text, cursor) : cursor
  const typed = touching?.text ?? ''

  // A key after its entity: `metrics.va|`.
  const split = touching ? splitIdent(typed) : null
  if (split) {
    const keys = grammar.keys(split.alias)
    if (!keys) return null
    const chosen = rank(
      keys.map((k) => k.key),
      split.key,
    )
    const byKey = new Map(keys.map((k) => [k.key, k]))
    const written = (key: string) => (byKey.get(key)?.plain ? `${split.alias}.${key}` : filterIdentifier(split.alias, key))
    return {
      from,
      to,
      items: chosen.map((key) => ({ label: written(key), insert: `${written(key)} `, detail: byKey.get(key)?.detail ?? '' })),
    }
  }

  const inList = prev?.kind === 'comma' || (prev?.kind === 'lparen' && /^in$/i.test(before[before.length - 2]?.text ?? ''))
  if (inList) return null
  const expectsSubject = !prev || prev.kind === 'lparen' || (prev.kind === 'keyword' && /^(and|or)$/i.test(prev.text))
  if (expectsSubject) {
    const items = grammar.entities
      .filter((e) => e.name.startsWith(typed.toLowerCase()))
      .map((e) => ({ label: `${e.name}.`, insert: `${e.name}.`, detail: e.detail }))
    return { from, to, items }
  }

  if (prev.kind === 'ident') {
    const subject = splitIdent(prev.text)
    const ops = grammar.operators(subject?.alias ?? null, subject?.key ?? '').filter((o) => o.toLowerCase().startsWith(typed.toLowerCase()))
    return { from, to, items: ops.map((o) => ({ label: o, insert: `${o} `, detail: 'comparator' })) }
  }

  if (prev.kind === 'op' || (prev.kind === 'keyword' && /^(like|ilike)$/i.test(prev.text))) {
    const subject = subjectOf(before)
    if (!subject || touching) return null
    const items = grammar.values(subject.alias, subject.key)
    return items.length ? { from, to, items } : null
  }

  if (prev.kind === 'string' || prev.kind === 'number' || prev.kind === 'rparen') {
    const items = ['AND', 'OR'].filter((k) => k.toLowerCase().startsWith(typed.toLowerCase())).map((k) => ({ label: k, insert: `${k} `, detail: 'combine' }))
    return { from, to, items }
  }
  return null
}

/** The text with a completion applied, and where the cursor goes. */
export function applyCompletion(text: string, result: CompletionResult, item: Completion): { text: string; cursor: number } {
  const tail = text.slice(result.to)
  const insert = item.insert.endsWith(' ') && /^\s/.test(tail) ? item.insert.slice(0, -1) : item.insert
  const next = text.slice(0, result.from) + insert + tail
  const cursor = result.from + insert.length + (insert !== item.insert ? 1 : 0)
  return { text: next, cursor }
}

/** A metric, param or tag named in a filter, where it stands (for pointing at it and rewriting it). */
export interface FilterKeyRef {
  entity: 'metrics' | 'params' | 'tags'
  key: string
  /** The prefix as typed (`metric`, `params`), kept when the key is rewritten. */
  alias: string
  start: number
  end: number
}

/** Every `metrics.x` / `params.x` / `tags.x` in a filter, in order, read as the completion reads them. */
export function filterKeyRefs(text: string): FilterKeyRef[] {
  const out: FilterKeyRef[] = []
  for (const t of scan(text, text.length)) {
    if (t.kind !== 'ident') continue
    const s = splitIdent(t.text)
    const entity = s ? entityOfAlias(s.alias) : null
    if (s && s.key && (entity === 'metrics' || entity === 'params' || entity === 'tags'))
      out.push({ entity, key: s.key, alias: s.alias, start: t.start, end: t.end })
  }
  return out
}
