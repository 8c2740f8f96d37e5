import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { listExperiments } from '../../electron/services/tracking/experiments'
import { getRun, searchRuns } from '../../electron/services/tracking/runs'
import type { Run } from '@shared/domain/mlflow'
import { createDatabase, targetFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES, type FixtureName } from '../helpers/fixtures'

const MAX_DOUBLE = 1.7976931348623157e308

/** Everything the reader returns for a store must equal what the dump file holds. */
describe.each(['small', 'old'] as FixtureName[])('reading the MLflow-written %s fixture', (fixture) => {
  const dump = FIXTURES[fixture].dump
  let store: StoreHandle
  let allRuns: Run[]

  beforeAll(async () => {
    const db = await createDatabase(`read_${fixture}`, FIXTURES[fixture].template)
    store = await openStore(targetFor(db))
    const experiments = dumpRows(dump, 'experiments')
    const res = await searchRuns(store, {
      experiment_ids: experiments.map((e) => e.experiment_id!),
      view: 'all',
      max_results: 50_000,
    })
    allRuns = res.runs
  })
  afterAll(() => store?.close())

  it('lists every experiment with its fields and tags', async () => {
    const expected = dumpRows(dump, 'experiments')
    const tags = dumpRows(dump, 'experiment_tags')
    const got = await listExperiments(store, 'all')
    expect(got.map((e) => e.experiment_id).sort()).toEqual(expected.map((e) => e.experiment_id!).sort())
    for (const e of expected) {
      const g = got.find((x) => x.experiment_id === e.experiment_id)!
      expect(g.name).toBe(e.name)
      expect(g.artifact_location).toBe(e.artifact_location)
      expect(g.lifecycle_stage).toBe(e.lifecycle_stage)
      expect(g.creation_time).toBe(e.creation_time === null ? null : Number(e.creation_time))
      const expectedTags = tags.filter((t) => t.experiment_id === e.experiment_id).map((t) => ({ key: t.key, value: t.value ?? '' }))
      expect(new Set(g.tags.map((t) => JSON.stringify(t)))).toEqual(new Set(expectedTags.map((t) => JSON.stringify(t))))
    }
  })

  it('views split experiments by lifecycle stage', async () => {
    const expected = dumpRows(dump, 'experiments')
    const active = await listExperiments(store, 'active')
    const deleted = await listExperiments(store, 'deleted')
    expect(active.length).toBe(expected.filter((e) => e.lifecycle_stage === 'active').length)
    expect(deleted.length).toBe(expected.filter((e) => e.lifecycle_stage === 'deleted').length)
  })

  it('returns every run with its info fields', () => {
    const runs = dumpRows(dump, 'runs')
    expect(allRuns.length).toBe(runs.length)
    const runTags = dumpRows(dump, 'tags')
    for (const r of runs) {
      const g = allRuns.find((x) => x.info.run_id === r.run_uuid)!
      expect(g, r.run_uuid!).toBeDefined()
      const nameTag = runTags.find((t) => t.run_uuid === r.run_uuid && t.key === 'mlflow.runName')?.value
      expect(g.info.run_name).toBe((r.name || nameTag) ?? null)
      expect(g.info.experiment_id).toBe(r.experiment_id)
      expect(g.info.status).toBe(r.status)
      expect(g.info.user_id).toBe(r.user_id)
      expect(g.info.start_time).toBe(r.start_time === null ? null : Number(r.start_time))
      expect(g.info.end_time).toBe(r.end_time === null ? null : Number(r.end_time))
      expect(g.info.lifecycle_stage).toBe(r.lifecycle_stage)
      expect(g.info.artifact_uri).toBe(r.artifact_uri)
    }
  })

  it('returns params and tags exactly, long and unicode values included', () => {
    const params = dumpRows(dump, 'params')
    const tags = dumpRows(dump, 'tags')
    for (const run of allRuns) {
      const id = run.info.run_id
      const ep = params.filter((p) => p.run_uuid === id).map((p) => [p.key, p.value])
      expect(run.data.params.map((p) => [p.key, p.value]).sort()).toEqual(ep.sort())
      const et = tags.filter((t) => t.run_uuid === id).map((t) => [t.key, t.value ?? ''])
      expect(run.data.tags.map((t) => [t.key, t.value]).sort()).toEqual(et.sort())
    }
    expect(Math.max(...params.map((p) => p.value!.length))).toBeGreaterThan(400)
  })

  it('returns latest metrics from latest_metrics, NaN restored and inf as the max double', () => {
    const latest = dumpRows(dump, 'latest_metrics')
    expect(latest.length).toBeGreaterThan(0)
    let sawNan = false
    let sawInf = false
    for (const m of latest) {
      const run = allRuns.find((r) => r.info.run_id === m.run_uuid)!
      const g = run.data.metrics.find((x) => x.key === m.key)!
      expect(g, `${m.run_uuid} ${m.key}`).toBeDefined()
      if (m.is_nan === 't') {
        sawNan = true
        expect(Number.isNaN(g.value)).toBe(true)
      } else {
        expect(g.value).toBe(Number(m.value))
        if (Math.abs(g.value) === MAX_DOUBLE) sawInf = true
      }
      expect(g.step).toBe(Number(m.step))
      expect(g.timestamp).toBe(m.timestamp === null ? null : Number(m.timestamp))
    }
    const total = allRuns.reduce((n, r) => n + r.data.metrics.length, 0)
    expect(total).toBe(latest.length)
    if (fixture === 'small') {
      expect(sawNan).toBe(true)
      expect(sawInf).toBe(true)
    }
  })

  it('returns dataset inputs with their context tags where the store has them', () => {
    const inputs = dumpRows(dump, 'inputs').filter((i) => i.source_type === 'DATASET')
    const total = allRuns.reduce((n, r) => n + r.inputs.dataset_inputs.length, 0)
    expect(total).toBe(inputs.length)
    if (fixture === 'small') {
      expect(inputs.length).toBeGreaterThan(0)
      const contexts = new Set(
        allRuns.flatMap((r) => r.inputs.dataset_inputs.flatMap((d) => d.tags.filter((t) => t.key === 'mlflow.data.context').map((t) => t.value))),
      )
      expect(contexts).toEqual(new Set(['training', 'validation', 'evaluation']))
    }
  })

  it('gets one run by id, deleted ones too, and refuses an unknown id clearly', async () => {
    const deleted = dumpRows(dump, 'runs').find((r) => r.lifecycle_stage === 'deleted')!
    const run = await getRun(store, deleted.run_uuid!)
    expect(run.info.lifecycle_stage).toBe('deleted')
    await expect(getRun(store, '0'.repeat(32))).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
