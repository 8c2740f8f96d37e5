import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { getRunRelated, loggedModelStatus } from '../../electron/services/tracking/runRelated'
import type { RunSummary } from '@shared/domain/mlflow'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES, readManifest, type FixtureName } from '../helpers/fixtures'

type Row = Record<string, string | null>
const PARENT_TAG = 'mlflow.parentRunId'

/** A run link as the dump holds it (name from the column, else the mlflow.runName tag). */
function summaryOf(run: Row, tags: Row[]): RunSummary {
  const nameTag = tags.find((t) => t.run_uuid === run.run_uuid && t.key === 'mlflow.runName')?.value
  return {
    run_id: run.run_uuid!,
    run_name: (run.name || nameTag) ?? null,
    experiment_id: run.experiment_id!,
    status: run.status as RunSummary['status'],
    start_time: run.start_time === null ? null : Number(run.start_time),
    lifecycle_stage: run.lifecycle_stage as RunSummary['lifecycle_stage'],
  }
}

describe.each(['small', 'old'] as FixtureName[])('what surrounds each run of the MLflow-written %s fixture', (fixture) => {
  const dump = FIXTURES[fixture].dump
  const runs = dumpRows(dump, 'runs')
  const tags = dumpRows(dump, 'tags')
  let store: StoreHandle

  beforeAll(async () => {
    store = await openStore(targetFor(await createDatabase(`related_${fixture}`, FIXTURES[fixture].template)))
  })
  afterAll(() => store?.close())

  it('gives every run its parent, children, logged models and model versions as the dump holds them', async () => {
    const versions = dumpRows(dump, 'model_versions')
    const loggedModels = dumpRows(dump, 'logged_models')
    const modelInputs = dumpRows(dump, 'inputs').filter((i) => i.destination_type === 'MODEL_OUTPUT' || i.destination_type === 'MODEL_INPUT')
    const modelMetrics = dumpRows(dump, 'logged_model_metrics')
    for (const run of runs) {
      const id = run.run_uuid!
      const got = await getRunRelated(store, id)
      const parentId = tags.find((t) => t.run_uuid === id && t.key === PARENT_TAG)?.value
      const parent = runs.find((r) => r.run_uuid === parentId)
      expect(got.parent, id).toEqual(parent ? summaryOf(parent, tags) : null)
      const children = tags
        .filter((t) => t.key === PARENT_TAG && t.value === id)
        .map((t) => runs.find((r) => r.run_uuid === t.run_uuid)!)
        .sort((a, b) => Number(a.start_time) - Number(b.start_time) || a.run_uuid!.localeCompare(b.run_uuid!))
      expect(got.children, id).toEqual(children.map((c) => summaryOf(c, tags)))
      const history = tags.find((t) => t.run_uuid === id && t.key === 'mlflow.log-model.history')
      if (!history) expect({ models: got.history_models, problem: got.history_problem }, id).toEqual({ models: [], problem: null })
      const mine = versions.filter((v) => v.run_id === id)
      expect(
        got.model_versions.map((v) => [v.name, v.version]),
        id,
      ).toEqual(mine.map((v) => [v.name, v.version]).sort())
      // Produced (source run, RUN_OUTPUT), used (RUN_INPUT) or measured (metrics logged by the run), newest first.
      const linked = new Set([
        ...loggedModels.filter((m) => m.source_run_id === id).map((m) => m.model_id),
        ...modelInputs.filter((i) => i.source_id === id && ['RUN_OUTPUT', 'RUN_INPUT'].includes(i.source_type!)).map((i) => i.destination_id),
        ...modelMetrics.filter((m) => m.run_id === id).map((m) => m.model_id),
      ])
      const want = loggedModels
        .filter((m) => linked.has(m.model_id))
        .sort((a, b) => Number(b.creation_timestamp_ms) - Number(a.creation_timestamp_ms) || a.model_id!.localeCompare(b.model_id!))
      expect(got.logged_models.map((m) => m.model_id)).toEqual(want.map((m) => m.model_id))
    }
  })

  it('links the sweeps of the manifest: parents, children and the grandchild', async () => {
    const manifest = readManifest(fixture).runs as Array<{ run_id: string; role: string; parent?: string }>
    const grandchild = manifest.find((r) => r.role === 'grandchild')!
    const related = await getRunRelated(store, grandchild.run_id)
    expect(related.parent?.run_id).toBe(grandchild.parent)
    const middle = await getRunRelated(store, grandchild.parent!)
    expect(middle.children.map((c) => c.run_id)).toEqual([grandchild.run_id])
    const top = manifest.find((r) => r.run_id === middle.parent?.run_id)!
    expect(top.role).toBe('parent')
    const topRelated = await getRunRelated(store, top.run_id)
    expect(topRelated.parent).toBeNull()
    expect(new Set(topRelated.children.map((c) => c.run_id))).toEqual(new Set(manifest.filter((r) => r.parent === top.run_id).map((r) => r.run_id)))
    const starts = topRelated.children.map((c) => c.start_time!)
    expect(starts).toEqual([...starts].sort((a, b) => a - b))
  })

  it('gives the model versions registered from a run with their tags and aliases', async () => {
    const version = dumpRows(dump, 'model_versions').find((v) => v.version === '1')!
    const got = await getRunRelated(store, version.run_id!)
    const v = got.model_versions.find((x) => x.name === version.name && x.version === '1')!
    expect(v.source).toBe(version.source)
    expect(v.current_stage).toBe(version.current_stage)
    const tagKeys = dumpRows(dump, 'model_version_tags')
      .filter((t) => t.name === version.name && t.version === '1')
      .map((t) => t.key)
      .sort()
    expect(v.tags.map((t) => t.key)).toEqual(tagKeys)
    const aliases = dumpRows(dump, 'registered_model_aliases')
      .filter((a) => a.name === version.name && a.version === '1')
      .map((a) => a.alias)
      .sort()
    expect(v.aliases).toEqual(aliases)
  })

  it('refuses a run that does not exist, naming it', async () => {
    const missing = 'e'.repeat(32)
    await expect(getRunRelated(store, missing)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(missing) })
  })
})

describe('deleted children and logged models (MLflow 3 store)', () => {
  const runs = dumpRows(FIXTURES.small.dump, 'runs')
  const tags = dumpRows(FIXTURES.small.dump, 'tags')
  const child = tags.find((t) => t.key === PARENT_TAG)!
  const producer = runs.find((r) => r.run_uuid !== child.run_uuid && r.run_uuid !== child.value)!
  let store: StoreHandle

  beforeAll(async () => {
    const db = await createDatabase('related_changed', FIXTURES.small.template)
    const c = adminClient(db)
    await c.connect()
    // The fixture's one logged model has no source run, and no child run is deleted: give the clone both.
    await c.query(`UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = end_time WHERE run_uuid = $1`, [child.run_uuid])
    await c.query('UPDATE logged_models SET source_run_id = $1', [producer.run_uuid])
    await c.end()
    store = await openStore(targetFor(db))
  })
  afterAll(() => store?.close())

  it('lists deleted children too, marked deleted', async () => {
    const got = await getRunRelated(store, child.value!)
    const deleted = got.children.find((c) => c.run_id === child.run_uuid)!
    expect(deleted.lifecycle_stage).toBe('deleted')
  })

  it('lists the logged models a run produced, with status name, tags and params', async () => {
    const got = await getRunRelated(store, producer.run_uuid!)
    const [row] = dumpRows(FIXTURES.small.dump, 'logged_models')
    expect(got.logged_models).toHaveLength(1)
    const m = got.logged_models[0]
    expect(m).toMatchObject({
      model_id: row.model_id,
      name: row.name,
      experiment_id: row.experiment_id,
      source_run_id: producer.run_uuid,
      artifact_location: row.artifact_location,
      creation_timestamp_ms: Number(row.creation_timestamp_ms),
      last_updated_timestamp_ms: Number(row.last_updated_timestamp_ms),
      status: loggedModelStatus(Number(row.status)),
      model_type: row.model_type,
      lifecycle_stage: row.lifecycle_stage,
    })
    expect(m.status).toBe('READY')
    const modelTags = dumpRows(FIXTURES.small.dump, 'logged_model_tags').map((t) => ({ key: t.tag_key, value: t.tag_value }))
    expect(m.tags).toEqual(modelTags.sort((a, b) => a.key!.localeCompare(b.key!)))
    expect(m.params).toEqual(dumpRows(FIXTURES.small.dump, 'logged_model_params').map((p) => ({ key: p.param_key, value: p.param_value })))
  })

  it('names every logged model status MLflow stores', () => {
    expect([0, 1, 2, 3, 42, null].map(loggedModelStatus)).toEqual(['UNSPECIFIED', 'PENDING', 'READY', 'FAILED', 'UNSPECIFIED', 'UNSPECIFIED'])
  })
})

describe('models logged by MLflow 1.x/2.x (the mlflow.log-model.history tag), on the MLflow 1.30 store', () => {
  const runs = dumpRows(FIXTURES.old.dump, 'runs')
  const versions = dumpRows(FIXTURES.old.dump, 'model_versions')
  // A run whose artifacts hold a model folder (an MLmodel real MLflow 1.30 wrote).
  const run = runs.find((r) => versions.some((v) => v.run_id === r.run_uuid))!
  let store: StoreHandle
  /** The tag as MLflow 2.x's SqlAlchemyStore.record_logged_model writes it: json.dumps of Model.get_tags_dict(), one entry per log_model. */
  const tag = (id: string) =>
    JSON.stringify([
      {
        run_id: id,
        artifact_path: 'model',
        utc_time_created: '2024-03-05 10:11:12.131415',
        flavors: { python_function: { loader_module: 'mlflow.sklearn', python_version: '3.10.12' }, sklearn: { sklearn_version: '1.3.2' } },
        model_uuid: 'f3b2a1c0d9e84f7a8b6c5d4e3f2a1b0c',
        mlflow_version: '2.9.2',
        model_size_bytes: 2045,
      },
      { run_id: id, artifact_path: 'calibrated', utc_time_created: '2024-03-05 10:12:00.000000', flavors: { python_function: {} }, model_uuid: 'a'.repeat(32) },
    ])
      .replace(/":/g, '": ')
      .replace(/,"/g, ', "')

  beforeAll(async () => {
    const db = await createDatabase('related_history', FIXTURES.old.template)
    const c = adminClient(db)
    await c.connect()
    await c.query(`INSERT INTO tags (key, value, run_uuid) VALUES ('mlflow.log-model.history', $1, $2)`, [tag(run.run_uuid!), run.run_uuid])
    await c.end()
    store = await openStore(targetFor(db))
  })
  afterAll(() => store?.close())

  it('lists each logged model beside the run’s other models: path, flavors, time, uuid, MLflow version and size', async () => {
    const got = await getRunRelated(store, run.run_uuid!)
    expect(got.history_problem).toBeNull()
    expect(got.history_models).toEqual([
      {
        artifact_path: 'model',
        flavors: ['python_function', 'sklearn'],
        created_ms: Date.UTC(2024, 2, 5, 10, 11, 12, 131),
        model_uuid: 'f3b2a1c0d9e84f7a8b6c5d4e3f2a1b0c',
        mlflow_version: '2.9.2',
        model_size_bytes: 2045,
        run_id: run.run_uuid,
      },
      {
        artifact_path: 'calibrated',
        flavors: ['python_function'],
        created_ms: Date.UTC(2024, 2, 5, 10, 12),
        model_uuid: 'a'.repeat(32),
        mlflow_version: null,
        model_size_bytes: null,
        run_id: run.run_uuid,
      },
    ])
    // The registered versions from the same run are still there, as before.
    expect(got.model_versions.map((v) => v.version).sort()).toEqual(
      versions
        .filter((v) => v.run_id === run.run_uuid)
        .map((v) => v.version)
        .sort(),
    )
    // Other runs have no history: none listed.
    const other = runs.find((r) => r.run_uuid !== run.run_uuid)!
    expect((await getRunRelated(store, other.run_uuid!)).history_models).toEqual([])
  })

  it('says why when the tag cannot be read (cut at the tag length limit), and still answers the rest', async () => {
    const cut = tag(run.run_uuid!).slice(0, 120)
    const db = await createDatabase('related_history_cut', FIXTURES.old.template)
    const admin = adminClient(db)
    await admin.connect()
    await admin.query(`INSERT INTO tags (key, value, run_uuid) VALUES ('mlflow.log-model.history', $1, $2)`, [cut, run.run_uuid])
    await admin.end()
    const cutStore = await openStore(targetFor(db))
    try {
      const got = await getRunRelated(cutStore, run.run_uuid!)
      expect(got.history_models).toEqual([])
      expect(got.history_problem).toBe(`The run tag mlflow.log-model.history is not valid JSON (120 characters): its logged models cannot be listed.`)
      expect(got.model_versions.length).toBeGreaterThan(0)
    } finally {
      await cutStore.close()
    }
  })
})
