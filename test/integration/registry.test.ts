import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../electron/services/api/dispatch'
import type { CallContext } from '../../electron/services/api/handlers'
import { createAppContext, type AppSetup } from '../../electron/services/appContext'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { getRegisteredModel, listRegisteredModels } from '../../electron/services/tracking/registry'
import type { ModelVersion } from '@shared/domain/mlflow'
import { adminClient, createDatabase, targetFor, urlFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES, readManifest, type FixtureName } from '../helpers/fixtures'

type Row = Record<string, string | null>
const num = (v: string | null) => (v === null ? null : Number(v))
const sortedKv = (kv: Array<{ key: string; value: string }>) => [...kv].sort((a, b) => a.key.localeCompare(b.key))

/** A version as the dump holds it, in the REST shape. */
function expectedVersion(dump: string, v: Row): ModelVersion {
  const tags = dumpRows(dump, 'model_version_tags').filter((t) => t.name === v.name && t.version === v.version)
  const aliases = dumpRows(dump, 'registered_model_aliases').filter((a) => a.name === v.name && a.version === v.version)
  return {
    name: v.name!,
    version: v.version!,
    creation_timestamp: num(v.creation_time),
    last_updated_timestamp: num(v.last_updated_time),
    user_id: v.user_id,
    current_stage: v.current_stage,
    description: v.description,
    source: v.source,
    run_id: v.run_id,
    status: v.status,
    status_message: v.status_message,
    run_link: v.run_link ?? null,
    tags: sortedKv(tags.map((t) => ({ key: t.key!, value: t.value ?? '' }))),
    aliases: aliases.map((a) => a.alias!).sort(),
  }
}

/** MLflow's latest_versions: per stage, the highest version. */
function expectedLatest(dump: string, name: string): ModelVersion[] {
  const byStage = new Map<string, Row>()
  for (const v of dumpRows(dump, 'model_versions').filter((x) => x.name === name)) {
    const cur = byStage.get(v.current_stage!)
    if (!cur || Number(cur.version) < Number(v.version)) byStage.set(v.current_stage!, v)
  }
  return [...byStage.values()].sort((a, b) => Number(a.version) - Number(b.version)).map((v) => expectedVersion(dump, v))
}

describe.each(['small', 'old'] as FixtureName[])('the model registry of the MLflow-written %s fixture', (fixture) => {
  const dump = FIXTURES[fixture].dump
  const models = dumpRows(dump, 'registered_models')
  let store: StoreHandle

  beforeAll(async () => {
    store = await openStore(targetFor(await createDatabase(`registry_${fixture}`, FIXTURES[fixture].template)))
  })
  afterAll(() => store?.close())

  it('lists every registered model by name with its fields, tags, aliases and latest versions', async () => {
    const got = await listRegisteredModels(store, { max_results: 100 })
    expect(got.next_page_token).toBeNull()
    const manifest = readManifest(fixture).registered_models as Array<{ name: string }>
    expect(got.registered_models.map((m) => m.name)).toEqual(manifest.map((m) => m.name).sort())
    expect(got.registered_models.map((m) => m.name)).toEqual(models.map((m) => m.name!).sort())
    for (const m of models) {
      const g = got.registered_models.find((x) => x.name === m.name)!
      expect(g.creation_timestamp).toBe(num(m.creation_time))
      expect(g.last_updated_timestamp).toBe(num(m.last_updated_time))
      expect(g.description).toBe(m.description)
      const tags = dumpRows(dump, 'registered_model_tags').filter((t) => t.name === m.name)
      expect(g.tags).toEqual(sortedKv(tags.map((t) => ({ key: t.key!, value: t.value ?? '' }))))
      const aliases = dumpRows(dump, 'registered_model_aliases').filter((a) => a.name === m.name)
      expect(g.aliases).toEqual(aliases.map((a) => ({ alias: a.alias!, version: a.version! })).sort((a, b) => a.alias.localeCompare(b.alias)))
      expect(g.latest_versions).toEqual(expectedLatest(dump, m.name!))
    }
  })

  it('has the stages and aliases the fixture README promises', async () => {
    const got = await listRegisteredModels(store, { max_results: 100 })
    const stages = new Set(got.registered_models.flatMap((m) => m.latest_versions.map((v) => v.current_stage)))
    expect(stages).toEqual(new Set(['None', 'Archived', 'Production']))
    const aliases = new Set(got.registered_models.flatMap((m) => m.aliases.map((a) => a.alias)))
    expect(aliases).toEqual(fixture === 'small' ? new Set(['champion', 'baseline']) : new Set())
  })

  it('gets one model with every version, newest first', async () => {
    for (const m of models) {
      const got = await getRegisteredModel(store, m.name!)
      expect(got.registered_model.name).toBe(m.name)
      const versions = dumpRows(dump, 'model_versions').filter((v) => v.name === m.name)
      expect(got.model_versions).toEqual(versions.sort((a, b) => Number(b.version) - Number(a.version)).map((v) => expectedVersion(dump, v)))
    }
    await expect(getRegisteredModel(store, 'no-such-model')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining("'no-such-model'") })
  })

  it('searches by name: substring, =, !=, LIKE and ILIKE', async () => {
    const [first, second] = models.map((m) => m.name!).sort()
    const names = async (filter: string) => (await listRegisteredModels(store, { filter, max_results: 100 })).registered_models.map((m) => m.name)
    const middle = first.slice(6, 12)
    expect(await names(middle.toUpperCase())).toEqual([first])
    expect(await names(`name = '${first}'`)).toEqual([first])
    expect(await names(`name = '${first.toUpperCase()}'`)).toEqual([])
    expect(await names(`name != '${first}'`)).toEqual([second])
    expect(await names(`name LIKE '%${middle}%'`)).toEqual([first])
    expect(await names(`name LIKE '%${middle.toUpperCase()}%'`)).toEqual([])
    expect(await names(`name ILIKE '%${middle.toUpperCase()}%'`)).toEqual([first])
    expect(await names(`attribute.name ILIKE 'MODEL-%' AND name != '${second}'`)).toEqual([first])
    // LIKE's wildcards in a plain substring are literal text.
    expect(await names('model%')).toEqual([])
    expect(await names('')).toEqual([first, second])
  })

  it('pages by name with an opaque token, and accepts MLflow offset tokens', async () => {
    const all = models.map((m) => m.name!).sort()
    const first = await listRegisteredModels(store, { max_results: 1 })
    expect(first.registered_models.map((m) => m.name)).toEqual([all[0]])
    expect(first.next_page_token).toEqual(expect.any(String))
    const second = await listRegisteredModels(store, { max_results: 1, page_token: first.next_page_token })
    expect(second.registered_models.map((m) => m.name)).toEqual([all[1]])
    expect(second.next_page_token).toBeNull()
    const offset = Buffer.from(JSON.stringify({ offset: 1 })).toString('base64')
    expect((await listRegisteredModels(store, { max_results: 10, page_token: offset })).registered_models.map((m) => m.name)).toEqual([all[1]])
    await expect(listRegisteredModels(store, { filter: 'model', max_results: 1, page_token: first.next_page_token })).rejects.toMatchObject({
      code: 'INVALID_PAGE_TOKEN',
    })
  })
})

describe('registry filters that are not name filters', () => {
  let store: StoreHandle
  beforeAll(async () => {
    store = await openStore(targetFor(await createDatabase('registry_filters', FIXTURES.small.template)))
  })
  afterAll(() => store?.close())

  const cases: Array<[string, RegExp, number]> = [
    ["tags.owner = 'bob'", /"tags\.owner" cannot be filtered on/, 0],
    ["name < 'b'", /comparator "<" is not supported/, 5],
    ["name LIKE 'abc", /quoted value is not closed/, 10],
    ['name = abc', /expected a quoted string value/, 7],
    ["name = 'a' OR name = 'b'", /clauses are joined with AND/, 11],
  ]
  for (const [filter, message, position] of cases) {
    it(`refuses ${filter} and points at position ${position}`, async () => {
      const e = await listRegisteredModels(store, { filter, max_results: 10 }).catch((x: unknown) => x)
      expect(e).toMatchObject({ code: 'INVALID_FILTER', details: { field: 'filter', position } })
      expect((e as Error).message).toMatch(message)
    })
  }
})

describe('deleted model versions', () => {
  let store: StoreHandle
  let name: string
  beforeAll(async () => {
    const db = await createDatabase('registry_deleted', FIXTURES.small.template)
    const c = adminClient(db)
    await c.connect()
    // MLflow's delete_model_version keeps the row and sets this stage; take the model's Production version.
    const { rows } = await c.query(
      `UPDATE model_versions SET current_stage = 'Deleted_Internal'
        WHERE (name, version) = (SELECT name, max(version) FROM model_versions WHERE current_stage = 'Production' GROUP BY name ORDER BY name LIMIT 1)
        RETURNING name`,
    )
    name = rows[0].name
    await c.end()
    store = await openStore(targetFor(db))
  })
  afterAll(() => store?.close())

  it('are neither listed nor counted in latest_versions, as in MLflow', async () => {
    const got = await getRegisteredModel(store, name)
    expect(got.model_versions.map((v) => v.current_stage)).not.toContain('Deleted_Internal')
    expect(got.model_versions.length).toBe(dumpRows(FIXTURES.small.dump, 'model_versions').filter((v) => v.name === name).length - 1)
    expect(got.registered_model.latest_versions.map((v) => v.current_stage)).not.toContain('Production')
    expect(got.registered_model.latest_versions.map((v) => v.current_stage)).not.toContain('Deleted_Internal')
  })
})

describe('a store without the model registry (MLflow < 1.4)', () => {
  let store: StoreHandle
  beforeAll(async () => {
    const db = await createDatabase('registry_none', FIXTURES.old.template)
    const c = adminClient(db)
    await c.connect()
    await c.query('DROP TABLE model_version_tags, registered_model_tags, model_versions, registered_models')
    await c.end()
    store = await openStore(targetFor(db))
  })
  afterAll(() => store?.close())

  it('lists no models instead of failing, and says why a model is not found', async () => {
    expect(await listRegisteredModels(store, { max_results: 100 })).toEqual({ registered_models: [], next_page_token: null })
    await expect(getRegisteredModel(store, 'm')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/no model registry/) })
  })
})

describe('the registry channels, served through dispatch as every transport serves them', () => {
  let app: AppSetup
  let call: CallContext
  beforeAll(async () => {
    const url = urlFor(await createDatabase('registry_api', FIXTURES.small.template))
    const home = await mkdtemp(join(tmpdir(), 'desk-registry-'))
    app = await createAppContext({ home, env: {}, cipher: aesGcmCipher(Buffer.alloc(32, 3), 'a test key'), choice: { url }, transport: 'http' })
    call = { window: await app.workspace.window('registry'), signal: new AbortController().signal, openWindow: async () => null }
  })
  afterAll(() => app?.workspace.dispose())

  it('answers models:list, models:get, metrics:history and runs:related', async () => {
    const version = dumpRows(FIXTURES.small.dump, 'model_versions')[0]
    const list = await dispatch(app.handlers, 'models:list', { filter: version.name }, call)
    expect(list).toMatchObject({ ok: true, data: { registered_models: [{ name: version.name }], next_page_token: null } })
    const got = await dispatch(app.handlers, 'models:get', { name: version.name }, call)
    expect(got).toMatchObject({ ok: true, data: { registered_model: { name: version.name } } })
    const related = await dispatch(app.handlers, 'runs:related', { run_id: version.run_id }, call)
    expect(related).toMatchObject({ ok: true, data: { model_versions: [{ name: version.name, version: version.version }] } })
    const metric = dumpRows(FIXTURES.small.dump, 'metrics')[0]
    const history = await dispatch(app.handlers, 'metrics:history', { run_id: metric.run_uuid, metric_key: metric.key, max_results: 1 }, call)
    expect(history).toMatchObject({ ok: true, data: { metrics: [{ key: metric.key }] } })
  })

  it('refuses malformed requests and filters as typed errors', async () => {
    expect(await dispatch(app.handlers, 'models:list', { max_results: 0 }, call)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', details: { field: 'max_results' } },
    })
    expect(await dispatch(app.handlers, 'models:list', { filter: "tags.x = 'y'" }, call)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_FILTER', details: { position: 0 } },
    })
    expect(await dispatch(app.handlers, 'models:get', { name: 'nope' }, call)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })
})
