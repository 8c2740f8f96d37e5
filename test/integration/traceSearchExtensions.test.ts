import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { searchTraces } from '../../electron/services/traces/traceSearch'
import { traceColumns } from '../../electron/services/traces/traceColumns'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { FIXTURES, FIXTURES_DIR } from '../helpers/fixtures'

/**
 * What search_traces lacks and we answer: OR and parentheses, IN / NOT IN,
 * LIKE / ILIKE on tags and metadata, span.type and span.status, assessments,
 * token counts, free text over the previews, orderings by tokens and
 * assessments; and the rows and columns the Traces list shows. Every expected
 * answer is computed here from the fixture's `traces` section (what MLflow's
 * API returned for each trace), not from our SQL.
 */
interface Assessment {
  name: string
  kind: 'Feedback' | 'Expectation'
  value: unknown
  valid: boolean
  assessment_id: string
  source_type: string
}
interface FixtureTrace {
  experiment_id: string
  state: string
  request_time: number
  execution_duration: number | null
  request_preview: string | null
  response_preview: string | null
  tags: Record<string, string>
  metadata: Record<string, string>
  spans: Array<{ name: string; span_type: string; status: string }>
  assessments: Assessment[]
}
const REFERENCE = JSON.parse(readFileSync(resolve(FIXTURES_DIR, 'genai/mlflow-genai-seed21.search-traces.json'), 'utf8')) as {
  experiment_ids: string[]
  cases: Array<{ filter: string; order_by: string[]; max_results: number; ids: string[] }>
  traces: Record<string, FixtureTrace>
}
const TRACES = REFERENCE.traces
/** MLflow's default order, as MLflow answered the unfiltered search. */
const DEFAULT_ORDER = REFERENCE.cases.find((c) => c.filter === '' && c.order_by.length === 0 && c.max_results === 1000)!.ids

const valid = (t: FixtureTrace, name: string, kind?: Assessment['kind']) => t.assessments.find((a) => a.valid && a.name === name && (!kind || a.kind === kind))
const tokens = (t: FixtureTrace, field: string): number | null => {
  const u = t.metadata['mlflow.trace.tokenUsage']
  return u ? ((JSON.parse(u) as Record<string, number>)[field] ?? null) : null
}
const user = (t: FixtureTrace) => t.metadata['mlflow.trace.user']
const inPreviews = (t: FixtureTrace, text: string) =>
  [t.request_preview, t.response_preview].some((p) => p?.toLowerCase().includes(text.toLowerCase()) ?? false)
/** SQL LIKE, for the expected side. */
const like = (value: string | undefined, pattern: string, flags = '') =>
  value !== undefined &&
  new RegExp(
    `^${pattern
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/%/g, '.*')
      .replace(/_/g, '.')}$`,
    `s${flags}`,
  ).test(value)

const CASES: Array<[string, (t: FixtureTrace) => boolean]> = [
  // OR and parentheses
  [
    "(trace.status = 'ERROR' OR tags.env = 'staging') AND trace.name = 'sql_agent'",
    (t) => (t.state === 'ERROR' || t.tags.env === 'staging') && t.tags['mlflow.traceName'] === 'sql_agent',
  ],
  ["tags.reviewed = 'true' OR metadata.`mlflow.trace.user` = 'alice@example.com'", (t) => t.tags.reviewed === 'true' || user(t) === 'alice@example.com'],
  // IN / NOT IN on string keys
  ["tags.`app.version` IN ('1.4.0', '1.5.0')", (t) => ['1.4.0', '1.5.0'].includes(t.tags['app.version'])],
  ["trace.status NOT IN ('OK')", (t) => t.state !== 'OK'],
  ["metadata.`mlflow.trace.user` IN ('alice@example.com', 'bob@example.com')", (t) => ['alice@example.com', 'bob@example.com'].includes(user(t))],
  ["trace.request_id IN ('" + DEFAULT_ORDER[3] + "', '" + DEFAULT_ORDER[9] + "')", (t) => t === TRACES[DEFAULT_ORDER[3]] || t === TRACES[DEFAULT_ORDER[9]]],
  // LIKE / ILIKE on tags and metadata
  ["tags.`app.version` LIKE '1.4%'", (t) => like(t.tags['app.version'], '1.4%')],
  ["metadata.`mlflow.trace.user` ILIKE 'ALICE%'", (t) => like(user(t), 'ALICE%', 'i')],
  ["metadata.`mlflow.trace.session` LIKE 'sess-%'", (t) => like(t.metadata['mlflow.trace.session'], 'sess-%')],
  // spans: any span matching
  ["span.type = 'RETRIEVER'", (t) => t.spans.some((s) => s.span_type === 'RETRIEVER')],
  ["span.status = 'ERROR'", (t) => t.spans.some((s) => s.status === 'ERROR')],
  ["span.type = 'TOOL' AND span.status = 'ERROR'", (t) => t.spans.some((s) => s.span_type === 'TOOL') && t.spans.some((s) => s.status === 'ERROR')],
  [
    "span.type IN ('PARSER', 'CHAIN') AND span.name ILIKE 'PLAN%'",
    (t) => t.spans.some((s) => ['PARSER', 'CHAIN'].includes(s.span_type)) && t.spans.some((s) => like(s.name, 'PLAN%', 'i')),
  ],
  // assessments: the latest valid one per name
  ['feedback.user_thumbs_up = false', (t) => valid(t, 'user_thumbs_up', 'Feedback')?.value === false],
  ['feedback.user_thumbs_up != true', (t) => valid(t, 'user_thumbs_up', 'Feedback') !== undefined && valid(t, 'user_thumbs_up', 'Feedback')?.value !== true],
  ['feedback.groundedness >= 0.5', (t) => (valid(t, 'groundedness', 'Feedback')?.value as number) >= 0.5],
  ['assessment.groundedness < 0.2', (t) => (valid(t, 'groundedness')?.value as number) < 0.2],
  ["feedback.correctness = 'yes'", (t) => valid(t, 'correctness')?.value === 'yes'],
  ["expectation.expected_response ILIKE '%invoice%'", (t) => like(valid(t, 'expected_response', 'Expectation')?.value as string, '%invoice%', 'i')],
  // token counts from mlflow.trace.tokenUsage
  ['trace.tokens.total > 100', (t) => (tokens(t, 'total_tokens') ?? -1) > 100],
  [
    'trace.tokens.total >= 99.5 AND trace.execution_time_ms < 2.215e2',
    (t) => (tokens(t, 'total_tokens') ?? -1) >= 99.5 && (t.execution_duration ?? Infinity) < 221.5,
  ],
  ['trace.tokens.input <= 30 AND trace.tokens.output > 20', (t) => (tokens(t, 'input_tokens') ?? Infinity) <= 30 && (tokens(t, 'output_tokens') ?? -1) > 20],
  // free text over the previews, case-insensitive
  ["'invoice'", (t) => inPreviews(t, 'invoice')],
  ["'E1043' AND trace.status = 'OK'", (t) => inPreviews(t, 'E1043') && t.state === 'OK'],
]

/** Filters whose answer is empty on purpose. */
const EMPTY: Array<[string, string]> = [
  ["feedback.correctness = 'no'", 'the judge said no, but a human overrode it: that assessment is no longer valid'],
  ['expectation.groundedness > 0', 'groundedness is feedback, not an expectation'],
  ["'100%'", 'the % is a character to find, not a wildcard'],
]

describe("our extensions of search_traces, against the fixture's traces", () => {
  let store: StoreHandle
  beforeAll(async () => {
    store = await openStore(targetFor(await createDatabase('trace_extensions', FIXTURES.genai.template)))
  })
  afterAll(async () => {
    await store?.close()
  })

  async function ids(filter: string, orderBy: string[] = [], pageSize = 5): Promise<string[]> {
    const out: string[] = []
    let token: string | null = null
    do {
      const page: Awaited<ReturnType<typeof searchTraces>> = await searchTraces(store, {
        experiment_ids: REFERENCE.experiment_ids,
        filter,
        order_by: orderBy,
        max_results: pageSize,
        page_token: token,
      })
      out.push(...page.traces.map((t) => t.trace_id))
      token = page.next_page_token
    } while (token)
    return out
  }

  it.each(CASES)('%s', async (filter, matches) => {
    const expected = DEFAULT_ORDER.filter((id) => matches(TRACES[id]))
    expect(expected.length, 'the case selects some traces').toBeGreaterThan(0)
    expect(expected.length, 'and not all of them').toBeLessThan(DEFAULT_ORDER.length)
    expect(await ids(filter)).toEqual(expected)
  })

  it.each(EMPTY)('%s matches nothing: %s', async (filter) => {
    expect(await ids(filter)).toEqual([])
  })

  /** Sort the default order stably by a key, traces without one last either way (then MLflow's tie-breakers). */
  const sortedBy = (key: (t: FixtureTrace) => number | null, ascending: boolean) =>
    [...DEFAULT_ORDER].sort((a, b) => {
      const x = key(TRACES[a])
      const y = key(TRACES[b])
      if (x === null || y === null) return (x === null ? 1 : 0) - (y === null ? 1 : 0)
      return ascending ? x - y : y - x
    })

  it('orders by token counts, pages of 5 and of 1,000 alike', async () => {
    const expected = sortedBy((t) => tokens(t, 'total_tokens'), false)
    expect(await ids('', ['trace.tokens.total DESC'])).toEqual(expected)
    expect(await ids('', ['trace.tokens.total DESC'], 1000)).toEqual(expected)
    expect(await ids('', ['tokens.input ASC'])).toEqual(sortedBy((t) => tokens(t, 'input_tokens'), true))
  })

  it('orders by an assessment: numbers, then traces without one', async () => {
    const g = (t: FixtureTrace) => (valid(t, 'groundedness')?.value as number | undefined) ?? null
    expect(await ids('', ['feedback.groundedness DESC'])).toEqual(sortedBy(g, false))
    expect(await ids("tags.env = 'prod'", ['assessment.groundedness'])).toEqual(sortedBy(g, true).filter((id) => TRACES[id].tags.env === 'prod'))
    // Booleans sort as false < true.
    const thumbs = (t: FixtureTrace) => {
      const v = valid(t, 'user_thumbs_up')?.value
      return v === undefined ? null : v ? 1 : 0
    }
    expect(await ids('', ['feedback.user_thumbs_up DESC'])).toEqual(sortedBy(thumbs, false))
  })

  it("rows carry what the list shows, equal to MLflow's trace info", async () => {
    const page = await searchTraces(store, { experiment_ids: REFERENCE.experiment_ids, max_results: 1000 })
    expect(page.traces).toHaveLength(DEFAULT_ORDER.length)
    for (const row of page.traces) {
      const t = TRACES[row.trace_id]
      const { ['mlflow.traceInputs']: _in, ['mlflow.traceOutputs']: _out, ...metadata } = t.metadata
      expect(row).toMatchObject({
        experiment_id: t.experiment_id,
        state: t.state,
        request_time: t.request_time,
        execution_duration: t.execution_duration,
        request_preview: t.request_preview,
        response_preview: t.response_preview,
        name: t.tags['mlflow.traceName'] ?? null,
        session: t.metadata['mlflow.trace.session'] ?? null,
        user: t.metadata['mlflow.trace.user'] ?? null,
        source_run_id: t.metadata['mlflow.sourceRun'] ?? null,
        logged_model_id: t.metadata['mlflow.modelId'] ?? null,
        token_usage: { input_tokens: tokens(t, 'input_tokens'), output_tokens: tokens(t, 'output_tokens'), total_tokens: tokens(t, 'total_tokens') },
      })
      expect(row.tags).toEqual(t.tags)
      expect(row.trace_metadata).toEqual(metadata)
      const expected = Object.fromEntries(
        t.assessments
          .filter((a) => a.valid)
          .map((a) => [a.name, { assessment_id: a.assessment_id, kind: a.kind.toLowerCase(), value: a.value, source_type: a.source_type }]),
      )
      expect(row.assessments).toMatchObject(expected)
      expect(Object.keys(row.assessments).sort()).toEqual(Object.keys(expected).sort())
    }
  })

  it('traces:columns counts tag keys, metadata keys and assessment names per experiment selection', async () => {
    for (const experimentIds of [REFERENCE.experiment_ids, [REFERENCE.experiment_ids[1]]]) {
      const traces = Object.values(TRACES).filter((t) => experimentIds.includes(t.experiment_id))
      const count = (keys: (t: FixtureTrace) => string[]) => {
        const n = new Map<string, number>()
        for (const t of traces) for (const k of keys(t)) n.set(k, (n.get(k) ?? 0) + 1)
        return [...n].map(([key, c]) => ({ key, count: c })).sort((a, b) => a.key.localeCompare(b.key))
      }
      const columns = await traceColumns(store, experimentIds)
      expect(columns.trace_count).toBe(traces.length)
      expect(columns.tags).toEqual(count((t) => Object.keys(t.tags)))
      expect(columns.metadata).toEqual(count((t) => Object.keys(t.metadata).filter((k) => k !== 'mlflow.traceInputs' && k !== 'mlflow.traceOutputs')))
      expect(columns.assessments.map(({ key, count: c }) => ({ key, count: c }))).toEqual(
        count((t) => [...new Set(t.assessments.filter((a) => a.valid).map((a) => a.name))]),
      )
      for (const a of columns.assessments) expect(a.kind).toBe(a.key === 'expected_response' ? 'expectation' : 'feedback')
      expect(columns).toMatchObject({ traces_read: traces.length, sampled: false })
    }
  })

  it('traces:columns reads the keys of the newest traces only, across the experiments, and says so', async () => {
    const newest = Object.entries(TRACES)
      .filter(([, t]) => REFERENCE.experiment_ids.includes(t.experiment_id))
      .sort(([ia, a], [ib, b]) => b.request_time - a.request_time || (ib < ia ? -1 : 1))
      .slice(0, 10)
      .map(([, t]) => t)
    const columns = await traceColumns(store, REFERENCE.experiment_ids, 10)
    expect(columns).toMatchObject({ trace_count: Object.keys(TRACES).length, traces_read: 10, sampled: true })
    const tagCounts = new Map<string, number>()
    for (const t of newest) for (const k of Object.keys(t.tags)) tagCounts.set(k, (tagCounts.get(k) ?? 0) + 1)
    expect(columns.tags).toEqual([...tagCounts].map(([key, count]) => ({ key, count })).sort((a, b) => a.key.localeCompare(b.key)))
  })

  it('an experiment id past int4 names no experiment; a store from before tracing is refused plainly', async () => {
    expect((await searchTraces(store, { experiment_ids: ['9999999999'], max_results: 5 })).traces).toEqual([])
    expect((await searchTraces(store, { experiment_ids: ['9999999999', REFERENCE.experiment_ids[0]], max_results: 1000 })).traces.length).toBeGreaterThan(0)
    const old = await openStore(targetFor(await createDatabase('trace_old_store', FIXTURES.old.template)))
    try {
      await expect(searchTraces(old, { experiment_ids: ['0'], max_results: 5 })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringContaining('keeps no traces'),
      })
      await expect(traceColumns(old, ['0'])).rejects.toMatchObject({ code: 'NOT_FOUND' })
    } finally {
      await old.close()
    }
  })

  it('reads token counts however the usage JSON is spaced or indented, and a usage that is not JSON counts as none, never an error', async () => {
    const db = await createDatabase('trace_token_text', FIXTURES.genai.template)
    const [spaced, broken, indented] = DEFAULT_ORDER.filter((id) => TRACES[id].metadata['mlflow.trace.tokenUsage'])
    const admin = adminClient(db)
    await admin.connect()
    const setUsage = (id: string, v: string) =>
      admin.query(`UPDATE trace_request_metadata SET value = $2 WHERE request_id = $1 AND key = 'mlflow.trace.tokenUsage'`, [id, v])
    await setUsage(spaced, '{"input_tokens_details": 1, "input_tokens" :  7001 ,"total_tokens":7003}')
    await setUsage(broken, 'total_tokens: "lots", "output_tokens": x')
    await setUsage(indented, '{\n  "input_tokens": 12,\n  "output_tokens":\n\t34,\n  "total_tokens": "46"\n}')
    await admin.end()
    const store = await openStore(targetFor(db))
    try {
      const found = async (filter: string) =>
        (await searchTraces(store, { experiment_ids: REFERENCE.experiment_ids, filter, max_results: 1000 })).traces.map((t) => t.trace_id)
      expect(await found('trace.tokens.input = 7001 AND trace.tokens.total = 7003')).toEqual([spaced])
      expect(await found('trace.tokens.output > 0')).not.toContain(spaced)
      expect(await found('trace.tokens.total >= 0')).not.toContain(broken)
      // A count on the next line is read; one written as a JSON string is not a count.
      expect(await found('trace.tokens.input = 12 AND trace.tokens.output = 34')).toEqual([indented])
      expect(await found('trace.tokens.total >= 0')).not.toContain(indented)
      const top = await searchTraces(store, { experiment_ids: REFERENCE.experiment_ids, max_results: 1, order_by: ['trace.tokens.total DESC'] })
      expect(top.traces[0].trace_id).toBe(spaced)
    } finally {
      await store.close()
    }
  })

  it('a store of MLflow 2.13–3.1 (no spans table, no assessments, no preview columns) searches what it has and refuses the rest plainly', async () => {
    const db = await createDatabase('trace_no_spans', FIXTURES.genai.template)
    const admin = adminClient(db)
    await admin.connect()
    await admin.query('DROP TABLE assessments; DROP TABLE spans')
    await admin.query('ALTER TABLE trace_info DROP COLUMN request_preview, DROP COLUMN response_preview, DROP COLUMN client_request_id')
    await admin.end()
    const older = await openStore(targetFor(db))
    try {
      const all = await searchTraces(older, { experiment_ids: REFERENCE.experiment_ids, max_results: 1000, order_by: ['trace.tokens.total DESC'] })
      expect(all.traces.map((t) => t.trace_id)).toEqual(await ids('', ['trace.tokens.total DESC']))
      expect(all.traces.every((t) => Object.keys(t.assessments).length === 0)).toBe(true)
      // The previews are what MLflow kept before the columns: request metadata mlflow.traceInputs / traceOutputs.
      for (const t of all.traces) {
        expect(t.request_preview, t.trace_id).toBe(TRACES[t.trace_id].metadata['mlflow.traceInputs'] ?? null)
        expect(t.response_preview, t.trace_id).toBe(TRACES[t.trace_id].metadata['mlflow.traceOutputs'] ?? null)
      }
      const inInputs = (t: FixtureTrace, text: string) =>
        [t.metadata['mlflow.traceInputs'], t.metadata['mlflow.traceOutputs']].some((p) => p?.toLowerCase().includes(text) ?? false)
      const found = await searchTraces(older, { experiment_ids: REFERENCE.experiment_ids, max_results: 1000, filter: "'E1043'" })
      const expectedIds = Object.keys(TRACES).filter((id) => inInputs(TRACES[id], 'e1043'))
      expect(expectedIds.length).toBeGreaterThan(0)
      expect(new Set(found.traces.map((t) => t.trace_id))).toEqual(new Set(expectedIds))
      await expect(searchTraces(older, { experiment_ids: ['1'], max_results: 5, filter: "tags.env = 'prod' AND span.type = 'TOOL'" })).rejects.toMatchObject({
        code: 'INVALID_FILTER',
        message: expect.stringContaining('keeps no spans'),
        details: { position: 22 },
      })
      await expect(searchTraces(older, { experiment_ids: ['1'], max_results: 5, filter: 'feedback.x = true' })).rejects.toMatchObject({
        code: 'INVALID_FILTER',
        message: expect.stringContaining('no assessments'),
      })
      const columns = await traceColumns(older, REFERENCE.experiment_ids)
      expect(columns.assessments).toEqual([])
      expect(columns.tags.length).toBeGreaterThan(0)
    } finally {
      await older.close()
    }
  })

  it("a page token of another search is refused; MLflow's offset tokens are read", async () => {
    const first = await searchTraces(store, { experiment_ids: REFERENCE.experiment_ids, max_results: 5, filter: "tags.env = 'prod'" })
    await expect(searchTraces(store, { experiment_ids: REFERENCE.experiment_ids, max_results: 5, page_token: first.next_page_token })).rejects.toMatchObject({
      code: 'INVALID_PAGE_TOKEN',
    })
    const offset = Buffer.from(JSON.stringify({ offset: 10 })).toString('base64')
    const page = await searchTraces(store, { experiment_ids: REFERENCE.experiment_ids, max_results: 5, page_token: offset })
    expect(page.traces.map((t) => t.trace_id)).toEqual(DEFAULT_ORDER.slice(10, 15))
  })
})
