import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { findResolve, findSearch, type FindSources } from '../../electron/services/find/findService'
import { isAppError } from '@shared/api/errors'
import type { FindHit } from '@shared/domain/find'
import type { SavedQuery } from '@shared/domain/query'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES, readManifest, type FixtureName } from '../helpers/fixtures'

type Row = Record<string, string | null>
const STAGES = ['None', 'Staging', 'Production', 'Archived']

/** The run name MLflow's UI shows: the column, else the mlflow.runName tag. */
function nameOf(run: Row, tags: Row[]): string | null {
  return run.name || (tags.find((t) => t.run_uuid === run.run_uuid && t.key === 'mlflow.runName')?.value ?? null)
}

async function failure(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p
  } catch (e) {
    if (isAppError(e)) return { code: e.code, message: e.message }
    throw e
  }
  throw new Error('expected a failure')
}

const SAVED: SavedQuery[] = [
  { id: 'q-1', name: 'Runs per user', sql: 'SELECT 1', description: 'who logged the most', params: [], created_at: 0, updated_at: 0 },
  { id: 'q-2', name: 'Failed runs this week', sql: 'SELECT 2', description: null, params: [], created_at: 0, updated_at: 0 },
]

describe.each(['small', 'old', 'genai'] as FixtureName[])('find anything in the MLflow-written %s fixture', (fixture) => {
  const dump = FIXTURES[fixture].dump
  const runs = dumpRows(dump, 'runs')
  const tags = dumpRows(dump, 'tags')
  const experiments = dumpRows(dump, 'experiments')
  const versions = dumpRows(dump, 'model_versions')
  let store: StoreHandle
  let db: string
  /** Every statement the searches send, to check what they read. */
  const statements: string[] = []
  let src: FindSources

  beforeAll(async () => {
    db = await createDatabase(`find_${fixture}`, FIXTURES[fixture].template)
    store = await openStore(targetFor(db))
    const select = store.select.bind(store)
    const recording = Object.create(store) as StoreHandle
    Object.defineProperty(recording, 'select', {
      value: (sql: string, bind?: unknown[]) => (statements.push(sql), select(sql, bind)),
    })
    src = { store: async () => recording, savedQueries: async () => SAVED }
  })
  afterAll(() => store?.close())

  it('resolves every run by its id, with the name MLflow shows and its experiment', async () => {
    for (const run of runs) {
      const { hit } = await findResolve(src, { text: run.run_uuid! })
      const experiment = experiments.find((e) => e.experiment_id === run.experiment_id)!
      expect(hit).toMatchObject({ kind: 'run', id: run.run_uuid, title: nameOf(run, tags) ?? run.run_uuid, route: `/runs/${run.run_uuid}` })
      expect(hit.detail).toContain(experiment.name)
      expect(hit.experiment_id).toBe(run.experiment_id)
      expect(hit.deleted).toBe(run.lifecycle_stage === 'deleted')
    }
  })

  it('opens runs:/<id>/<path> on the run’s artifacts at that path, and a UI link on the run', async () => {
    const run = runs[0]
    const { hit } = await findResolve(src, { text: `runs:/${run.run_uuid}/model/MLmodel` })
    expect(hit.route).toBe(`/runs/${run.run_uuid}?tab=artifacts&artifact=${encodeURIComponent('model/MLmodel')}`)
    expect(hit.note).toContain('model/MLmodel')
    const link = await findResolve(src, { text: `http://mlflow.example:5000/#/experiments/${run.experiment_id}/runs/${run.run_uuid}` })
    expect(link.hit.id).toBe(run.run_uuid)
  })

  it('says which run id is not in the store', async () => {
    const missing = 'f'.repeat(32)
    const e = await failure(findResolve(src, { text: missing }))
    expect(e.code).toBe('NOT_FOUND')
    expect(e.message).toContain(missing)
  })

  it('finds runs of every experiment by a piece of their name, and by the start of their id', async () => {
    const live = runs.filter((r) => r.lifecycle_stage === 'active' && nameOf(r, tags))
    for (const run of live.slice(0, 8)) {
      const name = nameOf(run, tags)!
      const piece = name.slice(Math.floor(name.length / 3), Math.floor(name.length / 3) + 6)
      const { hits } = await findSearch(src, { text: piece, limit: 50, kinds: ['run'] })
      const sharing = runs.filter((r) => nameOf(r, tags)?.toLowerCase().includes(piece.toLowerCase()))
      expect(hits.map((h) => h.id)).toContain(run.run_uuid)
      expect(hits.length).toBe(Math.min(50, sharing.length))
      const byId = await findSearch(src, { text: run.run_uuid!.slice(0, 10), limit: 5, kinds: ['run'] })
      expect(byId.hits.map((h) => h.id)).toEqual([run.run_uuid])
    }
  })

  it('ranks an exact name first, then its prefix matches, live before deleted', async () => {
    const run = runs.find((r) => r.lifecycle_stage === 'active' && nameOf(r, tags))!
    const name = nameOf(run, tags)!
    const { hits } = await findSearch(src, { text: name.toUpperCase(), limit: 20 })
    expect(hits[0]).toMatchObject({ kind: 'run', title: name })
    const scores = hits.map((h) => h.score)
    expect(scores).toEqual([...scores].sort((a, b) => b - a))
  })

  it('finds experiments by name and by id', async () => {
    for (const e of experiments) {
      const { hits } = await findSearch(src, { text: e.name!.slice(0, 8), limit: 50, kinds: ['experiment'] })
      expect(hits.map((h) => h.id)).toContain(e.experiment_id)
      const { hit } = await findResolve(src, { text: e.experiment_id! })
      expect(hit).toMatchObject({ kind: 'experiment', id: e.experiment_id, title: e.name, route: `/experiments/${e.experiment_id}/runs` })
      const byName = await findResolve(src, { text: e.name! })
      expect(byName.hit.id).toBe(e.experiment_id)
    }
  })

  it('resolves models:/ URIs to the version MLflow would load', async () => {
    for (const name of [...new Set(versions.map((v) => v.name!))]) {
      const mine = versions.filter((v) => v.name === name && v.current_stage !== 'Deleted_Internal')
      const highest = Math.max(...mine.map((v) => Number(v.version)))
      for (const v of mine) {
        const { hit } = await findResolve(src, { text: `models:/${name}/${v.version}` })
        expect(hit).toMatchObject({ kind: 'model_version', id: `${name}/${v.version}`, route: `/models/${encodeURIComponent(name)}/versions/${v.version}` })
      }
      expect((await findResolve(src, { text: `models:/${name}/latest` })).hit.id).toBe(`${name}/${highest}`)
      for (const stage of STAGES) {
        const inStage = mine.filter((v) => v.current_stage === stage).map((v) => Number(v.version))
        const got = findResolve(src, { text: `models:/${name}/${stage.toLowerCase()}` })
        if (inStage.length) expect((await got).hit.id).toBe(`${name}/${Math.max(...inStage)}`)
        else expect((await failure(got)).code).toBe('NOT_FOUND')
      }
      // MLflow keeps prompts as registered models; their name opens them as prompts.
      const prompt = dumpRows(dump, 'registered_model_tags').some((t) => t.name === name && t.key === 'mlflow.prompt.is_prompt' && t.value === 'true')
      expect((await findResolve(src, { text: name })).hit).toMatchObject({ kind: prompt ? 'prompt' : 'model', id: name })
    }
    if (versions.length) {
      const e = await failure(findResolve(src, { text: `models:/${versions[0].name}/Shipping` }))
      expect(e.code).toBe('BAD_REQUEST')
      expect(e.message).toContain('Production')
    }
  })

  it('takes an id past PostgreSQL’s integer range as naming nothing, not as a failed search', async () => {
    // Experiment ids and version numbers are int4 columns: 9999999999 would be PostgreSQL's out-of-range error.
    const search = await findSearch(src, { text: 'http://mlflow.example/#/experiments/9999999999', limit: 10 })
    expect(search.hits.filter((h) => h.kind === 'experiment' && h.id === '9999999999')).toEqual([])
    expect((await failure(findResolve(src, { text: 'http://mlflow.example/#/experiments/9999999999' }))).code).toBe('NOT_FOUND')
    if (versions.length) expect((await failure(findResolve(src, { text: `models:/${versions[0].name}/99999999999` }))).code).toBe('NOT_FOUND')
  })

  it('resolves models:/<name>@<alias> where the store keeps aliases, and says why not where it does not', async () => {
    const aliases = dumpRows(dump, 'registered_model_aliases')
    if (store.capabilities.modelAliases) {
      expect(aliases.length).toBeGreaterThan(0)
      for (const a of aliases) {
        const { hit } = await findResolve(src, { text: `models:/${a.name}@${a.alias}` })
        expect(hit.id).toBe(`${a.name}/${a.version}`)
        expect(hit.detail).toContain(`@${a.alias}`)
      }
    } else {
      const name = versions[0].name
      const e = await failure(findResolve(src, { text: `models:/${name}@champion` }))
      expect(e).toMatchObject({ code: 'NOT_FOUND' })
      expect(e.message).toContain('no model aliases')
    }
  })

  it('opens a logged model on its own page', async () => {
    const logged = dumpRows(dump, 'logged_models')
    if (!store.capabilities.loggedModels) {
      const e = await failure(findResolve(src, { text: `m-${'0'.repeat(32)}` }))
      expect(e.message).toContain('no logged models')
      return
    }
    expect(logged.length).toBeGreaterThan(0)
    for (const m of logged) {
      const { hit } = await findResolve(src, { text: `models:/${m.model_id}` })
      expect(hit).toMatchObject({ kind: 'logged_model', id: m.model_id, title: m.name })
      expect(hit.route).toBe(`/logged-models/${m.model_id}`)
      expect(hit.note).toBeNull()
      const { hits } = await findSearch(src, { text: m.name!, limit: 10, kinds: ['logged_model'] })
      expect(hits.map((h) => h.id)).toContain(m.model_id)
    }
  })

  it('opens a trace on its own page, whatever run it was made in', async () => {
    const traces = dumpRows(dump, 'trace_info')
    if (!store.capabilities.traces) {
      const e = await failure(findResolve(src, { text: `tr-${'a'.repeat(32)}` }))
      expect(e.message).toContain('no traces')
      return
    }
    expect(traces.length).toBeGreaterThan(0)
    for (const t of traces.slice(0, 20)) {
      const { hit } = await findResolve(src, { text: t.request_id! })
      expect(hit).toMatchObject({ kind: 'trace', id: t.request_id, route: `/traces/${t.request_id}`, note: null, experiment_id: String(t.experiment_id) })
    }
  })

  it('ranks saved queries and screens with the store’s things', async () => {
    const { hits } = await findSearch(src, { text: 'runs per', limit: 20 })
    expect(hits.map((h) => [h.kind, h.id])).toContainEqual(['saved_query', 'q-1'])
    const models = await findSearch(src, { text: 'models', limit: 5, kinds: ['screen'] })
    expect(models.hits.map((h: FindHit) => h.id)).toEqual(store.capabilities.modelRegistry ? ['/models'] : [])
    const sql = await findSearch(src, { text: 'sql', limit: 5 })
    expect(sql.hits[0]).toMatchObject({ kind: 'screen', route: '/query' })
  })

  it('never reads metrics, params or latest_metrics to find anything', () => {
    expect(statements.length).toBeGreaterThan(10)
    for (const s of statements) expect(s).not.toMatch(/\b(metrics|params|latest_metrics)\b/)
  })
})

describe('run names that live only in the mlflow.runName tag (runs logged with MLflow <= 1.29)', () => {
  let store: StoreHandle
  const manifest = readManifest('old').runs as Array<{ run_id: string }>
  const runId = manifest[0].run_id
  let name: string

  beforeAll(async () => {
    const db = await createDatabase('find_tag_names', FIXTURES.old.template)
    const c = adminClient(db)
    await c.connect()
    try {
      name = (await c.query<{ value: string }>(`SELECT value FROM tags WHERE run_uuid = $1 AND key = 'mlflow.runName'`, [runId])).rows[0].value
      // As MLflow <= 1.29 left them: the column empty, the name in the tag.
      await c.query(`UPDATE runs SET name = NULL`)
    } finally {
      await c.end()
    }
    store = await openStore(targetFor(db))
  })
  afterAll(() => store?.close())

  it('finds, names and resolves them by the tag', async () => {
    const src: FindSources = { store: async () => store, savedQueries: async () => [] }
    const { hits } = await findSearch(src, { text: name.slice(2, 9), limit: 50, kinds: ['run'] })
    expect(hits.find((h) => h.id === runId)?.title).toBe(name)
    const exact = await findResolve(src, { text: name })
    expect(exact.hit).toMatchObject({ kind: 'run', id: runId, title: name })
    expect((await findResolve(src, { text: runId })).hit.title).toBe(name)
  })
})
