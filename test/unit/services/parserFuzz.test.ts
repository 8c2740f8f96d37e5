import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { keysetCondition, type OrderKey } from '../../../electron/services/tracking/keyset'
import { modelNameConditions } from '../../../electron/services/tracking/modelNameFilter'
import { decodePageToken, encodePageToken, searchFingerprint } from '../../../electron/services/tracking/pageToken'
import { ALL_CAPABILITIES } from '../../../electron/services/mlflowSchema/capabilities'
import { MAX_FILTER_NESTING, parseFilter } from '../../../electron/services/tracking/search/filterParser'
import { parseOrderBy } from '../../../electron/services/tracking/search/orderBy'
import { SqlBuilder, filterSql, orderSql, requiredClauses } from '../../../electron/services/tracking/search/searchSql'
import { AppError } from '@shared/api/errors'

/**
 * Fuzz regression tests for the parsers that read what users type: the runs
 * filter, order_by, the model-name filter and page tokens. Deterministic (a
 * fixed seed, a fixed number of runs) so CI sees the same inputs every time;
 * a failure prints the seed and path to replay it.
 */
const SEED = 1313
/** No single input may take longer than this (the parsers are linear; this is a generous CI bound). */
const MAX_MS_PER_INPUT = 250

/** A store that has every table and column, so every accepted filter compiles. */
const everything = ALL_CAPABILITIES

/** Pieces of MLflow's filter syntax (and of its mistakes), glued at random: reaches far deeper into the parser than random text. */
const FRAGMENTS = [
  'metrics.',
  'metric.',
  'params.',
  'param.',
  'tags.',
  'tag.',
  'attributes.',
  'attr.',
  'run.',
  'datasets.',
  'dataset.',
  'nosuch.',
  'acc',
  'loss',
  '`f1 score`',
  '"mlflow.user"',
  'mlflow.source.type',
  'run_id',
  'run_name',
  'status',
  'start_time',
  'end_time',
  'created',
  'name',
  'digest',
  'context',
  'lifecycle_stage',
  '``',
  '=',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  '==',
  '<>',
  ' LIKE ',
  ' ILIKE ',
  ' IN ',
  ' NOT IN ',
  ' NOT ',
  ' AND ',
  ' OR ',
  ' and ',
  ' or ',
  '(',
  ')',
  '((',
  '))',
  ',',
  '.',
  ' ',
  '  ',
  '\n',
  '\t',
  '0',
  '0.5',
  '-1',
  '-1e-3',
  '1e309',
  '.5',
  '5.',
  '1e',
  '9223372036854775808',
  'NaN',
  "'a'",
  "'it''s'",
  "'\\''",
  '"b"',
  "'%x_'",
  "('a', 'b')",
  '()',
  "'",
  '"',
  '`',
  '\\',
  'é',
  '😀',
  '\u0000',
  '\uD800',
]
const fragment = fc.constantFrom(...FRAGMENTS)
const soup = fc
  .array(fc.oneof({ weight: 6, arbitrary: fragment }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 4 }) }), { maxLength: 40 })
  .map((p) => p.join(''))

/** Well-formed filters, nested at random up to past the limit, so acceptance and the limit are both exercised. */
const comparison = fc.constantFrom(
  'metrics.acc > 0.5',
  "params.lr = '0.01'",
  "tags.`mlflow.user` LIKE 'a%'",
  "status IN ('FINISHED', 'FAILED')",
  'attributes.start_time >= 0',
  "datasets.name != 'x'",
  'metrics."f1 score" <= -1e-3',
)
const wellFormed = fc
  .tuple(
    fc.array(comparison, { minLength: 1, maxLength: 6 }),
    fc.array(fc.constantFrom(' AND ', ' OR ', ' and ', ' or '), { minLength: 5, maxLength: 5 }),
    fc.integer({ min: 0, max: MAX_FILTER_NESTING + 20 }),
  )
  .map(([items, joins, depth]) => '('.repeat(depth) + items.map((c, i) => (i ? joins[i % joins.length] : '') + c).join('') + ')'.repeat(depth))
const deep = fc
  .tuple(fc.integer({ min: 0, max: 20_000 }), fc.constantFrom('(', '( ', '(('), fc.constantFrom('', 'metrics.a > 1', ')'))
  .map(([n, open, rest]) => open.repeat(n) + rest)
const anyText = fc.string({ unit: 'binary', maxLength: 300 })
const filterText = fc.oneof(
  { weight: 3, arbitrary: anyText },
  { weight: 4, arbitrary: soup },
  { weight: 2, arbitrary: wellFormed },
  { weight: 1, arbitrary: deep },
)

/** INVALID_FILTER (or what `code` says) pointing inside the text: never another error. */
function expectPointedError(e: unknown, text: string, field: RegExp, code = 'INVALID_FILTER'): void {
  if (!(e instanceof AppError)) throw new Error(`not an AppError for ${JSON.stringify(text.slice(0, 80))}: ${String(e)}`)
  expect(e.code).toBe(code)
  expect(e.details?.field ?? '').toMatch(field)
  const { position, length } = e.details ?? {}
  if (position !== undefined) {
    expect(Number.isInteger(position) && position >= 0 && position <= text.length, `position ${position} in ${text.length} chars`).toBe(true)
    expect(length !== undefined && length >= 1 && position + length <= text.length + 1, `length ${length} at ${position} of ${text.length}`).toBe(true)
  }
}

function timed<T>(fn: () => T): T {
  const started = performance.now()
  try {
    return fn()
  } finally {
    expect(performance.now() - started).toBeLessThan(MAX_MS_PER_INPUT)
  }
}

/** Runs, seed and time of each fuzzer, printed once for the record. */
function report(name: string, runs: number, started: number): void {
  console.log(`[fuzz] ${name}: ${runs} inputs, seed ${SEED}, ${Math.round(performance.now() - started)} ms`)
}

describe('fuzz: the runs filter parser', () => {
  it('any text parses (and compiles to bound SQL) or is INVALID_FILTER pointing inside it, in bounded time', () => {
    let runs = 0
    let accepted = 0
    const started = performance.now()
    fc.assert(
      fc.property(filterText, (text) => {
        runs++
        let node
        try {
          node = timed(() => parseFilter(text))
        } catch (e) {
          expectPointedError(e, text, /^filter$/)
          return
        }
        accepted++
        const b = new SqlBuilder(everything, [])
        const sql = filterSql(node, b)
        requiredClauses(node)
        // Nothing typed reaches the SQL text: values and keys are parameters.
        if (sql) for (const v of b.bind) if (typeof v === 'string' && v.length > 3) expect(sql.includes(v)).toBe(false)
      }),
      { seed: SEED, numRuns: 3000 },
    )
    report(`filter parser (${accepted} accepted)`, runs, started)
    expect(accepted).toBeGreaterThan(100)
  })

  it('order_by entries: parsed and compiled, or INVALID_FILTER naming the entry', () => {
    let runs = 0
    const started = performance.now()
    const entry = fc.oneof(anyText, soup, fc.constantFrom('metrics.acc DESC', 'params.`batch size`', 'start_time ASC', 'tags.x desc', 'run_name'))
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 5 }), (entries) => {
        runs++
        let terms
        try {
          terms = timed(() => parseOrderBy(entries))
        } catch (e) {
          const i = Number(/^order_by\.(\d+)$/.exec((e as AppError).details?.field ?? '')?.[1] ?? -1)
          expect(i >= 0 && i < entries.length, String(e)).toBe(true)
          expectPointedError(e, entries[i], /^order_by\.\d+$/)
          return
        }
        orderSql(terms, new SqlBuilder(everything, []))
      }),
      { seed: SEED, numRuns: 1500 },
    )
    report('order_by parser', runs, started)
  })

  it('the model-name filter: conditions with bound values, or INVALID_FILTER pointing inside it', () => {
    let runs = 0
    const started = performance.now()
    const modelText = fc.oneof(
      anyText,
      soup,
      fc.constantFrom("name = 'a'", "name LIKE 'x%' AND name != 'y'", 'churn', "attribute.name ILIKE '%'", "`name` = 'it''s'"),
    )
    fc.assert(
      fc.property(modelText, (text) => {
        runs++
        const bind: unknown[] = []
        try {
          const conditions = timed(() => modelNameConditions(text, 'rm.name', bind))
          expect(bind.length).toBe(conditions.length)
        } catch (e) {
          expectPointedError(e, text, /^filter$/)
        }
      }),
      { seed: SEED, numRuns: 1500 },
    )
    report('model-name filter', runs, started)
  })
})

describe('fuzz: page tokens', () => {
  const fingerprint = searchFingerprint({ e: [1], s: ['active'] })
  // The runs search's default order: what a tampered keyset token is checked against.
  const keys: OrderKey[] = [
    { sql: 'r.start_time', direction: 'DESC', nulls: 'FIRST', cast: 'bigint' },
    { sql: 'r.run_uuid', direction: 'ASC', nulls: 'LAST', cast: 'text', nullable: false },
  ]
  const value = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(Number),
    fc.double(),
    fc.constantFrom('NaN', 'Infinity', '9223372036854775807', '9223372036854775808', 'a\u0000b', '', null, true, 2 ** 63, -(2 ** 63)),
  )
  const b64 = (text: string, url: boolean) => Buffer.from(text).toString(url ? 'base64url' : 'base64')
  const token = fc.oneof(
    // Any text at all.
    fc.string({ unit: 'binary', maxLength: 200 }),
    // Base64 of any JSON.
    fc.tuple(fc.jsonValue({ maxDepth: 4 }), fc.boolean()).map(([v, url]) => b64(JSON.stringify(v) ?? 'null', url)),
    // MLflow's offset tokens with any offset.
    fc.tuple(value, fc.boolean()).map(([offset, url]) => b64(JSON.stringify({ offset }) ?? '', url)),
    // Our tokens, for this very search, with any values in them.
    fc.array(value, { maxLength: 4 }).map((k) => b64(JSON.stringify({ v: 1, f: fingerprint, k }), true)),
    // A real token with a byte changed or cut short.
    fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 63 }), fc.boolean()).map(([at, ch, cut]) => {
      const t = encodePageToken([1_767_225_600_000, '7db9cf2161f742449013f6cbcb194aba'], fingerprint)
      const i = at % t.length
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
      return cut ? t.slice(0, i) : t.slice(0, i) + alphabet[ch] + t.slice(i + 1)
    }),
  )

  it('any token decodes to a cursor whose values bind, or is INVALID_PAGE_TOKEN, never another error', () => {
    let runs = 0
    let usable = 0
    const started = performance.now()
    fc.assert(
      fc.property(token, (t) => {
        runs++
        try {
          const cursor = timed(() => decodePageToken(t, fingerprint))
          if (cursor?.kind === 'keyset') {
            const bind: unknown[] = []
            if (cursor.values.length !== keys.length) return
            keysetCondition(keys, cursor.values, bind)
            for (const v of bind) expect(['string', 'number'].includes(typeof v)).toBe(true)
          }
          usable++
        } catch (e) {
          expect(e).toBeInstanceOf(AppError)
          expect((e as AppError).code).toBe('INVALID_PAGE_TOKEN')
        }
      }),
      { seed: SEED, numRuns: 3000 },
    )
    report(`page tokens (${usable} usable)`, runs, started)
    expect(usable).toBeGreaterThan(50)
  })
})
