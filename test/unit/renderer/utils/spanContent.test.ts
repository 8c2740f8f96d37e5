import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { MlflowAssessment, MlflowSpan } from '@shared/domain/traces'
import { chatMessages, otherAttributes, retrievedDocuments, spanExceptions, spanInputs, spanOutputs, valueView } from '@/utils/spanContent'
import { assessmentCards, formatAssessmentValue, valueTone } from '@/utils/assessmentCards'
import { jsonTree, openKeys } from '@/utils/jsonTree'

/** The spans MLflow 3.5 wrote into the GenAI fixture (the spans table's content column), by span type. */
function fixtureSpans(): Array<{ type: string; span: MlflowSpan }> {
  const sql = readFileSync('test/fixtures/genai/mlflow-genai-seed21.sql', 'utf8')
  const start = sql.indexOf('\n', sql.indexOf('COPY public.spans ')) + 1
  const body = sql.slice(start, sql.indexOf('\n\\.\n', start))
  // COPY's text format escapes backslashes: "\\" is one.
  return body.split('\n').map((line) => {
    const cols = line.split('\t')
    return { type: cols[5], span: JSON.parse(cols[9].replace(/\\\\/g, '\\')) as MlflowSpan }
  })
}
const spans = fixtureSpans()
const ofType = (t: string) => spans.filter((s) => s.type === t).map((s) => s.span)

describe('span inputs and outputs, on the spans MLflow wrote', () => {
  it('every CHAT_MODEL span: its inputs are a conversation and its output the assistant’s answer', () => {
    const chat = ofType('CHAT_MODEL')
    expect(chat.length).toBeGreaterThan(0)
    for (const s of chat) {
      const inputs = valueView(spanInputs(s))
      expect(inputs.kind).toBe('chat')
      if (inputs.kind === 'chat') expect(inputs.messages.map((m) => m.role)).toContain('user')
      const out = spanOutputs(s)
      if (out !== undefined) expect(chatMessages(out)?.[0].role).toBe('assistant')
    }
  })
  it('every RETRIEVER span with an output: document cards with URI and score', () => {
    const withOutput = ofType('RETRIEVER').filter((s) => spanOutputs(s) !== undefined)
    expect(withOutput.length).toBeGreaterThan(0)
    for (const s of withOutput) {
      const docs = retrievedDocuments(spanOutputs(s))
      expect(docs?.length).toBeGreaterThan(0)
      for (const d of docs!) {
        expect(d.uri).toMatch(/^kb\//)
        expect(typeof d.score).toBe('number')
      }
    }
  })
  it('TOOL and LLM spans’ plain JSON stays JSON; the span type and inputs are not repeated among the attributes', () => {
    for (const s of [...ofType('TOOL'), ...ofType('LLM')]) expect(valueView(spanInputs(s)).kind).toBe('json')
    const llm = ofType('LLM')[0]
    const keys = otherAttributes(llm).map(([k]) => k)
    expect(keys).not.toContain('mlflow.spanInputs')
    expect(keys).not.toContain('mlflow.spanType')
    expect(otherAttributes(llm).find(([k]) => k === 'mlflow.chat.tokenUsage')?.[1]).toMatchObject({ total_tokens: expect.any(Number) })
  })
  it('exception events: type, message and the stack text', () => {
    const failing = spans.map((s) => s.span).filter((s) => s.events.some((e) => e.name === 'exception'))
    expect(failing.length).toBeGreaterThan(0)
    const [ex] = spanExceptions(failing[0].events)
    expect(ex.type).toMatch(/Error$/)
    expect(failing[0].status.message).toContain(ex.message)
    expect(ex.stacktrace).toContain('Traceback (most recent call last)')
  })
})

describe('chatMessages', () => {
  it('reads tool calls (arguments parsed) and tool answers', () => {
    const msgs = chatMessages({
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: '{"temp": 3}' },
        { role: 'assistant', content: [{ type: 'text', text: 'It is 3°C.' }] },
      ],
    })!
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant'])
    expect(msgs[1].tool_calls).toEqual([{ id: 'c1', name: 'get_weather', arguments: { city: 'Oslo' } }])
    expect(msgs[2].tool_call_id).toBe('c1')
    expect(msgs[3].content).toBe('It is 3°C.')
  })
  it('is null for what is no conversation', () => {
    expect(chatMessages({ prompt: 'x' })).toBeNull()
    expect(chatMessages([{ role: 'user' }])).toBeNull()
    expect(chatMessages([])).toBeNull()
    expect(retrievedDocuments([{ page_content: 'a' }, { nope: 1 }])).toBeNull()
    expect(valueView(undefined).kind).toBe('none')
  })
})

describe('assessmentCards', () => {
  const a = (id: string, extra: Partial<MlflowAssessment>): MlflowAssessment => ({
    assessment_id: id,
    assessment_name: 'correctness',
    trace_id: 'tr-1',
    source: { source_type: 'HUMAN', source_id: 'alice' },
    create_time: '2026-12-07T00:00:00Z',
    last_update_time: '2026-12-07T00:00:00Z',
    valid: true,
    ...extra,
  })
  const judge = a('a1', { source: { source_type: 'LLM_JUDGE', source_id: 'judge' }, feedback: { value: 'no' }, valid: false })
  const human = a('a2', { feedback: { value: 'yes' }, overrides: 'a1' })
  const onSpan = a('a3', { expectation: { value: { facts: ['x'] } }, span_id: 'abc' })
  it('one card per assessment in force, with what it overrode; span assessments filter by span', () => {
    const cards = assessmentCards([judge, human, onSpan], { a1: 'a2' })
    expect(cards.map((c) => [c.assessment.assessment_id, c.kind, c.replaced.map((r) => r.assessment_id)])).toEqual([
      ['a2', 'feedback', ['a1']],
      ['a3', 'expectation', []],
    ])
    expect(assessmentCards([judge, human, onSpan], { a1: 'a2' }, 'abc').map((c) => c.assessment.assessment_id)).toEqual(['a3'])
  })
  it('values: text as is, the rest as JSON, tones for pass/fail', () => {
    expect([formatAssessmentValue('yes'), formatAssessmentValue(0.93), formatAssessmentValue(undefined)]).toEqual(['yes', '0.93', '—'])
    expect([valueTone(true), valueTone('No'), valueTone(0.5)]).toEqual(['good', 'bad', 'neutral'])
  })
})

describe('jsonTree', () => {
  it('branches with key and size, leaves key: value, paths for copying, big containers cut with a count', () => {
    const nodes = jsonTree({ rows: 3, columns: ['id', 'total'], 'odd key': { a: null } })
    expect(nodes.map((n) => n.label)).toEqual(['rows: 3', 'columns [2]', 'odd key {1}'])
    expect(nodes[1].children!.map((n) => [n.label, n.path])).toEqual([
      ['0: "id"', '$.columns[0]'],
      ['1: "total"', '$.columns[1]'],
    ])
    expect(nodes[2].children![0].path).toBe('$["odd key"].a')
    expect(openKeys(nodes)).toEqual(['$.columns', '$["odd key"]'])
    const big = jsonTree(
      Array.from({ length: 500 }, (_, i) => i),
      200,
    )
    expect(big.length).toBe(201)
    expect(big[200].label).toBe('… 300 more')
    expect(jsonTree('text')[0].label).toBe('"text"')
  })
})
