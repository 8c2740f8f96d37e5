import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BUCKET_MS,
  allOf,
  errorFilter,
  feedbackFilter,
  sessionFilter,
  spanNameFilter,
  timeFilter,
  traceNameFilter,
  type TraceOverviewResponse,
} from '@shared/domain/traceInsights'
import { openStore } from '../../electron/services/connections/storeConnection'
import { traceOverview } from '../../electron/services/traces/traceOverview'
import { appOver } from '../helpers/appOverFixture'
import { targetFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES } from '../helpers/fixtures'
import { genaiReference } from '../helpers/genaiReference'

/**
 * traces:sessions, traces:session and traces:overview on the GenAI fixture.
 * Every expected value is computed here from what real MLflow's API returned
 * for each trace (the fixture's search-traces.json) and from the spans rows of
 * the dump, never from our SQL; every click-through filter is run through
 * traces:search and must return the traces the row or chart counted.
 */
const REF = genaiReference()
const ALL = Object.entries(REF).map(([id, t]) => ({ id, ...t }))
type Ref = (typeof ALL)[number]

const sessionOf = (t: Ref) => t.metadata['mlflow.trace.session'] ?? t.tags['mlflow.trace.session']
const userOf = (t: Ref) => t.metadata['mlflow.trace.user'] ?? t.tags['mlflow.trace.user']
const usage = (t: Ref, field: string): number | null => {
  const u = t.metadata['mlflow.trace.tokenUsage']
  return u ? ((JSON.parse(u) as Record<string, number>)[field] ?? null) : null
}
/** Valid boolean / yes-no feedback of a trace (the fixture has one valid feedback per name and trace). */
const verdicts = (t: Ref) =>
  t.assessments
    .filter((a) => a.valid && a.kind === 'Feedback' && [true, false, 'yes', 'no'].includes(a.value as string))
    .map((a) => ({ name: a.name, pass: a.value === true || a.value === 'yes' }))
const sum = (xs: Array<number | null>) => xs.reduce<number>((s, x) => s + (x ?? 0), 0)
/** PostgreSQL's percentile_cont: linear interpolation between the sorted values. */
function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null
  const v = [...values].sort((a, b) => a - b)
  const at = p * (v.length - 1)
  const lo = Math.floor(at)
  return lo + 1 < v.length ? v[lo] + (v[lo + 1] - v[lo]) * (at - lo) : v[lo]
}

let t: Awaited<ReturnType<typeof appOver>>
beforeAll(async () => {
  t = await appOver('genai', 'trace_insights')
}, 120_000)
afterAll(async () => {
  await t?.app.workspace.dispose()
})

/** The ids traces:search returns for a filter over these experiments. */
async function searched(experimentIds: string[], filter: string): Promise<string[]> {
  const r = await t.ok('traces:search', { experiment_ids: experimentIds, filter, max_results: 1000 })
  return r.traces.map((x) => x.trace_id).sort()
}
const idsOf = (xs: Ref[]) => xs.map((x) => x.id).sort()

describe('traces:sessions', () => {
  const expected = (experimentIds: string[]) => {
    const by = new Map<string, Ref[]>()
    for (const x of ALL) {
      const s = sessionOf(x)
      if (s && experimentIds.includes(x.experiment_id)) by.set(s, [...(by.get(s) ?? []), x])
    }
    return [...by].map(([id, xs]) => ({
      session_id: id,
      users: [...new Set(xs.map(userOf).filter(Boolean))].sort(),
      first_request_ms: Math.min(...xs.map((x) => x.request_time)),
      last_request_ms: Math.max(...xs.map((x) => x.request_time)),
      duration_ms: Math.max(...xs.map((x) => x.request_time + (x.execution_duration ?? 0))) - Math.min(...xs.map((x) => x.request_time)),
      turns: xs.length,
      tokens: xs.some((x) => usage(x, 'total_tokens') !== null) ? sum(xs.map((x) => usage(x, 'total_tokens'))) : null,
      errors: xs.filter((x) => x.state === 'ERROR').length,
      feedback: {
        positive: xs.flatMap(verdicts).filter((v) => v.pass).length,
        negative: xs.flatMap(verdicts).filter((v) => !v.pass).length,
      },
      traces: xs,
    }))
  }
  const strip = ({ traces: _, ...row }: ReturnType<typeof expected>[number]) => row

  it('groups the traces by session, newest activity first, with users, times, turns, tokens, errors and feedback', async () => {
    const want = expected(['1', '2']).sort((a, b) => b.last_request_ms - a.last_request_ms || a.session_id.localeCompare(b.session_id))
    const got = await t.ok('traces:sessions', { experiment_ids: ['1', '2'] })
    expect(want.length).toBeGreaterThan(5)
    expect(got.total).toBe(want.length)
    expect(got.sessions).toEqual(want.map(strip))
    expect(got.users).toEqual([...new Set(want.flatMap((s) => s.users))].sort())
    // Feedback and errors are really there to count.
    expect(sum(got.sessions.map((s) => s.feedback.positive + s.feedback.negative))).toBeGreaterThan(0)
    expect(sum(got.sessions.map((s) => s.errors))).toBeGreaterThan(0)
  })

  it('orders by turns, tokens, duration and errors either way, and pages', async () => {
    const want = expected(['1'])
    for (const key of ['turns', 'tokens', 'duration', 'errors'] as const) {
      const field = key === 'duration' ? 'duration_ms' : key
      for (const ascending of [true, false]) {
        const sorted = [...want].sort((a, b) => (ascending ? 1 : -1) * ((a[field] ?? 0) - (b[field] ?? 0)) || a.session_id.localeCompare(b.session_id))
        const page = await t.ok('traces:sessions', { experiment_ids: ['1'], order_by: key, ascending, max_results: 4, offset: 2 })
        expect(
          page.sessions.map((s) => s.session_id),
          `${key} ${ascending ? 'asc' : 'desc'}`,
        ).toEqual(sorted.slice(2, 6).map((s) => s.session_id))
        expect(page.total).toBe(want.length)
      }
    }
  })

  it('keeps the sessions a user took part in; each row links to exactly its traces', async () => {
    const all = expected(['1'])
    const user = 'bob@example.com'
    const got = await t.ok('traces:sessions', { experiment_ids: ['1'], user, max_results: 1000 })
    const want = all.filter((s) => s.users.includes(user))
    expect(want.length).toBeGreaterThan(0)
    expect(want.length).toBeLessThan(all.length)
    expect(got.sessions.map((s) => s.session_id).sort()).toEqual(want.map((s) => s.session_id).sort())
    for (const s of all) expect(await searched(['1'], sessionFilter(s.session_id)), s.session_id).toEqual(idsOf(s.traces))
  })

  it('reads session and user from trace tags where MLflow 2.x kept them, and the session link still finds the traces', async () => {
    const tagged = await appOver('genai', 'trace_insights_tags')
    try {
      // The store as MLflow 2.x would have written it: session and user as trace tags, not request metadata.
      await tagged.sql(`INSERT INTO trace_tags (key, value, request_id)
        SELECT key, value, request_id FROM trace_request_metadata WHERE key IN ('mlflow.trace.session', 'mlflow.trace.user')`)
      await tagged.sql(`DELETE FROM trace_request_metadata WHERE key IN ('mlflow.trace.session', 'mlflow.trace.user')`)
      const want = (await t.ok('traces:sessions', { experiment_ids: ['1', '2'], max_results: 1000 })).sessions
      const got = await tagged.ok('traces:sessions', { experiment_ids: ['1', '2'], max_results: 1000 })
      expect(got.sessions).toEqual(want)
      const one = want[1]
      const found = await tagged.ok('traces:search', { experiment_ids: ['1', '2'], filter: sessionFilter(one.session_id), max_results: 1000 })
      expect(found.traces).toHaveLength(one.turns)
      expect((await tagged.ok('traces:session', { experiment_ids: ['1'], session_id: one.session_id })).turns.map((x) => x.user)).toEqual(
        (await t.ok('traces:session', { experiment_ids: ['1'], session_id: one.session_id })).turns.map((x) => x.user),
      )
    } finally {
      await tagged.app.workspace.dispose()
    }
  })

  it('traces:session gives the turns in request order with previews, state, tokens and latest assessments', async () => {
    for (const s of expected(['1'])) {
      const got = await t.ok('traces:session', { experiment_ids: ['1'], session_id: s.session_id })
      const turns = [...s.traces].sort((a, b) => a.request_time - b.request_time || a.id.localeCompare(b.id))
      expect(got.turns.map((x) => x.trace_id)).toEqual(turns.map((x) => x.id))
      got.turns.forEach((turn, i) => {
        const ref = turns[i]
        expect(turn).toMatchObject({
          request_time: ref.request_time,
          execution_duration: ref.execution_duration,
          state: ref.state,
          user: userOf(ref) ?? null,
          request_preview: ref.request_preview,
          response_preview: ref.response_preview,
          tokens: usage(ref, 'total_tokens'),
        })
        const valid = ref.assessments.filter((a) => a.valid)
        expect(turn.assessments.map((a) => [a.name, a.value]).sort()).toEqual(valid.map((a) => [a.name, a.value]).sort())
      })
    }
    const missing = await t.fails('traces:session', { experiment_ids: ['1'], session_id: 'no-such-session' })
    expect(missing.code).toBe('NOT_FOUND')
    expect(missing.message).toContain('no-such-session')
  })
})

describe('traces:overview', () => {
  const spansRows = dumpRows(FIXTURES.genai.dump, 'spans')

  function expectTotals(got: TraceOverviewResponse, xs: Ref[]) {
    const durations = xs.map((x) => x.execution_duration).filter((d): d is number => d !== null)
    expect(got.totals).toEqual({
      traces: xs.length,
      errors: xs.filter((x) => x.state === 'ERROR').length,
      first_ms: Math.min(...xs.map((x) => x.request_time)),
      last_ms: Math.max(...xs.map((x) => x.request_time)),
      p50_ms: percentile(durations, 0.5),
      p90_ms: percentile(durations, 0.9),
      p99_ms: percentile(durations, 0.99),
      input_tokens: sum(xs.map((x) => usage(x, 'input_tokens'))),
      output_tokens: sum(xs.map((x) => usage(x, 'output_tokens'))),
      total_tokens: sum(xs.map((x) => usage(x, 'total_tokens'))),
    })
  }

  it('counts volume, errors, latency and tokens per bucket (chosen from the range), each bucket clicking through to its traces', async () => {
    const xs = ALL.filter((x) => x.experiment_id === '1')
    const got = await t.ok('traces:overview', { experiment_ids: ['1'] })
    // The fixture's traces span seconds: minutes.
    expect(got.bucket).toBe('minute')
    expectTotals(got, xs)
    const width = BUCKET_MS.minute
    const starts = [...new Set(xs.map((x) => Math.floor(x.request_time / width) * width))].sort((a, b) => a - b)
    expect(got.buckets.map((b) => b.start_ms)).toEqual(starts)
    for (const b of got.buckets) {
      const inside = xs.filter((x) => x.request_time >= b.start_ms && x.request_time < b.start_ms + width)
      expect(b.traces).toBe(inside.length)
      expect(b.errors).toBe(inside.filter((x) => x.state === 'ERROR').length)
      expect(b.total_tokens).toBe(sum(inside.map((x) => usage(x, 'total_tokens'))))
      expect(b.p90_ms).toBeCloseTo(
        percentile(
          inside.map((x) => x.execution_duration!),
          0.9,
        )!,
        6,
      )
      expect(await searched(['1'], timeFilter(b.start_ms, b.start_ms + width))).toEqual(idsOf(inside))
      expect(await searched(['1'], allOf(timeFilter(b.start_ms, b.start_ms + width), errorFilter()))).toEqual(idsOf(inside.filter((x) => x.state === 'ERROR')))
    }
  })

  it('gives a range and bucket asked for: only the traces inside, in hours', async () => {
    const sorted = ALL.map((x) => x.request_time).sort((a, b) => a - b)
    const start = sorted[20]
    const end = sorted[100]
    const xs = ALL.filter((x) => x.request_time >= start && x.request_time < end)
    const got = await t.ok('traces:overview', { experiment_ids: ['1', '2'], start_ms: start, end_ms: end, bucket: 'hour' })
    expect(got.bucket).toBe('hour')
    expectTotals(got, xs)
    expect(sum(got.buckets.map((b) => b.traces))).toBe(xs.length)
    expect(got.buckets.every((b) => b.start_ms % BUCKET_MS.hour === 0)).toBe(true)
    const bad = await t.fails('traces:overview', { experiment_ids: ['1'], start_ms: end, end_ms: start })
    expect(bad.code).toBe('BAD_REQUEST')
    expect(bad.message).toContain('end_ms')
  })

  it('breaks tokens down by trace name and by model, and lists the slowest span names, each clicking through', async () => {
    const ids = ['1', '2']
    const got = await t.ok('traces:overview', { experiment_ids: ids })
    expectTotals(got, ALL)
    const names = [...new Set(ALL.map((x) => x.tags['mlflow.traceName']))]
    expect(got.by_name.map((r) => r.name).sort()).toEqual(names.sort())
    for (const r of got.by_name) {
      const xs = ALL.filter((x) => x.tags['mlflow.traceName'] === r.name)
      expect(r).toEqual({
        name: r.name,
        traces: xs.length,
        input_tokens: sum(xs.map((x) => usage(x, 'input_tokens'))),
        output_tokens: sum(xs.map((x) => usage(x, 'output_tokens'))),
        total_tokens: sum(xs.map((x) => usage(x, 'total_tokens'))),
      })
      expect(await searched(ids, traceNameFilter(r.name))).toEqual(idsOf(xs))
    }
    // Models: the model attribute of the LLM / chat-model spans, from the dump's span JSON.
    const calls = spansRows
      .filter((s) => s.type === 'LLM' || s.type === 'CHAT_MODEL')
      .map((s) => {
        const attrs = (JSON.parse(s.content!) as { attributes: Record<string, string> }).attributes
        const model = attrs.model ? (JSON.parse(attrs.model) as string) : null
        const u = attrs['mlflow.chat.tokenUsage'] ? (JSON.parse(attrs['mlflow.chat.tokenUsage']) as Record<string, number>) : {}
        return { trace: s.trace_id!, model, u }
      })
      .filter((c) => c.model)
    const models = [...new Set(calls.map((c) => c.model!))]
    expect(models.length).toBeGreaterThan(1)
    expect(got.models_problem).toBeNull()
    expect([...got.by_model!].sort((a, b) => a.model.localeCompare(b.model))).toEqual(
      models.sort().map((m) => {
        const cs = calls.filter((c) => c.model === m)
        return {
          model: m,
          spans: cs.length,
          traces: new Set(cs.map((c) => c.trace)).size,
          input_tokens: sum(cs.map((c) => c.u.input_tokens ?? null)),
          output_tokens: sum(cs.map((c) => c.u.output_tokens ?? null)),
          total_tokens: sum(cs.map((c) => c.u.total_tokens ?? null)),
        }
      }),
    )
    // Slowest span names: p90 of their durations, slowest first (names as the spans table keeps them: MLflow's
    // API numbers repeated names, run_sql_1, …).
    const spanNames = [...new Set(spansRows.map((s) => s.name!))]
    const durationMs = (s: (typeof spansRows)[number]) => Number(BigInt(s.end_time_unix_nano!) - BigInt(s.start_time_unix_nano!)) / 1e6
    const want = spanNames
      .map((name) => {
        const d = spansRows.filter((s) => s.name === name && s.end_time_unix_nano !== null).map(durationMs)
        return { name, count: d.length, p50_ms: percentile(d, 0.5)!, p90_ms: percentile(d, 0.9)! }
      })
      .sort((a, b) => b.p90_ms - a.p90_ms || a.name.localeCompare(b.name))
      .slice(0, 15)
    expect(got.slowest_spans!.map((s) => s.name)).toEqual(want.map((s) => s.name))
    got.slowest_spans!.forEach((s, i) => {
      expect(s.count).toBe(want[i].count)
      expect(s.p50_ms).toBeCloseTo(want[i].p50_ms, 3)
      expect(s.p90_ms).toBeCloseTo(want[i].p90_ms, 3)
    })
    for (const s of got.slowest_spans!.slice(0, 4)) {
      expect(await searched(ids, spanNameFilter(s.name))).toEqual([...new Set(spansRows.filter((r) => r.name === s.name).map((r) => r.trace_id!))].sort())
    }
  })

  it('reads the span cards over the newest traces only when asked to bound them, and says so', async () => {
    const whole = await t.ok('traces:overview', { experiment_ids: ['1', '2'] })
    expect(whole.spans_problem).toBeNull()
    const newest = [...ALL].sort((a, b) => b.request_time - a.request_time || (a.id < b.id ? 1 : -1)).slice(0, 5)
    const ids = new Set(newest.map((x) => x.id))
    const store = await openStore(targetFor(t.db))
    try {
      const got = await traceOverview(store, { experiment_ids: ['1', '2'] }, { modelCalls: 7, spanTraces: 5 })
      expect(got.totals.traces).toBe(ALL.length)
      expect(got.spans_problem).toContain('newest 5 traces')
      const counts = new Map<string, number>()
      for (const r of spansRows.filter((r) => ids.has(r.trace_id!) && r.end_time_unix_nano !== null)) counts.set(r.name!, (counts.get(r.name!) ?? 0) + 1)
      expect(new Map(got.slowest_spans!.map((s) => [s.name, s.count]))).toEqual(
        new Map([...counts].filter(([name]) => got.slowest_spans!.some((s) => s.name === name))),
      )
      expect(got.slowest_spans!.length).toBe(Math.min(15, counts.size))
      // Model calls: at most 7, all from the newest traces.
      const calls = spansRows.filter((r) => r.type === 'LLM' || r.type === 'CHAT_MODEL')
      const newestCalls = [...ALL]
        .sort((a, b) => b.request_time - a.request_time || (a.id < b.id ? 1 : -1))
        .flatMap((x) => calls.filter((c) => c.trace_id === x.id))
        .slice(0, 7)
      expect(sum(got.by_model!.map((m) => m.spans))).toBe(newestCalls.length)
      expect(sum(got.by_model!.map((m) => m.traces))).toBeLessThanOrEqual(new Set(newestCalls.map((c) => c.trace_id)).size)
      expect(got.models_problem).toContain('newest 7 model calls')
    } finally {
      await store.close()
    }
  })

  it('gives pass rates of boolean and yes-no feedback per bucket, each clicking through to the traces that passed or failed', async () => {
    const got = await t.ok('traces:overview', { experiment_ids: ['1', '2'] })
    const names = [...new Set(ALL.flatMap(verdicts).map((v) => v.name))].sort()
    expect(got.assessments!.map((a) => a.name)).toEqual(names)
    for (const a of got.assessments!) {
      const with_ = (pass: boolean) => ALL.filter((x) => verdicts(x).some((v) => v.name === a.name && v.pass === pass))
      expect([a.pass, a.fail]).toEqual([with_(true).length, with_(false).length])
      expect(sum(a.buckets.map((b) => b.pass))).toBe(a.pass)
      expect(await searched(['1', '2'], feedbackFilter(a.name, true))).toEqual(idsOf(with_(true)))
      expect(await searched(['1', '2'], feedbackFilter(a.name, false))).toEqual(idsOf(with_(false)))
    }
  })

  it('an experiment without traces answers zeros; a store older than tracing says it has no traces', async () => {
    const empty = await t.ok('traces:overview', { experiment_ids: ['0'] })
    expect(empty.totals.traces).toBe(0)
    expect(empty.buckets).toEqual([])
    expect((await t.ok('traces:sessions', { experiment_ids: ['0'] })).sessions).toEqual([])
    const old = await appOver('old', 'trace_insights_old')
    try {
      for (const channel of ['traces:overview', 'traces:sessions'] as const) {
        const e = await old.fails(channel, { experiment_ids: ['0'] })
        expect(e.code).toBe('NOT_FOUND')
        expect(e.message).toMatch(/no traces/)
      }
    } finally {
      await old.app.workspace.dispose()
    }
  })
})
