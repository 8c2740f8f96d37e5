import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type pg from 'pg'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { countRuns, searchRuns } from '../../electron/services/tracking/runs'
import type { ViewType } from '@shared/domain/mlflow'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { mlflowSearchRunIds } from '../helpers/mlflowReference'
import { SEARCH_INDEXES, createSearchIndexes } from '../../electron/services/tracking/searchIndexes'

/**
 * Conformance with MLflow's search_runs on the store real MLflow wrote: for each
 * filter and ordering, the run ids and their order from our search (keyset
 * pages) equal what MLflow's SqlAlchemyStore returns (offset pages of its SQL,
 * test/helpers/mlflowReference.ts). Cases cover every entity, alias, quoting
 * form and comparator MLflow accepts, NaN/inf latest values, NULL end times and
 * missing keys in orderings.
 */
const STAGES: Record<ViewType, string[]> = { active: ['active'], deleted: ['deleted'], all: ['active', 'deleted'] }

interface Case {
  filter?: string
  order_by?: string[]
  view?: ViewType
}

const CASES: Case[] = [
  {},
  { view: 'all' },
  { view: 'deleted' },
  // metrics: every comparator, aliases, quoting, NaN stored as 0, ±inf stored as ±max double
  { filter: 'metrics.acc > 0.5' },
  { filter: 'metrics.acc >= 0.7' },
  { filter: 'metric.acc < 0.6' },
  { filter: 'metrics.loss <= 0.5' },
  { filter: 'metrics.final_score = 0.8' },
  { filter: 'metrics.acc != 0.5', view: 'all' },
  { filter: 'metrics.diverged = 0' },
  { filter: 'metrics.unstable < -1e300' },
  { filter: 'metrics.`epoch_time_s` > 1' },
  { filter: 'metrics."loss" > -1' },
  // params and tags: = != LIKE ILIKE, quoting forms, dotted keys
  { filter: "params.lr = '0.01'" },
  { filter: 'params.optimizer = "adam"' },
  { filter: "param.optimizer != 'sgd'" },
  { filter: "parameters.optimizer LIKE 'adam%'" },
  { filter: "params.optimizer ILIKE 'ADAM%'" },
  { filter: "parameter.`batch_size` = '32' and params.optimizer != 'adamw'" },
  { filter: "tags.kind = 'vision'" },
  { filter: "tags.mlflow.source.type = 'LOCAL'", view: 'all' },
  { filter: "tags.`mlflow.runName` LIKE 'child-%'" },
  { filter: 'tags."mlflow.user" != \'nobody\'' },
  { filter: "tag.unicode ILIKE '%é%'" },
  { filter: "tags.mlflow.parentRunId LIKE '%'", view: 'all' },
  // attributes: string and numeric, aliases, IN / NOT IN on run_id
  { filter: "attributes.status = 'FINISHED'" },
  { filter: "status != 'FINISHED'", view: 'all' },
  { filter: "attribute.status LIKE 'F%'" },
  { filter: "attr.run_name = 'parent-icy-nebula-397'" },
  { filter: "run.run_name ILIKE 'CHILD-%'" },
  { filter: "attributes.`Run name` LIKE '%otter%'" },
  { filter: "attributes.user_id = 'root'" },
  { filter: "attributes.artifact_uri LIKE 'file:///srv/%'" },
  { filter: 'attributes.end_time > 0', view: 'all' },
  { filter: 'attributes.created >= 0 and attributes.end_time < 9999999999999' },
  // datasets: name, digest, context, with lists
  { filter: "datasets.name = 'vision-data-s1'" },
  { filter: "dataset.name IN ('nlp-data-s1', 'eval-data-s1')" },
  { filter: "datasets.name NOT IN ('vision-data-s1')" },
  { filter: "datasets.digest LIKE '5%'" },
  { filter: "datasets.context = 'training'" },
  { filter: "datasets.context ILIKE 'EVAL%' and metrics.acc > 0" },
  // combinations
  { filter: "metrics.acc > 0.3 and params.optimizer = 'adam' and tags.kind = 'vision' and attributes.status = 'FINISHED'" },
  // orderings: metrics (NaN after numbers, missing last either way), params, tags, attributes, several keys
  { order_by: ['metrics.acc DESC'] },
  { order_by: ['metrics.acc ASC'], view: 'all' },
  { order_by: ['metrics.diverged'] },
  { order_by: ['metrics.diverged DESC'] },
  { order_by: ['metrics.unstable DESC'], view: 'all' },
  { order_by: ['params.lr DESC'] },
  { order_by: ['params.optimizer', 'metrics.acc DESC'] },
  { order_by: ['tags.kind DESC', 'params.`batch_size` ASC'] },
  { order_by: ['attributes.end_time DESC'], view: 'all' },
  { order_by: ['attributes.end_time ASC'] },
  { order_by: ['attributes.start_time ASC'] },
  { order_by: ['start_time DESC'] },
  { order_by: ['status', 'run_name DESC'] },
  { order_by: ['attributes.run_id'] },
  { order_by: ['created ASC'] },
  { filter: "params.optimizer LIKE '%a%'", order_by: ['metrics.loss ASC', 'params.lr DESC'] },
  { filter: 'metrics.acc > 0.2', order_by: ['metrics.acc DESC'] },
  // a filter on the ordered metric: the order join carries it (NaN, stored as 0, still sorts after numbers)
  { filter: 'metrics.diverged >= 0', order_by: ['metrics.diverged DESC'], view: 'all' },
  { filter: 'metrics.diverged <= 1', order_by: ['metrics.diverged ASC'] },
  { filter: 'metrics.unstable < 1 and metrics.acc > 0', order_by: ['metrics.unstable', 'metrics.acc DESC'], view: 'all' },
  { filter: "params.optimizer != 'x'", order_by: ['params.optimizer DESC'] },
]

describe.each([
  ['small', 'without'],
  ['small', 'with'],
  ['old', 'without'],
] as const)('conformance with MLflow search_runs on the MLflow-written %s store, %s the optional search indexes', (fixture, indexes) => {
  let store: StoreHandle
  let client: pg.Client
  let experimentIds: string[]

  beforeAll(async () => {
    const db = await createDatabase('conformance', FIXTURES[fixture].template)
    client = adminClient(db)
    await client.connect()
    if (indexes === 'with') {
      expect(await createSearchIndexes(client, { where: db }, undefined, { metricHistory: true })).toHaveLength(SEARCH_INDEXES.length)
      // On a store this small the planner would ignore them: make every session use them wherever it can.
      await client.query(`ALTER DATABASE ${db} SET enable_seqscan = off`)
    }
    store = await openStore(targetFor(db))
    experimentIds = (await client.query('SELECT experiment_id FROM experiments ORDER BY experiment_id')).rows.map((r) => String(r.experiment_id))
  })
  afterAll(async () => {
    await client?.end()
    await store?.close()
  })

  async function ourIds(c: Case, pageSize: number): Promise<string[]> {
    const ids: string[] = []
    let token: string | null = null
    do {
      const page = await searchRuns(store, {
        experiment_ids: experimentIds,
        view: c.view ?? 'active',
        max_results: pageSize,
        page_token: token,
        filter: c.filter,
        order_by: c.order_by,
      })
      ids.push(...page.runs.map((r) => r.info.run_id))
      token = page.next_page_token
    } while (token)
    return ids
  }

  // MLflow 1.30 had no datasets: those cases are for the 3.5 store.
  const cases = fixture === 'old' ? CASES.filter((c) => !/datasets?\./.test(c.filter ?? '')) : CASES
  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('%s', async (_name, c) => {
    const expected = await mlflowSearchRunIds(client, { experimentIds, stages: STAGES[c.view ?? 'active'], filter: c.filter, orderBy: c.order_by })
    // Keyset pages of 4 cross every kind of boundary (ties, NULLs, NaN blocks); one big page must agree.
    expect(await ourIds(c, 4)).toEqual(expected)
    expect(await ourIds(c, 1000)).toEqual(expected)
    expect(await countRuns(store, { experiment_ids: experimentIds, view: c.view ?? 'active', filter: c.filter })).toBe(expected.length)
  })

  it('no experiment ids: every active experiment, as search_all_experiments=True lists them (search and count)', async () => {
    const active = (await client.query("SELECT experiment_id FROM experiments WHERE lifecycle_stage = 'active'")).rows.map((r) => String(r.experiment_id))
    expect(active.length).toBeLessThan(experimentIds.length)
    for (const c of [{}, { view: 'all' }, { view: 'deleted' }, { filter: 'metrics.acc > 0.5', order_by: ['metrics.acc DESC'], view: 'all' }] as Case[]) {
      const expected = await mlflowSearchRunIds(
        client,
        { experimentIds: active, stages: STAGES[c.view ?? 'active'], filter: c.filter, orderBy: c.order_by },
        1000,
      )
      for (const pageSize of [4, 1000]) {
        const ids: string[] = []
        let token: string | null = null
        do {
          const page: Awaited<ReturnType<typeof searchRuns>> = await searchRuns(store, {
            experiment_ids: [],
            view: c.view ?? 'active',
            max_results: pageSize,
            page_token: token,
            filter: c.filter,
            order_by: c.order_by,
          })
          ids.push(...page.runs.map((r) => r.info.run_id))
          token = page.next_page_token
        } while (token)
        expect(ids, JSON.stringify(c)).toEqual(expected)
      }
      expect(await countRuns(store, { experiment_ids: [], view: c.view ?? 'active', filter: c.filter })).toBe(expected.length)
    }
  })

  it('the cases are not vacuous: most filters match some runs but not all', async () => {
    const all = (await mlflowSearchRunIds(client, { experimentIds, stages: STAGES.all }, 1000)).length
    let partial = 0
    for (const c of cases.filter((x) => x.filter)) {
      const n = (await mlflowSearchRunIds(client, { experimentIds, stages: STAGES[c.view ?? 'active'], filter: c.filter }, 1000)).length
      if (n > 0 && n < all) partial++
    }
    expect(partial).toBeGreaterThan(cases.filter((x) => x.filter).length * (fixture === 'old' ? 0.5 : 0.9))
  })
})

/**
 * Beyond MLflow's grammar, answered correctly: OR and parentheses must obey set
 * algebra over the MLflow-conformant single clauses (A OR B = A ∪ B, in the
 * same order; (A OR B) AND C = (A ∪ B) ∩ C), and IN on any string attribute
 * equals the OR of its equalities.
 */
describe('OR, parentheses and IN beyond MLflow', () => {
  let store: StoreHandle
  let experimentIds: string[]

  beforeAll(async () => {
    const db = await createDatabase('search_or', FIXTURES.small.template)
    store = await openStore(targetFor(db))
    const c = adminClient(db)
    await c.connect()
    experimentIds = (await c.query('SELECT experiment_id FROM experiments')).rows.map((r) => String(r.experiment_id))
    await c.end()
  })
  afterAll(() => store?.close())

  const ids = async (filter: string, order_by?: string[]) =>
    (await searchRuns(store, { experiment_ids: experimentIds, view: 'all', max_results: 1000, filter, order_by })).runs.map((r) => r.info.run_id)

  const A = "params.optimizer = 'adam'"
  const B = 'metrics.acc > 0.8'
  const C = "attributes.status = 'FINISHED'"

  it('A OR B is the union of A and B, in search order', async () => {
    const [a, b, all, union] = await Promise.all([ids(A), ids(B), ids(''), ids(`${A} OR ${B}`)])
    expect(a.length).toBeGreaterThan(0)
    expect(b.length).toBeGreaterThan(0)
    expect(union).toEqual(all.filter((id) => a.includes(id) || b.includes(id)))
    expect(union.length).toBeGreaterThan(Math.max(a.length, b.length))
  })

  it('AND binds tighter than OR; parentheses change it', async () => {
    const [a, b, c, all] = await Promise.all([ids(A), ids(B), ids(C), ids('')])
    const grouped = all.filter((id) => (a.includes(id) || b.includes(id)) && c.includes(id))
    const precedence = all.filter((id) => a.includes(id) || (b.includes(id) && c.includes(id)))
    expect(await ids(`(${A} or ${B}) and ${C}`)).toEqual(grouped)
    expect(await ids(`${A} or ${B} and ${C}`)).toEqual(precedence)
    expect(grouped).not.toEqual(precedence)
  })

  it('IN on status and lifecycle_stage equals the OR of equalities', async () => {
    expect(await ids("status IN ('FAILED', 'KILLED')")).toEqual(await ids("status = 'FAILED' OR status = 'KILLED'"))
    expect(await ids("attributes.lifecycle_stage NOT IN ('active')")).toEqual(
      (await searchRuns(store, { experiment_ids: experimentIds, view: 'deleted', max_results: 1000 })).runs.map((r) => r.info.run_id),
    )
    expect(await ids("params.optimizer IN ('adam', 'sgd')", ['params.optimizer'])).toEqual(
      await ids("params.optimizer = 'adam' or params.optimizer = 'sgd'", ['params.optimizer']),
    )
  })

  it('values are data, never SQL: quotes and statement text in a value match nothing and change nothing', async () => {
    expect(await ids("params.optimizer = 'x'' OR ''1''=''1'")).toEqual([])
    expect(await ids(`tags.kind = "'; DROP TABLE runs; --"`)).toEqual([])
    expect((await ids('')).length).toBeGreaterThan(40)
  })

  it('a keyset token from one search is refused by another', async () => {
    const first = await searchRuns(store, { experiment_ids: experimentIds, view: 'all', max_results: 2, filter: A })
    await expect(
      searchRuns(store, { experiment_ids: experimentIds, view: 'all', max_results: 2, filter: B, page_token: first.next_page_token }),
    ).rejects.toMatchObject({
      code: 'INVALID_PAGE_TOKEN',
    })
  })
})
