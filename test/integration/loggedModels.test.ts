import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loggedModelStatusName } from '@shared/domain/loggedModels'
import { appOver } from '../helpers/appOverFixture'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES } from '../helpers/fixtures'

/** The GenAI fixture's logged model rows, straight from its dump: the ground truth. */
const dump = FIXTURES.genai.dump
const models = dumpRows(dump, 'logged_models')
const tags = dumpRows(dump, 'logged_model_tags')
const params = dumpRows(dump, 'logged_model_params')
const metrics = dumpRows(dump, 'logged_model_metrics')
const inputs = dumpRows(dump, 'inputs')
const traceModel = dumpRows(dump, 'trace_request_metadata').filter((m) => m.key === 'mlflow.modelId')

const byKey = <T extends { key: string }>(xs: T[]) => [...xs].sort((a, b) => a.key.localeCompare(b.key))
const kvOf = (rows: Array<Record<string, string | null>>, id: string, k: string, v: string) =>
  byKey(rows.filter((r) => r.model_id === id).map((r) => ({ key: r[k] as string, value: r[v] as string })))
const metricSort = (a: { key: string; step: number; timestamp: number }, b: typeof a) =>
  a.key.localeCompare(b.key) || a.step - b.step || a.timestamp - b.timestamp
const metricsOf = (id: string, runId?: string) =>
  metrics
    .filter((r) => r.model_id === id && (!runId || r.run_id === runId))
    .map((r) => ({
      key: r.metric_name as string,
      value: Number(r.metric_value),
      timestamp: Number(r.metric_timestamp_ms),
      step: Number(r.metric_step),
      run_id: r.run_id as string,
      dataset_name: r.dataset_name,
      dataset_digest: r.dataset_digest,
    }))
    .sort(metricSort)

describe('logged models on the GenAI fixture (MLflow 3.5)', () => {
  let t: Awaited<ReturnType<typeof appOver>>
  beforeAll(async () => {
    t = await appOver('genai', 'logged_models')
  })
  afterAll(() => t?.app.workspace.dispose())

  it('fixture has logged models with params, metrics and traces to check against', () => {
    expect(models.length).toBeGreaterThanOrEqual(2)
    expect(params.length).toBeGreaterThan(0)
    expect(metrics.length).toBeGreaterThan(0)
    expect(traceModel.length).toBeGreaterThan(0)
  })

  it('loggedModels:search lists every live model of the experiment, newest first, with tags, params and latest metrics', async () => {
    const experiment = models[0].experiment_id as string
    const got = await t.ok('loggedModels:search', { experiment_ids: [experiment] })
    const want = models
      .filter((m) => m.experiment_id === experiment && m.lifecycle_stage !== 'deleted')
      .sort((a, b) => Number(b.creation_timestamp_ms) - Number(a.creation_timestamp_ms))
    expect(got.models.map((m) => m.model_id)).toEqual(want.map((m) => m.model_id))
    expect(got.next_page_token).toBeNull()
    for (const m of got.models) {
      const row = want.find((w) => w.model_id === m.model_id)!
      expect(m).toMatchObject({
        name: row.name,
        experiment_id: row.experiment_id,
        artifact_location: row.artifact_location,
        creation_timestamp_ms: Number(row.creation_timestamp_ms),
        status: loggedModelStatusName(Number(row.status)),
        source_run_id: row.source_run_id,
      })
      expect(byKey(m.tags)).toEqual(kvOf(tags, m.model_id, 'tag_key', 'tag_value'))
      expect(byKey(m.params)).toEqual(kvOf(params, m.model_id, 'param_key', 'param_value'))
      // The fixture logs each metric once per model: latest = every row.
      expect([...m.metrics].sort(metricSort)).toEqual(metricsOf(m.model_id))
    }
  })

  it('filters by name and status, orders by name and by a metric, and pages with next_page_token', async () => {
    const experiment = models[0].experiment_id as string
    const one = models.find((m) => m.experiment_id === experiment)!
    const byName = await t.ok('loggedModels:search', { experiment_ids: [experiment], name: (one.name as string).toUpperCase() })
    expect(byName.models.map((m) => m.model_id)).toEqual([one.model_id])
    const failed = await t.ok('loggedModels:search', { experiment_ids: [experiment], statuses: ['FAILED'] })
    expect(failed.models.map((m) => m.model_id)).toEqual(models.filter((m) => m.experiment_id === experiment && m.status === '3').map((m) => m.model_id))

    const names = await t.ok('loggedModels:search', { experiment_ids: [experiment], order_by: { field: 'name', ascending: true } })
    expect(names.models.map((m) => m.name)).toEqual([...names.models.map((m) => m.name)].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())))

    const metric = metrics[0].metric_name as string
    const byMetric = await t.ok('loggedModels:search', { experiment_ids: [experiment], order_by: { field: 'metric', metric, ascending: false } })
    const value = (id: string) => metrics.find((r) => r.model_id === id && r.metric_name === metric)?.metric_value
    const values = byMetric.models
      .map((m) => value(m.model_id))
      .filter((v) => v != null)
      .map(Number)
    expect(values).toEqual([...values].sort((a, b) => b - a))

    const first = await t.ok('loggedModels:search', { experiment_ids: [experiment], max_results: 1 })
    expect(first.models).toHaveLength(1)
    expect(first.next_page_token).toBeTruthy()
    const second = await t.ok('loggedModels:search', { experiment_ids: [experiment], max_results: 1, page_token: first.next_page_token })
    expect(second.models[0].model_id).not.toBe(first.models[0].model_id)
  })

  it('loggedModels:get gives the model, every metric row and the traces that name it', async () => {
    for (const row of models) {
      const id = row.model_id as string
      const got = await t.ok('loggedModels:get', { model_id: id })
      expect(got.model.name).toBe(row.name)
      expect(byKey(got.model.params)).toEqual(kvOf(params, id, 'param_key', 'param_value'))
      expect(byKey(got.model.tags)).toEqual(kvOf(tags, id, 'tag_key', 'tag_value'))
      expect([...got.model.metrics].sort(metricSort)).toEqual(metricsOf(id))
      const traces = traceModel.filter((m) => m.value === id).map((m) => m.request_id)
      expect(got.trace_count).toBe(traces.length)
      expect(got.traces.length).toBe(Math.min(traces.length, 50))
      for (const tr of got.traces) expect(traces).toContain(tr.trace_id)
      expect(got.experiment_name).toBeTruthy()
    }
  })

  it('loggedModels:get of an unknown id is NOT_FOUND naming it', async () => {
    const e = await t.fails('loggedModels:get', { model_id: 'm-00000000000000000000000000000000' })
    expect(e.code).toBe('NOT_FOUND')
    expect(e.message).toMatch(/m-00000000000000000000000000000000/)
  })

  it('loggedModels:forRun gives each run its models, how they are tied, and the metrics it logged for them', async () => {
    const runs = new Set([
      ...metrics.map((m) => m.run_id as string),
      ...inputs.filter((i) => i.destination_type === 'MODEL_INPUT').map((i) => i.source_id as string),
    ])
    expect(runs.size).toBeGreaterThan(0)
    for (const run of runs) {
      const got = await t.ok('loggedModels:forRun', { run_id: run })
      const viaMetrics = new Set(metrics.filter((m) => m.run_id === run).map((m) => m.model_id))
      const viaInput = new Set(inputs.filter((i) => i.source_type === 'RUN_INPUT' && i.source_id === run).map((i) => i.destination_id))
      const viaSource = new Set(models.filter((m) => m.source_run_id === run).map((m) => m.model_id))
      const ids = new Set([...viaMetrics, ...viaInput, ...viaSource])
      expect(new Set(got.models.map((m) => m.model_id))).toEqual(ids)
      for (const m of got.models) {
        expect(m.relations.includes('metrics')).toBe(viaMetrics.has(m.model_id))
        expect(m.relations.includes('input')).toBe(viaInput.has(m.model_id))
        expect([...m.metrics].sort(metricSort)).toEqual(metricsOf(m.model_id, run))
      }
    }
    const e = await t.fails('loggedModels:forRun', { run_id: 'ffffffffffffffffffffffffffffffff' })
    expect(e.code).toBe('NOT_FOUND')
  })

  it('refuses a malformed model id before reading the store', async () => {
    const e = await t.fails('loggedModels:get', { model_id: "m-1'; DROP TABLE x" })
    expect(e.code).toBe('BAD_REQUEST')
    expect(e.message).toMatch(/model_id/)
  })
})

describe('logged models on a store before MLflow 3 (the MLflow 1.30 fixture)', () => {
  it('search is empty, get is NOT_FOUND saying the store has none, forRun is empty', async () => {
    const t = await appOver('old', 'logged_models_old')
    try {
      const experiment = dumpRows(FIXTURES.old.dump, 'experiments')[0].experiment_id as string
      expect(await t.ok('loggedModels:search', { experiment_ids: [experiment] })).toEqual({ models: [], next_page_token: null })
      const e = await t.fails('loggedModels:get', { model_id: 'm-00000000000000000000000000000000' })
      expect(e.code).toBe('NOT_FOUND')
      expect(e.message).toMatch(/has no MLflow 3 logged models/)
      const run = dumpRows(FIXTURES.old.dump, 'runs')[0].run_uuid as string
      expect(await t.ok('loggedModels:forRun', { run_id: run })).toEqual({ models: [] })
    } finally {
      await t.app.workspace.dispose()
    }
  })
})
