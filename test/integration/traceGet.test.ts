import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MlflowSpan, TraceGetResponse } from '@shared/domain/traces'
import { appOver } from '../helpers/appOverFixture'
import { genaiReference } from '../helpers/genaiReference'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES } from '../helpers/fixtures'

/** JSON with integers past 2^53 kept as their digits (Node 22's reviver sees each number's source text). */
function exactJson(text: string): unknown {
  const reviver = (_k: string, v: unknown, ctx?: { source?: string }) =>
    typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v) && ctx?.source ? ctx.source : v
  return JSON.parse(text, reviver as (k: string, v: unknown) => unknown)
}

/** What real MLflow's API answered for every trace of the GenAI fixture. */
const REFERENCE = genaiReference(exactJson)
const TRACE_IDS = Object.keys(REFERENCE)
/** Each span's JSON as MLflow stored it (the spans table's content), by trace and hex span id. */
const CONTENT = new Map(dumpRows(FIXTURES.genai.dump, 'spans').map((r) => [`${r.trace_id}/${r.span_id}`, exactJson(r.content!) as MlflowSpan]))

const hex = (b64: string | null) => (b64 === null ? null : Buffer.from(b64, 'base64').toString('hex'))
const seconds = (d: string | undefined) => (d === undefined ? null : Math.round(Number(d.replace(/s$/, '')) * 1000))

/** Our answer for one trace equals MLflow's: info, tags, metadata, assessments, and every span with its parent, times, status, attributes and events. */
function expectLikeMlflow(traceId: string, got: TraceGetResponse): void {
  const ref = REFERENCE[traceId]
  const { info, data } = got.trace
  expect(info.trace_id).toBe(traceId)
  expect(info.trace_location).toEqual({ type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: ref.experiment_id } })
  expect(info.state).toBe(ref.state)
  expect(Date.parse(info.request_time)).toBe(ref.request_time)
  expect(seconds(info.execution_duration)).toBe(ref.execution_duration)
  expect(info.request_preview ?? null).toBe(ref.request_preview)
  expect(info.response_preview ?? null).toBe(ref.response_preview)
  expect(info.client_request_id ?? null).toBe(ref.client_request_id)
  expect(info.tags).toEqual(ref.tags)
  expect(info.trace_metadata).toEqual(ref.metadata)

  // MLflow reads a trace's assessments without an ORDER BY (it gives them in the table's physical order); ours are by creation time.
  const byId = (a: { assessment_id: string }, b: { assessment_id: string }) => a.assessment_id.localeCompare(b.assessment_id)
  expect(
    info.assessments
      .map((a) => ({
        assessment_id: a.assessment_id,
        name: a.assessment_name,
        kind: a.expectation ? 'Expectation' : 'Feedback',
        value: (a.expectation ?? a.feedback)?.value ?? null,
        source_type: a.source.source_type,
        source_id: a.source.source_id ?? null,
        valid: a.valid,
        overrides: a.overrides ?? null,
        rationale: a.rationale ?? null,
      }))
      .sort(byId),
  ).toEqual([...ref.assessments].sort(byId))
  const created = info.assessments.map((a) => Date.parse(a.create_time))
  expect(created).toEqual([...created].sort((a, b) => a - b))

  expect(
    data.spans.map((s) => ({
      span_id: hex(s.span_id),
      parent_id: hex(s.parent_span_id),
      name: s.name,
      span_type: JSON.parse(String(s.attributes['mlflow.spanType'])),
      status: s.status.code.replace('STATUS_CODE_', ''),
      start_time_ns: s.start_time_unix_nano,
      end_time_ns: s.end_time_unix_nano,
    })),
  ).toEqual(ref.spans.map((s) => ({ ...s, start_time_ns: String(s.start_time_ns), end_time_ns: s.end_time_ns === null ? null : String(s.end_time_ns) })))
  for (const s of data.spans) {
    const stored = CONTENT.get(`${traceId}/${hex(s.span_id)}`)!
    expect(s.attributes).toEqual(stored.attributes)
    expect(s.events).toEqual(stored.events.map((e) => ({ ...e, time_unix_nano: String(e.time_unix_nano) })))
    expect(s.status).toEqual(stored.status)
    expect(s.trace_id).toBe(stored.trace_id)
  }
}

describe('traces:get on the MLflow 3.5 GenAI fixture, against what MLflow answered', () => {
  let t: Awaited<ReturnType<typeof appOver>>
  const answers = new Map<string, TraceGetResponse>()
  beforeAll(async () => {
    t = await appOver('genai', 'trace_get')
  })
  afterAll(() => t?.app.workspace.dispose())

  it('gives every trace as MLflow does: info, tags, metadata, assessments (overrides kept and marked) and spans from the spans table', async () => {
    expect(TRACE_IDS.length).toBeGreaterThan(100)
    for (const id of TRACE_IDS) {
      const got = await t.ok('traces:get', { trace_id: id })
      expectLikeMlflow(id, got)
      expect(got.view.spans_source).toBe('store')
      expect(got.view.spans_problem).toBeNull()
      answers.set(id, got)
    }
    // The human correction of the judge: the original kept (valid false) and pointed at by the override.
    const overrides = [...answers.values()].flatMap((a) => a.trace.info.assessments.filter((x) => x.overrides).map((x) => [a, x] as const))
    expect(overrides.length).toBeGreaterThan(0)
    for (const [answer, a] of overrides) {
      const original = answer.trace.info.assessments.find((x) => x.assessment_id === a.overrides)
      expect(original?.valid).toBe(false)
      expect(answer.view.overridden_by[a.overrides!]).toBe(a.assessment_id)
    }
  })

  it("draws each trace's tree: every span once, children under parents by start time, durations, errors, tokens and a critical path from the root", () => {
    for (const [id, got] of answers) {
      const ref = REFERENCE[id]
      const rows = got.view.spans
      expect(rows.map((r) => r.span_id).sort()).toEqual(ref.spans.map((s) => s.span_id).sort())
      const at = new Map(rows.map((r, i) => [r.span_id, i]))
      for (const r of rows) {
        const s = ref.spans.find((x) => x.span_id === r.span_id)!
        expect(r.parent_span_id).toBe(s.parent_id)
        expect(r.type).toBe(s.span_type)
        expect(r.error).toBe(s.status === 'ERROR')
        expect(r.duration_ns).toBe(Number(BigInt(s.end_time_ns!) - BigInt(s.start_time_ns)))
        if (r.parent_span_id) {
          const parent = rows[at.get(r.parent_span_id)!]
          expect(at.get(r.span_id)!).toBeGreaterThan(at.get(r.parent_span_id)!)
          expect(r.depth).toBe(parent.depth + 1)
          expect(parent.children).toContain(r.span_id)
        } else expect(r.depth).toBe(0)
        const usage = got.trace.data.spans[r.index].attributes['mlflow.chat.tokenUsage']
        expect(r.tokens).toEqual(usage ? JSON.parse(String(usage)) : null)
      }
      const root = rows.find((r) => r.depth === 0)!
      expect(got.view.critical_path[0]).toBe(root.span_id)
      expect(
        rows
          .filter((r) => r.critical)
          .map((r) => r.span_id)
          .sort(),
      ).toEqual([...got.view.critical_path].sort())
    }
    // The fixture has token counts and models on its model spans.
    const all = [...answers.values()].flatMap((a) => a.view.spans)
    expect(all.some((r) => r.tokens !== null && r.model !== null)).toBe(true)
  })

  it('an unknown trace id is NOT_FOUND naming it; a malformed one is refused naming the field', async () => {
    const missing = await t.fails('traces:get', { trace_id: 'tr-00000000000000000000000000000000' })
    expect(missing.code).toBe('NOT_FOUND')
    expect(missing.message).toContain("Trace 'tr-00000000000000000000000000000000' not found")
    const bad = await t.fails('traces:get', { trace_id: "tr-1' OR 1=1" })
    expect(bad.code).toBe('BAD_REQUEST')
    expect(bad.message).toContain('trace_id')
  })

  describe('with the spans table emptied (a store written by MLflow 2.14–3.2 keeps spans only in traces.json)', () => {
    let old: Awaited<ReturnType<typeof appOver>>
    beforeAll(async () => {
      old = await appOver('genai', 'trace_get_artifact')
      await old.sql('DELETE FROM spans')
    })
    afterAll(() => old?.app.workspace.dispose())

    it("reads every trace's spans from its artifact, the same spans, tree and path as from the table", async () => {
      for (const id of TRACE_IDS) {
        const got = await old.ok('traces:get', { trace_id: id })
        expect(got.view.spans_problem).toBeNull()
        expect(got.view.spans_source).toBe('artifact')
        expect(got.view.artifact_location).toBe(REFERENCE[id].tags['mlflow.artifactLocation'])
        expectLikeMlflow(id, got)
        const fromTable = answers.get(id)!
        expect(got.view.spans).toEqual(fromTable.view.spans)
        expect(got.view.critical_path).toEqual(fromTable.view.critical_path)
      }
    })

    it('a trace whose traces.json is not there still gives its info, and says where the spans were looked for', async () => {
      const id = TRACE_IDS[0]
      await old.sql(`UPDATE trace_tags SET value = value || '-moved' WHERE request_id = $1 AND key = 'mlflow.artifactLocation'`, [id])
      const got = await old.ok('traces:get', { trace_id: id })
      expect(got.trace.info.trace_id).toBe(id)
      expect(got.trace.data.spans).toEqual([])
      expect(got.view.spans_source).toBe('none')
      expect(got.view.spans_problem).toMatch(/traces\.json/)
      expect(got.view.spans_problem).toContain('-moved')
    })
  })
})

describe('traces:get on a store older than tracing (the MLflow 1.30 fixture)', () => {
  it('says the store has no traces, without asking for tables it lacks', async () => {
    const t = await appOver('old', 'trace_get_old')
    try {
      const e = await t.fails('traces:get', { trace_id: 'tr-00000000000000000000000000000000' })
      expect(e.code).toBe('NOT_FOUND')
      expect(e.message).toMatch(/has no traces: its MLflow schema predates tracing/)
    } finally {
      await t.app.workspace.dispose()
    }
  })
})
