import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Channel, ChannelRequest, ChannelResponse } from '@shared/api/contract'
import { dispatch } from '../../electron/services/api/dispatch'
import type { CallContext } from '../../electron/services/api/handlers'
import { createAppContext, type AppSetup } from '../../electron/services/appContext'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import { searchIndexStatus } from '../../electron/services/tracking/searchIndexes'
import { FIXTURES, readManifest } from './fixtures'
import { mlflowSearchRunIds } from './mlflowReference'

/** MLflow's search on the fixture, compared run id for run id (a few cases of every kind; the full set is searchConformance). */
const SEARCHES: Array<{ filter?: string; order_by?: string[] }> = [
  {},
  { filter: 'metrics.acc > 0.5', order_by: ['metrics.acc DESC'] },
  { filter: "params.optimizer ILIKE 'ADAM%'", order_by: ['params.lr'] },
  { filter: "tags.`mlflow.runName` LIKE 'child-%' and attributes.status != 'KILLED'" },
  { filter: "datasets.context = 'training'", order_by: ['start_time ASC'] },
]

export interface StoreUnderTest {
  /** The store as the app is pointed at it (directly, through a pooler, a standby). */
  url: string
  /** Where a plain client reads MLflow's reference answers (default: the same URL). */
  referenceUrl?: string
  /** The server's major version the session must report. */
  major: number
  standby?: boolean
}

/**
 * The app's store-facing work on the MLflow-written small fixture, through the
 * API as the renderer calls it: browse, search (ids and order as MLflow's),
 * metric history full and downsampled, compare, the SQL console's reads and
 * refusals, the optional indexes' status, and an export with artifacts. The
 * version matrix, PgBouncer and the standby tests run it on their servers.
 * Call inside a describe; `store` is awaited in beforeAll.
 */
export function storeFacingSuite(store: () => Promise<StoreUnderTest>): void {
  let app: AppSetup
  let call: CallContext
  let home: string
  let target: StoreUnderTest
  let reference: pg.Client
  const manifest = readManifest('small') as { artifact_root_uri: string; runs: Array<{ run_id: string; kind: string }> }

  async function api<C extends Channel>(channel: C, req: ChannelRequest<C>): Promise<ChannelResponse<C>> {
    const r = await dispatch(app.handlers, channel, req, call)
    if (!r.ok) throw new Error(`${channel}: ${r.error.code}: ${r.error.message}`)
    return r.data as ChannelResponse<C>
  }

  async function allIds(req: ChannelRequest<'runs:search'>): Promise<string[]> {
    const ids: string[] = []
    let page_token: string | null = null
    do {
      const page: ChannelResponse<'runs:search'> = await api('runs:search', { ...req, page_token })
      ids.push(...page.runs.map((r) => r.info.run_id))
      page_token = page.next_page_token ?? null
    } while (page_token)
    return ids
  }

  beforeAll(async () => {
    target = await store()
    home = await mkdtemp(join(tmpdir(), 'desk-store-facing-'))
    app = await createAppContext({
      home,
      env: {},
      cipher: aesGcmCipher(Buffer.alloc(32, 7), 'a test key'),
      choice: { url: target.url, artifactMaps: [`${manifest.artifact_root_uri}=${FIXTURES.small.artifacts}`] },
      transport: 'http',
    })
    call = { window: await app.workspace.window('store-facing'), signal: new AbortController().signal, openWindow: async () => null }
    reference = new pg.Client({ connectionString: (target.referenceUrl ?? target.url).replace(/\?.*$/, '') })
    await reference.connect()
  })
  afterAll(async () => {
    await reference?.end()
    await app?.workspace.dispose()
    // The console's history is written after a query answers: a write may still be landing.
    if (home) await rm(home, { recursive: true, force: true, maxRetries: 5 })
  })

  it('connects: the session names the server version (and whether it is a standby) and the MLflow revision', async () => {
    const d = await api('session:describe', {})
    expect(Number(d.server_version.split('.')[0])).toBe(target.major)
    expect(d.standby).toBe(!!target.standby)
    expect(d.store.revision).toBe('bf29a5ff90ea')
  })

  it('browses: experiments, runs in pages, a run with its data', async () => {
    const { experiments } = await api('experiments:list', { view: 'all' })
    const expected = (await reference.query('SELECT count(*)::int AS n FROM experiments')).rows[0].n
    expect(experiments).toHaveLength(expected)
    const ids = await allIds({ experiment_ids: [], view: 'all', max_results: 7 })
    expect(ids).toHaveLength(
      (await reference.query("SELECT count(*)::int AS n FROM runs r JOIN experiments e USING (experiment_id) WHERE e.lifecycle_stage = 'active'")).rows[0].n,
    )
    const { run } = await api('runs:get', { run_id: ids[0] })
    expect(run.info.run_id).toBe(ids[0])
  })

  it('searches like MLflow: the same run ids in the same order, across keyset pages', async () => {
    const experimentIds = (await reference.query("SELECT experiment_id::text AS id FROM experiments WHERE lifecycle_stage = 'active'")).rows.map(
      (r) => r.id as string,
    )
    for (const s of SEARCHES) {
      const expected = await mlflowSearchRunIds(reference, { experimentIds, stages: ['active'], filter: s.filter, orderBy: s.order_by }, 1000)
      expect(
        await allIds({ experiment_ids: experimentIds, view: 'active', max_results: 4, filter: s.filter, order_by: s.order_by }),
        JSON.stringify(s),
      ).toEqual(expected)
    }
  })

  it('reads a metric history whole, and downsampled with its exact extremes', async () => {
    const { rows } = await reference.query(
      `SELECT run_uuid, key, count(*)::int AS n, min(value) FILTER (WHERE NOT is_nan) AS lo, max(value) FILTER (WHERE NOT is_nan) AS hi
         FROM metrics GROUP BY run_uuid, key ORDER BY n DESC, run_uuid LIMIT 1`,
    )
    const longest = rows[0] as { run_uuid: string; key: string; n: number; lo: number; hi: number }
    expect(longest.n).toBeGreaterThan(1000)
    const full = await api('metrics:history', { run_id: longest.run_uuid, metric_key: longest.key })
    expect(full.metrics).toHaveLength(longest.n)
    const sampled = await api('metrics:history', { run_id: longest.run_uuid, metric_key: longest.key, max_points: 100 })
    expect(sampled.metrics.length).toBeLessThanOrEqual(100)
    const values = sampled.metrics.map((m) => Number(m.value)).filter(Number.isFinite)
    expect(Math.min(...values)).toBe(longest.lo)
    expect(Math.max(...values)).toBe(longest.hi)
  })

  it('compares runs: one series per run and key', async () => {
    const { rows } = await reference.query(`SELECT run_uuid FROM latest_metrics WHERE key = 'acc' ORDER BY run_uuid LIMIT 3`)
    const runIds = rows.map((r) => r.run_uuid as string)
    const res = await api('metrics:compare', { run_ids: runIds, metric_keys: ['acc', 'loss'], max_points: 50, precision: 'exact' })
    expect(res.series).toHaveLength(runIds.length * 2)
    expect(res.series.filter((s) => s.key === 'acc').every((s) => s.metrics.length > 0)).toBe(true)
  })

  it('runs console reads, and refuses writes before they are sent', async () => {
    const read = await api('query:run', {
      tab_id: 'smoke',
      sql: "SELECT count(*) AS n, current_setting('transaction_read_only') AS ro FROM runs",
      params: {},
      max_rows: 10,
    })
    const n = (await reference.query('SELECT count(*)::int AS n FROM runs')).rows[0].n
    expect(read.rows).toEqual([[n, 'on']])
    const refused = await dispatch(app.handlers, 'query:run', { tab_id: 'smoke', sql: "UPDATE runs SET status = 'FAILED'", params: {}, max_rows: 10 }, call)
    expect(refused).toMatchObject({ ok: false, error: { code: 'QUERY_REFUSED' } })
  })

  it('runs every query of the audit library with its default parameters', async () => {
    const { queries } = await api('query:library', {})
    expect(queries.length).toBeGreaterThanOrEqual(8)
    for (const q of queries) {
      const params = Object.fromEntries(q.params.map((p) => [p.name, p.default]))
      const r = await dispatch(app.handlers, 'query:run', { tab_id: 'library', sql: q.sql, params, max_rows: 100 }, call)
      expect(r.ok, `${q.id}: ${JSON.stringify(r)}`).toBe(true)
    }
  })

  it('tells which optional search indexes the store has (read-only)', async () => {
    const status = await searchIndexStatus(await call.window.store())
    expect(status.length).toBeGreaterThan(0)
    expect(status.every((s) => ['present', 'absent', 'invalid', 'no-table'].includes(s.state))).toBe(true)
  })

  it('exports a run with its artifacts, every file checksummed in the manifest', async () => {
    // A run whose artifact folder the fixture holds (found, not hard-coded).
    const runId = manifest.runs.find((r) => existsSync(join(FIXTURES.small.artifacts, r.kind, r.run_id, 'artifacts', 'model', 'MLmodel')))!.run_id
    const { report } = await api('export:run', {
      job_id: `smoke-${Date.now()}`,
      selection: { kind: 'runs', run_ids: [runId] },
      name: `smoke-${runId}`,
      zip: false,
      resume: false,
    })
    expect(report).not.toBeNull()
    expect(report!.missing).toEqual([])
    expect(report!.files).toBeGreaterThan(0)
    const out = report!.out
    const manifestFile = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { files: Array<{ path: string; sha256: string }> }
    expect(manifestFile.files.length).toBeGreaterThan(1)
    expect(manifestFile.files.some((f) => f.path.startsWith('artifacts/'))).toBe(true)
  })
}
