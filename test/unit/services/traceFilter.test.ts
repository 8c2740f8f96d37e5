import { describe, expect, it } from 'vitest'
import type { AppError } from '@shared/api/errors'
import { parseTraceFilter, type TraceComparison } from '../../../electron/services/traces/traceFilter'
import { parseTraceOrderBy } from '../../../electron/services/traces/traceOrder'

function errorOf(fn: () => unknown): AppError {
  try {
    fn()
  } catch (e) {
    return e as AppError
  }
  throw new Error('expected an error')
}

/** The refusal, and the text under its caret. */
function pointed(text: string, fn: () => unknown = () => parseTraceFilter(text)) {
  const e = errorOf(fn)
  expect(e.code).toBe('INVALID_FILTER')
  const { position = -1, length = 0 } = e.details ?? {}
  return { message: e.message, at: text.slice(position, position + length), field: e.details?.field }
}

const cmp = (f: string) => parseTraceFilter(f) as TraceComparison

describe("search_traces' filter grammar", () => {
  it("reads MLflow's entities, aliases and keys", () => {
    expect(cmp("trace.status = 'OK'")).toMatchObject({ entity: 'attribute', key: 'status', comparator: '=', value: { kind: 'string', value: 'OK' } })
    expect(cmp("attributes.status != 'OK'")).toMatchObject({ entity: 'attribute', key: 'status', comparator: '!=' })
    expect(cmp("status = 'ERROR'")).toMatchObject({ entity: 'attribute', key: 'status' })
    expect(cmp('trace.timestamp > 5')).toMatchObject({ key: 'timestamp_ms', value: { kind: 'number', value: 5 } })
    expect(cmp('trace.execution_time <= 10')).toMatchObject({ key: 'execution_time_ms', comparator: '<=' })
    expect(cmp('trace.timestamp_ms < 1.8e12')).toMatchObject({ key: 'timestamp_ms', value: { kind: 'number', text: '1.8e12' } })
    expect(cmp("trace.execution_time_ms > '221'")).toMatchObject({ key: 'execution_time_ms', value: { kind: 'number', value: 221 } })
    expect(cmp("tags.`app.version` = '1.5.0'")).toMatchObject({ entity: 'tag', key: 'app.version' })
    expect(cmp("tag.env = 'prod'")).toMatchObject({ entity: 'tag', key: 'env' })
    expect(cmp("metadata.`mlflow.trace.user` = 'a'")).toMatchObject({ entity: 'metadata', key: 'mlflow.trace.user' })
    expect(cmp("request_metadata.mlflow.trace.session = 's'")).toMatchObject({ entity: 'metadata', key: 'mlflow.trace.session' })
    expect(cmp("span.name LIKE 'plan_step_%'")).toMatchObject({ entity: 'span', key: 'name', comparator: 'LIKE' })
  })

  it('reads our extensions: IN, span.type/status, assessments, tokens, free text, OR and parentheses', () => {
    expect(cmp("trace.name IN ('a', 'b')")).toMatchObject({ key: 'name', comparator: 'IN', value: { kind: 'list', values: ['a', 'b'] } })
    expect(cmp("span.type = 'TOOL'")).toMatchObject({ entity: 'span', key: 'type' })
    expect(cmp('feedback.user_thumbs_up = true')).toMatchObject({ entity: 'assessment', assessmentKind: 'feedback', value: { kind: 'boolean', value: true } })
    expect(cmp('assessment.groundedness >= 0.5')).toMatchObject({ assessmentKind: 'any', value: { kind: 'number', value: 0.5 } })
    expect(cmp("expectation.expected_response ILIKE '%invoice%'")).toMatchObject({ assessmentKind: 'expectation', comparator: 'ILIKE' })
    expect(cmp('trace.tokens.total > 100')).toMatchObject({ entity: 'attribute', key: 'tokens.total' })
    expect(parseTraceFilter("'refund'")).toMatchObject({ type: 'text', value: 'refund' })
    expect(parseTraceFilter('"refund" AND tags."env" = \'prod\'')).toMatchObject({ kind: 'and', items: [{ type: 'text' }, { entity: 'tag', key: 'env' }] })
    expect(parseTraceFilter("(trace.status = 'ERROR' OR span.status = 'ERROR') AND tags.env = 'prod'")).toMatchObject({
      kind: 'and',
      items: [{ kind: 'or', items: [{ entity: 'attribute' }, { entity: 'span' }] }, { entity: 'tag' }],
    })
  })

  it('refuses what MLflow refuses, pointing at the fault', () => {
    expect(pointed("trace.bogus = 'x'")).toMatchObject({ at: 'trace.bogus', message: expect.stringContaining("Invalid attribute key 'bogus'") })
    expect(pointed("trace.execution_time_ms > 'fast'")).toMatchObject({ at: "'fast'", message: expect.stringContaining('Expected a number') })
    expect(pointed("nope.key = 'x'")).toMatchObject({ at: 'nope', message: expect.stringContaining("Invalid entity type 'nope'") })
    expect(pointed("metrics.acc = 'x'")).toMatchObject({ at: 'metrics' })
    expect(pointed("trace.status == 'OK'")).toMatchObject({ at: '==' })
    expect(pointed("tags.env > 'a'")).toMatchObject({ at: '>', message: expect.stringContaining('use one of =, !=, LIKE') })
    expect(pointed('tags.env = prod')).toMatchObject({ at: 'prod', message: expect.stringContaining('quoted string') })
    expect(pointed("trace.timestamp_ms LIKE '1%'")).toMatchObject({ at: 'LIKE', message: expect.stringContaining('trace.timestamp_ms') })
    expect(pointed("trace.timestamp_ms > '1.5'")).toMatchObject({ at: "'1.5'", message: expect.stringContaining('Expected a number') })
  })

  it('refuses malformed text with the position', () => {
    expect(pointed("trace.status = 'OK' AND")).toMatchObject({ message: expect.stringContaining('end of the filter') })
    expect(pointed("(trace.status = 'OK'")).toMatchObject({ at: '(', message: expect.stringContaining("Unbalanced '('") })
    expect(pointed("trace.status = 'OK')")).toMatchObject({ at: ')' })
    expect(pointed("trace.status = 'OK")).toMatchObject({ at: "'OK", message: expect.stringContaining('Unterminated') })
    expect(pointed("tags.env IN 'a'")).toMatchObject({ at: "'a'", message: expect.stringContaining('parenthesised list') })
    expect(pointed("span.kind = 'x'")).toMatchObject({ at: 'span.kind', message: expect.stringContaining('span.name, span.type and span.status') })
    expect(pointed("''")).toMatchObject({ at: "''", message: expect.stringContaining('Empty text') })
    expect(pointed('feedback.ok > true')).toMatchObject({ at: 'true' })
    expect(pointed('feedback.score LIKE 1')).toMatchObject({ at: '1' })
    expect(pointed("tags.env = 'a\u0000b'")).toMatchObject({ at: '\u0000', message: expect.stringContaining('NUL') })
    expect(pointed('trace.timestamp_ms > 99999999999999999999')).toMatchObject({
      at: '99999999999999999999',
      message: expect.stringContaining('out of the range'),
    })
    expect(pointed("trace.status = 'OK' tags.env = 'x'")).toMatchObject({ at: 'tags', message: expect.stringContaining('Expected AND, OR') })
  })

  it('order_by: attributes, tokens and assessments; refusals name the entry', () => {
    expect(parseTraceOrderBy(['timestamp_ms ASC', 'trace.tokens.total DESC', 'feedback.groundedness', 'experiment_id'])).toMatchObject([
      { key: 'timestamp_ms', ascending: true },
      { key: 'tokens.total', ascending: false },
      { entity: 'assessment', assessmentKind: 'feedback', key: 'groundedness', ascending: true },
      { key: 'experiment_id' },
    ])
    expect(pointed('tags.env', () => parseTraceOrderBy(['name', 'tags.env']))).toMatchObject({ at: 'tags.env', field: 'order_by.1' })
    expect(pointed('span.name', () => parseTraceOrderBy(['span.name']))).toMatchObject({ at: 'span.name', field: 'order_by.0' })
    expect(pointed('timestamp', () => parseTraceOrderBy(['timestamp_ms', 'timestamp']))).toMatchObject({ message: expect.stringContaining('twice') })
    expect(pointed('name UP', () => parseTraceOrderBy(['name UP']))).toMatchObject({ at: 'UP' })
    // experiment_id is an order key, not a filter key, as in MLflow.
    expect(pointed("trace.experiment_id = '1'")).toMatchObject({ at: 'trace.experiment_id' })
  })
})
