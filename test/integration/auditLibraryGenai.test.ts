import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { LibraryQuery, QueryCell } from '@shared/domain/query'
import { appOver } from '../helpers/appOverFixture'
import { genaiReference, type RefSpan, type RefTrace } from '../helpers/genaiReference'

/** Real MLflow's view of every trace of the GenAI fixture (its API's answers), the reference the library's findings are checked against. */
const REFERENCE = Object.entries(genaiReference()).map(([id, t]) => ({ id, ...t }))

/** PostgreSQL's percentile_cont: linear interpolation between the two nearest ranks. */
function percentileCont(values: number[], p: number): number {
  const v = [...values].sort((a, b) => a - b)
  const pos = p * (v.length - 1)
  const lo = Math.floor(pos)
  return v[lo] + (pos - lo) * ((v[Math.ceil(pos)] ?? v[lo]) - v[lo])
}

/**
 * The names as logged (what the spans table keeps): MLflow's API gives names several spans of a trace share a
 * suffix _1…_n (deduplicate_span_names_in_place); those are taken back off.
 */
function loggedNames(spans: RefSpan[]): RefSpan[] {
  const bases = groupBy(
    spans.filter((s) => /_[1-9]\d*$/.test(s.name)),
    (s) => s.name.replace(/_\d+$/, ''),
  )
  const deduplicated = new Set(
    [...bases]
      .filter(
        ([base, list]) =>
          list.length >= 2 && !spans.some((s) => s.name === base || s.name === `${base}_0`) && list.every((s, i) => s.name === `${base}_${i + 1}`),
      )
      .map(([base]) => base),
  )
  return spans.map((s) => {
    const base = s.name.replace(/_\d+$/, '')
    return deduplicated.has(base) ? { ...s, name: base } : s
  })
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>()
  for (const it of items) m.set(key(it), [...(m.get(key(it)) ?? []), it])
  return m
}

const ALL_TIME = '36500'
const GENAI_QUERIES = ['slowest-span-names', 'error-spans-by-type', 'token-usage-by-user-day', 'negative-feedback', 'overridden-judge-assessments']

describe('the audit library on MLflow 3 GenAI stores: what it finds equals real MLflow’s own view of the traces', () => {
  let app: Awaited<ReturnType<typeof appOver>>
  let library: LibraryQuery[]

  beforeAll(async () => {
    app = await appOver('genai', 'audit_genai')
    library = (await app.ok('query:library', {})).queries
  })
  afterAll(async () => {
    await app?.app.workspace.dispose()
  })

  /** A library query's rows, as objects by column name. */
  async function run(id: string, params: Record<string, string> = {}): Promise<Array<Record<string, QueryCell>>> {
    const q = library.find((l) => l.id === id)
    if (!q) throw new Error(`no library query ${id}`)
    const defaults = Object.fromEntries(q.params.map((p) => [p.name, p.default ?? '']))
    const r = await app.ok('query:run', { tab_id: 'audit', sql: q.sql, params: { ...defaults, ...params } })
    return r.rows.map((row) => Object.fromEntries(r.columns.map((c, i) => [c.name, row[i]])))
  }

  it('has the five GenAI queries, each saying which store capabilities it needs, all runnable here', () => {
    for (const id of GENAI_QUERIES) {
      const q = library.find((l) => l.id === id)
      expect(q, id).toBeDefined()
      expect(q!.needs.length, id).toBeGreaterThan(0)
      expect(q!.unavailable, id).toBeNull()
    }
  })

  it('slowest span names: count, errors and p50/p90/max per name equal the spans MLflow returns', async () => {
    const rows = await run('slowest-span-names', { days: ALL_TIME })
    const spans = REFERENCE.flatMap((t) =>
      loggedNames(t.spans).map((s) => ({ ...s, experiment: t.experiment_id, ms: (Number(s.end_time_ns) - Number(s.start_time_ns)) / 1e6 })),
    )
    const groups = groupBy(spans, (s) => `${s.experiment}|${s.name}|${s.span_type}`)
    expect(rows).toHaveLength(groups.size)
    for (const [key, list] of groups) {
      const row = rows.find((r) => `${r.experiment_id}|${r.span_name}|${r.span_type}` === key)
      expect(row, key).toBeDefined()
      expect(row!.spans, key).toBe(list.length)
      expect(row!.errors, key).toBe(list.filter((s) => s.status === 'ERROR').length)
      for (const [column, p] of [
        ['p50_ms', 0.5],
        ['p90_ms', 0.9],
        ['p99_ms', 0.99],
      ] as const) {
        expect(
          Math.abs(
            Number(row![column]) -
              percentileCont(
                list.map((s) => s.ms),
                p,
              ),
          ),
          `${key} ${column}`,
        ).toBeLessThan(0.051)
      }
      expect(Math.abs(Number(row!.max_ms) - Math.max(...list.map((s) => s.ms))), key).toBeLessThan(0.051)
    }
    // Slowest first by p90.
    const p90s = rows.map((r) => Number(r.p90_ms))
    expect(p90s).toEqual([...p90s].sort((a, b) => b - a))
    // min_spans leaves out the rare names.
    const common = await run('slowest-span-names', { days: ALL_TIME, min_spans: '50' })
    expect(common.length).toBe([...groups.values()].filter((l) => l.length >= 50).length)
  })

  it('error spans by type: counts and traces per type and name, each with its latest exception', async () => {
    const rows = await run('error-spans-by-type', { days: ALL_TIME })
    const errors = REFERENCE.flatMap((t) =>
      loggedNames(t.spans)
        .filter((s) => s.status === 'ERROR')
        .map((s) => ({ ...s, experiment: t.experiment_id, trace: t.id })),
    )
    expect(errors.length).toBeGreaterThan(0)
    const groups = groupBy(errors, (s) => `${s.experiment}|${s.span_type}|${s.name}`)
    expect(rows.map((r) => `${r.experiment_id}|${r.span_type}|${r.span_name}`).sort()).toEqual([...groups.keys()].sort())
    for (const [key, list] of groups) {
      const row = rows.find((r) => `${r.experiment_id}|${r.span_type}|${r.span_name}` === key)!
      expect(row.error_spans, key).toBe(list.length)
      expect(row.traces, key).toBe(new Set(list.map((s) => s.trace)).size)
      const latest = list.reduce((a, b) => (Number(b.start_time_ns) > Number(a.start_time_ns) ? b : a))
      expect(row.latest_trace_id, key).toBe(latest.trace)
      expect(String(row.latest_message), key).toMatch(/\w/)
    }
  })

  it('token usage by user and day: per user, traces and tokens sum to what each trace’s metadata says', async () => {
    const rows = await run('token-usage-by-user-day', { days: ALL_TIME })
    const userOf = (t: RefTrace) => t.metadata['mlflow.trace.user'] ?? t.tags['mlflow.trace.user'] ?? '(no user)'
    for (const [user, traces] of groupBy(REFERENCE, userOf)) {
      const mine = rows.filter((r) => r.user === user)
      const usage = traces.map((t) => JSON.parse(t.metadata['mlflow.trace.tokenUsage'] ?? '{}') as Record<string, number>)
      const sum = (k: string) => usage.reduce((a, u) => a + (u[k] ?? 0), 0)
      expect(
        mine.reduce((a, r) => a + Number(r.traces), 0),
        user,
      ).toBe(traces.length)
      expect(
        mine.reduce((a, r) => a + Number(r.input_tokens), 0),
        user,
      ).toBe(sum('input_tokens'))
      expect(
        mine.reduce((a, r) => a + Number(r.output_tokens), 0),
        user,
      ).toBe(sum('output_tokens'))
      expect(
        mine.reduce((a, r) => a + Number(r.total_tokens), 0),
        user,
      ).toBe(sum('total_tokens'))
    }
    expect(rows.reduce((a, r) => a + Number(r.traces), 0)).toBe(REFERENCE.length)
  })

  it('negative feedback: the valid feedback that is false, "no" or scored below the threshold, with its rationale', async () => {
    const negative = (v: unknown, below: number) =>
      v === false ||
      (typeof v === 'string' && ['no', 'fail', 'failed', 'bad', 'negative', 'incorrect', 'thumbs_down', 'false'].includes(v.toLowerCase())) ||
      (typeof v === 'number' && v < below)
    for (const below of [0.5, 0.2]) {
      const rows = await run('negative-feedback', { days: ALL_TIME, score_below: String(below) })
      const expected = REFERENCE.flatMap((t) => t.assessments).filter((a) => a.kind === 'Feedback' && a.valid && negative(a.value, below))
      expect(expected.length).toBeGreaterThan(0)
      expect(rows.map((r) => r.assessment_id).sort(), `below ${below}`).toEqual(expected.map((a) => a.assessment_id).sort())
    }
  })

  it('overridden judge assessments: each override beside the judge’s original, and who made it', async () => {
    const all = REFERENCE.flatMap((t) => t.assessments.map((a) => ({ ...a, trace: t.id })))
    const byId = new Map(all.map((a) => [a.assessment_id, a]))
    const overrides = all.filter((a) => a.overrides)
    expect(overrides.length).toBeGreaterThan(0)
    for (const source of ['LLM_JUDGE', '%', 'CODE']) {
      const rows = await run('overridden-judge-assessments', { source })
      const expected = overrides.filter((a) => source === '%' || byId.get(a.overrides!)?.source_type === source)
      expect(rows.map((r) => r.new_id).sort(), source).toEqual(expected.map((a) => a.assessment_id).sort())
      for (const r of rows) {
        const original = byId.get(String(r.original_id))!
        expect(original.valid).toBe(false)
        expect(r.overridden_by).toBe(byId.get(String(r.new_id))!.source_id)
        expect(r.trace_id).toBe(original.trace)
      }
    }
  })
})

describe('the audit library on a store without the tables a query needs (MLflow 1.30)', () => {
  let app: Awaited<ReturnType<typeof appOver>>
  beforeAll(async () => {
    app = await appOver('old', 'audit_old')
  })
  afterAll(async () => {
    await app?.app.workspace.dispose()
  })

  it('marks what the store cannot run, saying which tables and MLflow it lacks; everything else runs', async () => {
    const library = (await app.ok('query:library', {})).queries
    for (const id of GENAI_QUERIES) {
      const q = library.find((l) => l.id === id)!
      expect(q.unavailable, id).toMatch(/^This store lacks the tables? (trace_info|spans|assessments)[^.]*\(written by MLflow \d+\.\d+ and later\)\./)
    }
    expect(library.find((l) => l.id === 'model-versions-aliases')!.unavailable).toContain('registered_model_aliases')
    const runnable = library.filter((q) => !q.unavailable)
    expect(runnable.length).toBeGreaterThanOrEqual(7)
    for (const q of runnable) {
      const params = Object.fromEntries(q.params.map((p) => [p.name, p.default ?? '']))
      const r = await app.ok('query:run', { tab_id: 'audit', sql: q.sql, params })
      expect(r.columns.length, q.id).toBeGreaterThan(2)
    }
  })
})
