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
      const mine = versions.filter((v) => v.run_id === id)
      expect(
        got.model_versions.map((v) => [v.name, v.version]),
        id,
      ).toEqual(mine.map((v) => [v.name, v.version]).sort())
      expect(got.logged_models.map((m) => m.model_id)).toEqual(loggedModels.filter((m) => m.source_run_id === id).map((m) => m.model_id))
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
