import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { getPrompt, searchPrompts } from '../../electron/services/prompts/promptRegistry'
import { findResolve, findSearch, type FindSources } from '../../electron/services/find/findService'
import { listRegisteredModels } from '../../electron/services/tracking/registry'
import { parsePromptTemplate, templateVariables } from '@shared/domain/prompts'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES } from '../helpers/fixtures'

type Row = Record<string, string | null>
const dump = FIXTURES.genai.dump
const num = (v: string | null) => (v === null ? null : Number(v))

/** What the dump says of one prompt version: its tags by key. */
function versionTags(name: string, version: string): Map<string, string> {
  return new Map(
    dumpRows(dump, 'model_version_tags')
      .filter((t: Row) => t.name === name && t.version === version)
      .map((t: Row) => [t.key!, t.value ?? '']),
  )
}

describe('the prompt registry of the MLflow 3.5 GenAI fixture', () => {
  const models = dumpRows(dump, 'registered_models')
  const promptNames = dumpRows(dump, 'registered_model_tags')
    .filter((t: Row) => t.key === 'mlflow.prompt.is_prompt' && t.value === 'true')
    .map((t: Row) => t.name!)
    .sort()
  let database: string
  let store: StoreHandle

  beforeAll(async () => {
    database = await createDatabase('prompts_genai', FIXTURES.genai.template)
    store = await openStore(targetFor(database))
  })
  afterAll(() => store?.close())

  it('lists the prompts by name with their latest version, version count, aliases and own tags', async () => {
    expect(promptNames).toEqual(['sql-generator', 'support-system-prompt'])
    const got = await searchPrompts(store, { max_results: 100 })
    expect(got.next_page_token).toBeNull()
    expect(got.prompts.map((p) => p.name)).toEqual(promptNames)
    for (const p of got.prompts) {
      const m = models.find((x: Row) => x.name === p.name)!
      const versions = dumpRows(dump, 'model_versions').filter((v: Row) => v.name === p.name)
      const latest = versions.sort((a: Row, b: Row) => Number(b.version) - Number(a.version))[0]
      expect(p.description).toBe(m.description)
      expect(p.creation_timestamp).toBe(num(m.creation_time))
      expect(p.version_count).toBe(versions.length)
      expect(p.latest_version).toEqual({ version: latest.version, commit_message: latest.description, creation_timestamp: num(latest.creation_time) })
      const ownTags = dumpRows(dump, 'registered_model_tags').filter((t: Row) => t.name === p.name && !t.key!.startsWith('mlflow.prompt.'))
      expect(p.tags).toEqual(ownTags.map((t: Row) => ({ key: t.key!, value: t.value! })))
      const aliases = dumpRows(dump, 'registered_model_aliases').filter((a: Row) => a.name === p.name)
      expect(p.aliases).toEqual(aliases.map((a: Row) => ({ alias: a.alias!, version: a.version! })))
    }
    expect(got.prompts.find((p) => p.name === 'support-system-prompt')!.aliases).toEqual([{ alias: 'production', version: '2' }])
  })

  it('keeps prompts out of the models list, as MLflow’s search_registered_models does', async () => {
    const got = await listRegisteredModels(store, { max_results: 100 })
    const notPrompts = models.map((m: Row) => m.name!).filter((n) => !promptNames.includes(n))
    expect(got.registered_models.map((m) => m.name)).toEqual(notPrompts.sort())
    expect((await listRegisteredModels(store, { filter: 'prompt', max_results: 100 })).registered_models).toEqual([])
  })

  it('"find anything" finds prompts as prompts (opening their page), and never as registered models', async () => {
    const src: FindSources = { store: async () => store, savedQueries: async () => [] }
    const { hits } = await findSearch(src, { text: 'prompt', limit: 20 })
    const support = hits.find((h) => h.id === 'support-system-prompt')
    expect(support).toMatchObject({ kind: 'prompt', title: 'support-system-prompt', route: '/prompts/support-system-prompt' })
    expect(support!.detail).toBe(`Prompt · ${dumpRows(dump, 'model_versions').filter((v: Row) => v.name === 'support-system-prompt').length} versions`)
    expect(hits.filter((h) => h.kind === 'model')).toEqual([])
    expect((await findSearch(src, { text: 'sql-gen', limit: 20, kinds: ['model'] })).hits).toEqual([])
    expect((await findSearch(src, { text: 'sql-gen', limit: 20, kinds: ['prompt'] })).hits.map((h) => h.id)).toEqual(['sql-generator'])
    expect((await findResolve(src, { text: 'sql-generator' })).hit).toMatchObject({ kind: 'prompt', route: '/prompts/sql-generator' })
  })

  it('resolves prompts:/ URIs to the version they name, as MLflow’s load_prompt does, and says what is missing', async () => {
    const src: FindSources = { store: async () => store, savedQueries: async () => [] }
    const alias = dumpRows(dump, 'registered_model_aliases').find((a: Row) => a.name === 'support-system-prompt')!
    const latest = Math.max(
      ...dumpRows(dump, 'model_versions')
        .filter((v: Row) => v.name === 'support-system-prompt')
        .map((v: Row) => Number(v.version)),
    )
    const resolve = async (text: string) => (await findResolve(src, { text })).hit
    expect(await resolve(`prompts:/support-system-prompt@${alias.alias}`)).toMatchObject({
      kind: 'prompt',
      id: `support-system-prompt/${alias.version}`,
      route: `/prompts/support-system-prompt?version=${alias.version}`,
      detail: `Prompt version · @${alias.alias}`,
    })
    expect((await resolve('prompts:/support-system-prompt/1')).route).toBe('/prompts/support-system-prompt?version=1')
    expect((await resolve('prompts:/support-system-prompt@latest')).route).toBe(`/prompts/support-system-prompt?version=${latest}`)
    expect(await resolve('prompts:/sql-generator')).toMatchObject({ kind: 'prompt', route: '/prompts/sql-generator' })
    const fails = async (text: string) =>
      findResolve(src, { text }).then(
        () => null,
        (e: unknown) => e,
      )
    expect(await fails('prompts:/support-system-prompt/9')).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('support-system-prompt') })
    expect(await fails('prompts:/support-system-prompt@staging')).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining("Alias 'staging'") })
    expect(await fails('prompts:/no-such-prompt/1')).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining("Prompt 'no-such-prompt'") })
  })

  it('gets a prompt with every version, newest first: commit message, template, variables, tags and aliases as the dump holds them', async () => {
    for (const name of promptNames) {
      const got = await getPrompt(store, name)
      expect(got.prompt.name).toBe(name)
      const rows = dumpRows(dump, 'model_versions')
        .filter((v: Row) => v.name === name)
        .sort((a: Row, b: Row) => Number(b.version) - Number(a.version))
      expect(got.versions.map((v) => v.version)).toEqual(rows.map((v: Row) => v.version))
      for (const v of got.versions) {
        const row = rows.find((r: Row) => r.version === v.version)!
        const tags = versionTags(name, v.version)
        const parsed = parsePromptTemplate(tags.get('mlflow.prompt.text')!, tags.get('_mlflow_prompt_type') ?? null)
        expect(v.commit_message).toBe(row.description)
        expect(v.creation_timestamp).toBe(num(row.creation_time))
        expect(v.user_id).toBe(row.user_id)
        expect(v.template).toEqual(parsed.template)
        expect(v.template_problem).toBeNull()
        expect(v.variables).toEqual(templateVariables(parsed.template))
        expect(v.tags).toEqual([...tags].filter(([k]) => !k.startsWith('mlflow.prompt.') && !k.startsWith('_mlflow')).map(([key, value]) => ({ key, value })))
        const aliases = dumpRows(dump, 'registered_model_aliases').filter((a: Row) => a.name === name && a.version === v.version)
        expect(v.aliases).toEqual(aliases.map((a: Row) => a.alias))
      }
    }
    const support = await getPrompt(store, 'support-system-prompt')
    expect(support.versions.map((v) => [v.version, v.variables, v.aliases])).toEqual([
      ['3', ['product', 'question'], []],
      ['2', ['question'], ['production']],
      ['1', ['question'], []],
    ])
    const sql = await getPrompt(store, 'sql-generator')
    const chat = sql.versions.find((v) => v.version === '1')!
    expect(chat.template).toMatchObject({ type: 'chat', messages: [{ role: 'system' }, { role: 'user', content: '{{task}}' }] })
    expect(chat.variables).toEqual(['dialect', 'task'])
    expect(sql.versions.find((v) => v.version === '2')!.template.type).toBe('text')
  })

  it('says NOT_FOUND for a name that is no prompt, and refuses a malformed name filter with its position', async () => {
    await expect(getPrompt(store, 'no-such-prompt')).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining("Prompt 'no-such-prompt'") })
    await expect(searchPrompts(store, { filter: "name = 'x' OR", max_results: 10 })).rejects.toMatchObject({
      code: 'INVALID_FILTER',
      details: { field: 'filter', position: 11 },
    })
  })

  it('searches by a name substring or name clauses, and pages by name', async () => {
    const names = async (filter: string) => (await searchPrompts(store, { filter, max_results: 100 })).prompts.map((p) => p.name)
    expect(await names('SUPPORT')).toEqual(['support-system-prompt'])
    expect(await names("name LIKE 'sql-%'")).toEqual(['sql-generator'])
    const first = await searchPrompts(store, { max_results: 1 })
    expect(first.prompts.map((p) => p.name)).toEqual([promptNames[0]])
    const second = await searchPrompts(store, { max_results: 1, page_token: first.next_page_token })
    expect(second.prompts.map((p) => p.name)).toEqual([promptNames[1]])
    expect(second.next_page_token).toBeNull()
  })

  it('lists the runs and traces MLflow 3 tagged mlflow.linkedPrompts with a version, and runs a version tagged mlflow.prompt.run_ids', async () => {
    const [runA, runB] = dumpRows(dump, 'runs').map((r: Row) => r.run_uuid!)
    const traces = dumpRows(dump, 'trace_info')
      .sort((a: Row, b: Row) => Number(b.timestamp_ms) - Number(a.timestamp_ms))
      .slice(0, 2)
    const c = adminClient(database)
    await c.connect()
    try {
      // What mlflow.genai's prompt loading writes (json.dumps of [{name, version}]), plus a tag that is not JSON.
      await c.query(`INSERT INTO tags (key, value, run_uuid) VALUES ('mlflow.linkedPrompts', $1, $2)`, [
        JSON.stringify([
          { name: 'support-system-prompt', version: '2' },
          { name: 'sql-generator', version: '1' },
        ]),
        runA,
      ])
      await c.query(`INSERT INTO tags (key, value, run_uuid) VALUES ('mlflow.linkedPrompts', 'not json "support-system-prompt"', $1)`, [runB])
      await c.query(`INSERT INTO model_version_tags (key, value, name, version) VALUES ('mlflow.prompt.run_ids', $1, 'support-system-prompt', 3)`, [
        `${runB}, ${runA}`,
      ])
      for (const t of traces) {
        await c.query(`INSERT INTO trace_tags (key, value, request_id) VALUES ('mlflow.linkedPrompts', $1, $2)`, [
          JSON.stringify([{ name: 'support-system-prompt', version: '2' }]),
          t.request_id,
        ])
      }
    } finally {
      await c.end()
    }
    const got = await getPrompt(store, 'support-system-prompt')
    const v = (n: string) => got.versions.find((x) => x.version === n)!
    expect(v('2').linked_runs.map((r) => r.run_id)).toEqual([runA])
    expect(v('2').linked_runs[0].experiment_id).toBe(dumpRows(dump, 'runs').find((r: Row) => r.run_uuid === runA)!.experiment_id)
    expect(new Set(v('3').linked_runs.map((r) => r.run_id))).toEqual(new Set([runA, runB]))
    expect(v('1').linked_runs).toEqual([])
    expect(v('2').linked_traces.map((t) => t.trace_id)).toEqual(traces.map((t: Row) => t.request_id))
    expect(v('2').linked_traces[0]).toMatchObject({ timestamp_ms: Number(traces[0].timestamp_ms), state: traces[0].status })
    expect(v('3').linked_traces).toEqual([])
    const sql = await getPrompt(store, 'sql-generator')
    expect(sql.versions.find((x) => x.version === '1')!.linked_runs.map((r) => r.run_id)).toEqual([runA])
  })
})

describe.each(['small', 'old'] as const)('the MLflow-written %s fixture, which holds registered models and no prompts', (fixture) => {
  let store: StoreHandle
  beforeAll(async () => {
    store = await openStore(targetFor(await createDatabase(`prompts_${fixture}`, FIXTURES[fixture].template)))
  })
  afterAll(() => store?.close())

  it('lists no prompt, finds none by name, and keeps every registered model in the models list', async () => {
    expect(await searchPrompts(store, { max_results: 100 })).toEqual({ prompts: [], next_page_token: null })
    const models = dumpRows(FIXTURES[fixture].dump, 'registered_models').map((m: Row) => m.name!)
    expect(models.length).toBeGreaterThan(0)
    await expect(getPrompt(store, models[0])).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect((await listRegisteredModels(store, { max_results: 100 })).registered_models.map((m) => m.name)).toEqual([...models].sort())
  })
})
