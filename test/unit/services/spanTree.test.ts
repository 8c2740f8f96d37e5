import { describe, expect, it } from 'vitest'
import type { MlflowSpan } from '@shared/domain/traces'
import { deduplicateSpanNames, hexSpanId, normalizeSpan, parseExactJson, parseSpans } from '../../../electron/services/traces/spanJson'
import { spanTree, tokenUsage } from '../../../electron/services/traces/spanTree'

const T0 = 1_796_527_257_000_000_000n
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64')
const id = (n: number) => n.toString(16).padStart(16, '0')

/** A span starting and ending at these milliseconds after T0, under `parent` (span numbers). */
function span(n: number, parent: number | null, startMs: number, endMs: number | null, extra: Partial<MlflowSpan> = {}): MlflowSpan {
  return {
    trace_id: b64('00'.repeat(16)),
    span_id: b64(id(n)),
    parent_span_id: parent === null ? null : b64(id(parent)),
    name: `s${n}`,
    start_time_unix_nano: String(T0 + BigInt(startMs) * 1_000_000n),
    end_time_unix_nano: endMs === null ? null : String(T0 + BigInt(endMs) * 1_000_000n),
    events: [],
    status: { code: 'STATUS_CODE_OK', message: '' },
    attributes: { 'mlflow.spanType': '"CHAIN"' },
    ...extra,
  }
}

const names = (spans: MlflowSpan[], ids: string[]) => ids.map((h) => spans.find((s) => hexSpanId(s.span_id) === h)!.name)

describe('spanTree', () => {
  it('puts children under their parent by start time, whatever order the spans come in, with depth, offsets and durations', () => {
    const spans = [span(3, 1, 50, 90), span(2, 1, 10, 40), span(1, null, 0, 100), span(4, 2, 20, 30)]
    const { rows, start } = spanTree(spans)
    expect(rows.map((r) => [r.name, r.depth])).toEqual([
      ['s1', 0],
      ['s2', 1],
      ['s4', 2],
      ['s3', 1],
    ])
    expect(start).toBe(T0)
    expect(rows[0].children).toEqual([id(2), id(3)])
    expect(rows.find((r) => r.name === 's4')).toMatchObject({ offset_ns: 20_000_000, duration_ns: 10_000_000, parent_span_id: id(2), index: 3 })
  })

  it('the critical path: sequential steps all lie on it; of overlapping ones, the one that finished last', () => {
    // s1 [0,100]: s2 [5,40] and s3 [10,60] overlap (s3 ends later), then s4 [60,95]; s5 [70,80] runs beside s4.
    const spans = [span(1, null, 0, 100), span(2, 1, 5, 40), span(3, 1, 10, 60), span(4, 1, 60, 95), span(5, 1, 70, 80), span(6, 4, 61, 90)]
    const { rows, critical_path } = spanTree(spans)
    expect(names(spans, critical_path)).toEqual(['s1', 's3', 's4', 's6'])
    expect(rows.filter((r) => r.critical).map((r) => r.name)).toEqual(['s1', 's3', 's4', 's6'])
  })

  it('a span still running counts as ending where it started; a trace with no spans has no path', () => {
    const { rows, critical_path } = spanTree([span(1, null, 0, null), span(2, 1, 5, 10)])
    expect(rows[0].duration_ns).toBeNull()
    expect(critical_path).toEqual([id(1)])
    expect(spanTree([])).toEqual({ rows: [], critical_path: [], start: null })
  })

  it('a span whose parent is not in the trace is a root; spans whose parents loop are shown once each, as roots', () => {
    const orphan = spanTree([span(1, null, 0, 10), span(2, 99, 1, 2)])
    expect(orphan.rows.map((r) => [r.name, r.depth, r.parent_span_id])).toEqual([
      ['s1', 0, null],
      ['s2', 0, null],
    ])
    const loop = spanTree([span(1, 2, 0, 10), span(2, 1, 1, 5)])
    expect(loop.rows.map((r) => r.name).sort()).toEqual(['s1', 's2'])
  })

  it('a chain thousands deep is walked without recursion', () => {
    const spans = Array.from({ length: 20_000 }, (_, i) => span(i + 1, i === 0 ? null : i, i, 40_000 - i))
    const { rows, critical_path } = spanTree(spans)
    expect(rows[rows.length - 1].depth).toBe(19_999)
    expect(critical_path).toHaveLength(20_000)
  })

  it('type, error, tokens and model from the attributes', () => {
    const llm = span(1, null, 0, 10, {
      status: { code: 'STATUS_CODE_ERROR', message: 'TimeoutError: upstream' },
      attributes: {
        'mlflow.spanType': '"CHAT_MODEL"',
        model: '"gpt-4o-mini"',
        'mlflow.chat.tokenUsage': '{"input_tokens": 35, "output_tokens": 25, "total_tokens": 60}',
      },
    })
    const [row] = spanTree([llm]).rows
    expect(row).toMatchObject({ type: 'CHAT_MODEL', error: true, status_message: 'TimeoutError: upstream', model: 'gpt-4o-mini' })
    expect(row.tokens).toEqual({ input_tokens: 35, output_tokens: 25, total_tokens: 60 })
    expect(spanTree([span(2, null, 0, 1, { attributes: {} })]).rows[0]).toMatchObject({ type: 'UNKNOWN', tokens: null, model: null })
    expect(tokenUsage({ 'gen_ai.usage.input_tokens': 7, 'gen_ai.usage.output_tokens': 3 })).toEqual({ input_tokens: 7, output_tokens: 3, total_tokens: 10 })
  })
})

describe('span JSON', () => {
  it('keeps nanosecond times exact, and leaves numbers inside strings and small numbers alone', () => {
    const doc = parseExactJson(
      '{"t": 1796527257748084153, "s": "x 1796527257748084153 \\" 1796527257748084153", "n": -12, "f": 1.5e300, "a": [1796527257748084154]}',
      'here',
    )
    expect(doc).toEqual({ t: '1796527257748084153', s: 'x 1796527257748084153 " 1796527257748084153', n: -12, f: 1.5e300, a: ['1796527257748084154'] })
  })

  it("reads MLflow 2's span dicts (0x ids, context, parent_id, status_code) into MLflow 3's", () => {
    // As MLflow 2 wrote traces.json (times past 2^53 as JSON numbers: written as text here).
    const v2 = `{"spans": [{"name": "predict", "context": {"span_id": "0x00000000000000a1", "trace_id": "0x${'0'.repeat(31)}1"}, "parent_id": null,
      "start_time": 1796527257748084153, "end_time": 1796527257748084999, "status_code": "ERROR", "status_message": "boom",
      "attributes": {"mlflow.spanType": "\\"LLM\\""},
      "events": [{"name": "exception", "timestamp": 1796527257748084500, "attributes": {"exception.type": "ValueError"}}]}]}`
    const [s] = parseSpans(v2, 'a test')
    expect(s.start_time_unix_nano).toBe('1796527257748084153')
    expect(s.end_time_unix_nano).toBe('1796527257748084999')
    expect(s.events[0].time_unix_nano).toBe('1796527257748084500')
    expect(s.attributes['mlflow.spanType']).toBe('"LLM"')
    expect(hexSpanId(s.span_id)).toBe('00000000000000a1')
    expect(s).toMatchObject({ name: 'predict', parent_span_id: null, status: { code: 'STATUS_CODE_ERROR', message: 'boom' } })
    expect(s.events[0]).toMatchObject({ name: 'exception', attributes: { 'exception.type': 'ValueError' } })
  })

  it('numbers names several spans share, in span order, as MLflow does', () => {
    const spans = [span(1, null, 0, 9), span(2, 1, 1, 2), span(3, 1, 3, 4), span(4, 1, 5, 6)]
    spans[1].name = spans[3].name = 'run_sql'
    expect(deduplicateSpanNames(spans).map((s) => s.name)).toEqual(['s1', 'run_sql_1', 's3', 'run_sql_2'])
  })

  it('refuses what is not span JSON, naming where it was read', () => {
    expect(() => parseSpans('{"spans": [', 'traces.json in /x')).toThrow(/traces\.json in \/x are not valid JSON|The spans in traces\.json in \/x/)
    expect(() => parseSpans('{"other": 1}', 'traces.json in /x')).toThrow('traces.json in /x holds no list of spans')
    expect(() => normalizeSpan({ name: 'x' }, 'traces.json in /x')).toThrow('has no span id or start time')
  })
})
