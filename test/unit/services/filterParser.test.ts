import { describe, expect, it } from 'vitest'
import { MAX_FILTER_NESTING, parseFilter, type FilterNode } from '../../../electron/services/tracking/search/filterParser'
import { parseOrderBy } from '../../../electron/services/tracking/search/orderBy'
import type { AppError } from '@shared/api/errors'

function errorOf(fn: () => unknown): AppError {
  try {
    fn()
  } catch (e) {
    return e as AppError
  }
  throw new Error('expected an error')
}

/** Where the error points, as the text under the caret. */
function pointed(text: string, fn: () => unknown = () => parseFilter(text)) {
  const e = errorOf(fn)
  expect(e.code).toBe('INVALID_FILTER')
  const { position = -1, length = 0 } = e.details ?? {}
  return { message: e.message, at: text.slice(position, position + length), field: e.details?.field }
}

describe('MLflow filter grammar', () => {
  it('reads entities, aliases and quoting forms as MLflow does', () => {
    const cmp = (f: string) => parseFilter(f) as Extract<FilterNode, { kind: 'compare' }>
    expect(cmp('metrics.acc > 0.5')).toMatchObject({ entity: 'metric', key: 'acc', comparator: '>', value: { kind: 'number', value: 0.5 } })
    expect(cmp('metric.`f1 score` >= -1e-3')).toMatchObject({ entity: 'metric', key: 'f1 score', value: { value: -0.001 } })
    expect(cmp('tags."mlflow.user" = "alice"')).toMatchObject({ entity: 'tag', key: 'mlflow.user', value: { kind: 'string', value: 'alice' } })
    expect(cmp("tags.mlflow.source.type = 'LOCAL'")).toMatchObject({ entity: 'tag', key: 'mlflow.source.type' })
    expect(cmp("parameters.lr like '0.0%'")).toMatchObject({ entity: 'param', comparator: 'LIKE' })
    expect(cmp("status = 'RUNNING'")).toMatchObject({ entity: 'attribute', key: 'status' })
    expect(cmp('attributes.created > 5')).toMatchObject({ entity: 'attribute', key: 'start_time' })
    expect(cmp("attributes.`Run Name` = 'x'")).toMatchObject({ entity: 'attribute', key: 'run_name' })
    expect(cmp('attributes.run_id not in (\'a\', "b")')).toMatchObject({ comparator: 'NOT IN', value: { kind: 'list', values: ['a', 'b'] } })
    expect(cmp("datasets.context IN ('training')")).toMatchObject({ entity: 'dataset', key: 'context' })
  })

  it('AND binds tighter than OR; parentheses group', () => {
    const n = parseFilter("metrics.a > 1 or metrics.b > 2 AND params.c = 'x'")
    expect(n).toMatchObject({ kind: 'or', items: [{ key: 'a' }, { kind: 'and', items: [{ key: 'b' }, { key: 'c' }] }] })
    expect(parseFilter("(metrics.a > 1 or metrics.b > 2) and params.c = 'x'")).toMatchObject({ kind: 'and', items: [{ kind: 'or' }, { key: 'c' }] })
    expect(parseFilter('   ')).toBeNull()
  })

  it.each([
    ["metrics.acc > 'high'", "'high'", /Expected a number for metrics.acc/],
    ['params.lr = 0.01', '0.01', /quoted string.*write '0.01'/],
    ['params.lr > 0.01', '>', /Invalid comparator '>' for params.lr.*Params are strings/],
    ["metrics.acc LIKE '%'", 'LIKE', /Invalid comparator 'LIKE' for metrics.acc/],
    ['metrics.acc == 1', '==', /write '='/],
    ['metrics.acc <> 1', '<>', /write '!='/],
    ["foo.bar = 'x'", 'foo', /Invalid entity type 'foo'/],
    ["colour = 'red'", 'colour', /Invalid attribute key 'colour'.*metrics.colour/],
    ["datasets.size = '1'", 'datasets.size', /Invalid dataset key 'size'/],
    ['metrics.val-loss > 1', '-', /Unexpected character '-'.*backticks/],
    ["params.lr = '0.01", "'0.01", /Unterminated quoted string/],
    ["(metrics.a > 1 and params.b = 'x'", '(', /Unbalanced '\('/],
    ['metrics.a > 1)', ')', /Unbalanced '\)'/],
    ["metrics.a > 1 params.b = 'x'", 'params', /Expected AND, OR or the end/],
    ['metrics.a >', '', /Expected a value after '>' at the end/],
    ['metrics.a > 1 and', '', /Expected a key .* at the end of the filter/],
    ['and metrics.a > 1', 'and', /Expected a comparison before 'and'/],
    ["run_id IN 'a'", "'a'", /needs a parenthesised list/],
    ["run_id = ('a')", '(', /needs IN or NOT IN/],
    ["run_id IN ('a' 'b')", "'b'", /Expected ',' or '\)'/],
    ['params.x = adam', 'adam', /quoted string value for params.x/],
    ['attributes.start_time > yesterday', 'yesterday', /milliseconds since the epoch/],
    ["params.x = 'a\u0000b'", '\u0000', /A NUL character \(at character 14\) cannot be searched for/],
  ])('%s → error at %j', (text, at, message) => {
    const e = pointed(text)
    expect(e.message).toMatch(message)
    expect(e.field).toBe('filter')
    // End-of-text errors point just past the text.
    if (at === '') expect(e.at).toBe('')
    else expect(e.at).toBe(at)
  })
})

describe("MLflow's order_by", () => {
  it('reads keys with an optional direction', () => {
    expect(parseOrderBy(['metrics.acc DESC', 'params.`batch size`', 'start_time asc'])).toMatchObject([
      { entity: 'metric', key: 'acc', ascending: false },
      { entity: 'param', key: 'batch size', ascending: true },
      { entity: 'attribute', key: 'start_time', ascending: true },
    ])
  })

  it.each([
    [['metrics.acc DESCENDING'], 'order_by.0', 'DESCENDING', /Expected ASC, DESC or the end/],
    [['metrics.acc', 'metrics.acc DESC'], 'order_by.1', 'metrics.acc', /twice/],
    [['datasets.name'], 'order_by.0', 'datasets.name', /cannot be ordered by dataset/],
    [['attributes.`run name`'], 'order_by.0', 'attributes.`run name`', /Invalid attribute key 'run name'/],
  ])('%j → error in %s at %j', (entries, field, at, message) => {
    const e = errorOf(() => parseOrderBy(entries))
    expect(e.message).toMatch(message)
    expect(e.details?.field).toBe(field)
    const text = entries[Number(field.split('.')[1])]
    expect(text.slice(e.details!.position!, e.details!.position! + e.details!.length!)).toBe(at)
  })
})

describe('nesting limit', () => {
  it(`takes parentheses ${MAX_FILTER_NESTING} deep`, () => {
    const text = '('.repeat(MAX_FILTER_NESTING) + 'metrics.acc > 1' + ')'.repeat(MAX_FILTER_NESTING)
    expect(parseFilter(text)).toMatchObject({ kind: 'compare', key: 'acc' })
  })

  it('refuses one level more as INVALID_FILTER pointing at the first ( too many, not a stack overflow', () => {
    const text = '('.repeat(MAX_FILTER_NESTING + 1) + 'metrics.acc > 1' + ')'.repeat(MAX_FILTER_NESTING + 1)
    const e = errorOf(() => parseFilter(text))
    expect(e).toMatchObject({ code: 'INVALID_FILTER', details: { field: 'filter', position: MAX_FILTER_NESTING, length: 1 } })
    expect(e.message).toMatch(new RegExp(`more than ${MAX_FILTER_NESTING} levels deep at character ${MAX_FILTER_NESTING + 1}`))
  })

  it('6,000 ( (the issue’s input) and 100,000: the same error, at once', () => {
    for (const n of [6000, 100_000]) {
      const started = performance.now()
      const e = errorOf(() => parseFilter('('.repeat(n)))
      expect(e).toMatchObject({ code: 'INVALID_FILTER', details: { position: MAX_FILTER_NESTING } })
      expect(performance.now() - started).toBeLessThan(1000)
    }
  })

  it('nesting counts open parentheses, not all of them: many groups side by side are fine', () => {
    const group = '((metrics.a > 1 or metrics.b < 2))'
    expect(parseFilter(Array.from({ length: 300 }, () => group).join(' and '))).toMatchObject({ kind: 'and' })
  })
})
