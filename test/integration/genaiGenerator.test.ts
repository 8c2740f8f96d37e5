import { createHash } from 'node:crypto'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedGenaiStore, type GenaiSeedReport } from '../../electron/services/demo/generator/genai'
import { GENAI_TRACES } from '../../electron/services/demo/generator/genaiPlan'
import { migrateStore } from '../../electron/services/tracking/migrate'
import { appOverDatabase } from '../helpers/appOverFixture'
import { adminClient, createDatabase, targetFor, urlFor } from '../helpers/databases'
import { cli } from '../helpers/cliRunner'

const NOW = Date.UTC(2026, 10, 30, 12, 0, 0)
const SEED = 7
const N = GENAI_TRACES.small

/**
 * The plan of trace i as the generator draws it, recomputed here from its md5 (kind by i mod 10,
 * agent steps, failure), to check the store against what was meant rather than against itself.
 */
function planned(i: number) {
  const m = createHash('md5').update(`${SEED}:${i}`).digest('hex')
  const h1 = parseInt(m.slice(0, 7), 16)
  const h3 = parseInt(m.slice(14, 21), 16)
  const kind = i % 10 < 6 ? 0 : i % 10 < 9 ? 1 : 2
  const steps = 2 + (h1 % 9)
  return { id: `tr-${m}`, kind, spans: kind === 0 ? 9 : kind === 1 ? 2 + 2 * steps : 6, failed: h3 % 33 === 0 }
}

describe('mlflow-desk generate --genai: traces of three GenAI apps, written through our migrations', () => {
  let db: string
  let c: pg.Client
  let report: GenaiSeedReport
  const plans = Array.from({ length: N }, (_, k) => planned(k + 1))

  beforeAll(async () => {
    db = await createDatabase('genai_gen')
    await migrateStore(targetFor(db))
    c = adminClient(db)
    await c.connect()
    report = await seedGenaiStore(c, { size: 'small', seed: SEED, now: NOW, artifactRoot: '/tmp/genai-artifacts' })
  }, 120_000)
  afterAll(async () => {
    await c?.end()
  })

  const one = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await c.query<T>(sql, params)).rows[0]

  it('writes the planned traces, spans and failures, and reports the rows the server counted', async () => {
    expect(report.rows.trace_info).toBe(N)
    expect(report.rows.spans).toBe(plans.reduce((a, p) => a + p.spans, 0))
    const ids = (await c.query<{ id: string }>('SELECT request_id AS id FROM trace_info ORDER BY timestamp_ms, request_id')).rows.map((r) => r.id)
    expect(new Set(ids)).toEqual(new Set(plans.map((p) => p.id)))
    const errors = (await c.query<{ id: string }>(`SELECT request_id AS id FROM trace_info WHERE status = 'ERROR'`)).rows.map((r) => r.id).sort()
    expect(errors).toEqual(
      plans
        .filter((p) => p.failed)
        .map((p) => p.id)
        .sort(),
    )
    expect(errors.length).toBeGreaterThan(N * 0.01)
    for (const [table, n] of Object.entries(report.rows)) expect(Number((await one<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).n), table).toBe(n)
    // About 10 spans and more than one assessment a trace: the large size's 10M spans and 1M assessments.
    expect(report.rows.spans / N).toBeGreaterThan(9)
    expect(report.rows.assessments / N).toBeGreaterThan(1)
  })

  it('each trace is one tree: a root, parents in the same trace, every span inside its parent and the root spanning the trace', async () => {
    const bad = await one<{ roots: string; orphans: string; outside: string; root_time: string }>(`
      SELECT (SELECT count(*) FROM (SELECT trace_id FROM spans GROUP BY trace_id HAVING count(*) FILTER (WHERE parent_span_id IS NULL) <> 1) r) AS roots,
             (SELECT count(*) FROM spans s WHERE s.parent_span_id IS NOT NULL
                 AND NOT EXISTS (SELECT 1 FROM spans p WHERE p.trace_id = s.trace_id AND p.span_id = s.parent_span_id)) AS orphans,
             (SELECT count(*) FROM spans s JOIN spans p ON p.trace_id = s.trace_id AND p.span_id = s.parent_span_id
               WHERE s.start_time_unix_nano < p.start_time_unix_nano OR s.end_time_unix_nano > p.end_time_unix_nano) AS outside,
             (SELECT count(*) FROM spans s JOIN trace_info t ON t.request_id = s.trace_id
               WHERE s.parent_span_id IS NULL AND (s.start_time_unix_nano <> t.timestamp_ms * 1000000
                  OR s.end_time_unix_nano <> (t.timestamp_ms + t.execution_time_ms) * 1000000)) AS root_time`)
    expect(Object.values(bad).map(Number)).toEqual([0, 0, 0, 0])
    const depth = await one<{ d: number }>(`
      WITH RECURSIVE d AS (SELECT trace_id, span_id, 1 AS depth FROM spans WHERE parent_span_id IS NULL
                           UNION ALL SELECT s.trace_id, s.span_id, d.depth + 1 FROM spans s JOIN d ON s.trace_id = d.trace_id AND s.parent_span_id = d.span_id)
      SELECT max(depth) AS d FROM d`)
    expect(depth.d).toBe(3)
  })

  it('failed traces end in an error span with its exception; sessions have one user and many turns; one judge in a hundred is overridden', async () => {
    const failed = await one<{ traces: string; with_exception: string }>(`
      SELECT count(DISTINCT t.request_id) AS traces,
             count(DISTINCT t.request_id) FILTER (WHERE s.content::jsonb -> 'events' -> 0 -> 'attributes' ->> 'exception.type' IS NOT NULL) AS with_exception
        FROM trace_info t JOIN spans s ON s.trace_id = t.request_id AND s.status = 'ERROR' AND s.parent_span_id IS NOT NULL
       WHERE t.status = 'ERROR'`)
    expect(Number(failed.traces)).toBe(plans.filter((p) => p.failed).length)
    expect(failed.with_exception).toBe(failed.traces)
    const sessions = await one<{ n: string; users_max: string; turns_median: string }>(`
      SELECT count(*) AS n, max(users) AS users_max, percentile_cont(0.5) WITHIN GROUP (ORDER BY turns) AS turns_median FROM (
        SELECT s.value, count(DISTINCT u.value) AS users, count(*) AS turns
          FROM trace_request_metadata s JOIN trace_request_metadata u ON u.request_id = s.request_id AND u.key = 'mlflow.trace.user'
         WHERE s.key = 'mlflow.trace.session' GROUP BY s.value) x`)
    expect(Number(sessions.n)).toBeGreaterThan(50)
    expect(Number(sessions.users_max)).toBe(1)
    expect(Number(sessions.turns_median)).toBeGreaterThanOrEqual(10)
    const overrides = await one<{ n: string; invalid: string }>(`
      SELECT count(*) AS n, count(*) FILTER (WHERE NOT o.valid) AS invalid FROM assessments a JOIN assessments o ON o.assessment_id = a.overrides`)
    expect(Number(overrides.n)).toBeGreaterThan(0)
    expect(overrides.invalid).toBe(overrides.n)
  })

  it('is read by the app as MLflow’s own traces: search, a trace with its span tree and chat messages', async () => {
    const app = await appOverDatabase(db, 'genai_gen_app')
    try {
      const page = await app.ok('traces:search', { experiment_ids: ['1', '2', '3'], max_results: 50, filter: "trace.status = 'ERROR'" })
      expect(page.traces).toHaveLength(Math.min(50, plans.filter((p) => p.failed).length))
      const agent = plans.find((p) => p.kind === 1 && !p.failed)!
      const trace = await app.ok('traces:get', { trace_id: agent.id })
      expect(trace.trace.data.spans).toHaveLength(agent.spans)
      const chat = plans.find((p) => p.kind === 0)!
      const chatTrace = await app.ok('traces:get', { trace_id: chat.id })
      // Attribute values are JSON-encoded, as MLflow keeps them.
      const model = chatTrace.trace.data.spans.find((s) => JSON.parse(String(s.attributes['mlflow.spanType'])) === 'CHAT_MODEL')!
      const inputs = JSON.parse(String(model.attributes['mlflow.spanInputs'])) as { messages: Array<{ role: string }> }
      expect(inputs.messages.map((m) => m.role)).toEqual(['system', 'user'])
    } finally {
      await app.dispose()
    }
  })

  it('the CLI writes the same store for the same seed, and refuses a store that holds experiments', async () => {
    const other = await createDatabase('genai_cli')
    const gen = await cli(['generate', '--genai', '--url', urlFor(other), '--seed', String(SEED)])
    expect(gen.code, gen.stderr).toBe(0)
    const out = JSON.parse(gen.stdout) as GenaiSeedReport
    expect(out.rows).toEqual(report.rows)
    const o = adminClient(other)
    await o.connect()
    try {
      const sameIds = await o.query<{ n: string }>(`SELECT count(*) AS n FROM trace_info WHERE request_id = ANY($1)`, [plans.map((p) => p.id)])
      expect(Number(sameIds.rows[0].n)).toBe(N)
    } finally {
      await o.end()
    }
    const again = await cli(['generate', '--genai', '--url', urlFor(other)])
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/already holds experiments/)
  })
})
