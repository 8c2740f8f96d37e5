import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type pg from 'pg'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { searchTraces } from '../../electron/services/traces/traceSearch'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { FIXTURES, FIXTURES_DIR } from '../helpers/fixtures'

/**
 * Conformance with real MLflow's search_traces on the store it wrote
 * (test/fixtures/genai, `cases`): for every filter MLflow accepted, the trace
 * ids and their order from our search equal MLflow's, whatever the page size
 * (keyset pages of 7 and of 3 walked to the end, one page of 1,000); MLflow's
 * own first page of 7 equals ours. Where MLflow refused, we refuse too, except
 * for the refusals our extensions lift (OR, IN on trace.name, LIKE on tags):
 * those answer what the fixture's traces say they should.
 */
interface Case {
  filter: string
  order_by: string[]
  max_results: number
  ids: string[]
  error?: string
}
interface FixtureTrace {
  state: string
  tags: Record<string, string>
}
const REFERENCE = JSON.parse(readFileSync(resolve(FIXTURES_DIR, 'genai/mlflow-genai-seed21.search-traces.json'), 'utf8')) as {
  experiment_ids: string[]
  cases: Case[]
  traces: Record<string, FixtureTrace>
}

/** Refusals of MLflow's that our extensions lift: what the filter means, read from the fixture's traces. */
const LIFTED: Record<string, (t: FixtureTrace) => boolean> = {
  "trace.name IN ('sql_agent', 'nothing')": (t) => ['sql_agent', 'nothing'].includes(t.tags['mlflow.traceName']),
  "trace.status = 'ERROR' OR trace.status = 'OK'": (t) => t.state === 'ERROR' || t.state === 'OK',
  "tags.env LIKE 'pro%'": (t) => t.tags.env?.startsWith('pro') ?? false,
}

describe("conformance with MLflow's search_traces on the MLflow-written GenAI store", () => {
  let store: StoreHandle
  let client: pg.Client
  let defaultOrder: string[]

  beforeAll(async () => {
    const db = await createDatabase('trace_conformance', FIXTURES.genai.template)
    client = adminClient(db)
    await client.connect()
    store = await openStore(targetFor(db))
    defaultOrder = REFERENCE.cases.find((c) => c.filter === '' && c.order_by.length === 0 && c.max_results === 1000)!.ids
  })
  afterAll(async () => {
    await client?.end()
    await store?.close()
  })

  async function ourIds(c: Pick<Case, 'filter' | 'order_by'>, pageSize: number, pages = Infinity): Promise<string[]> {
    const ids: string[] = []
    let token: string | null = null
    do {
      const page: Awaited<ReturnType<typeof searchTraces>> = await searchTraces(store, {
        experiment_ids: REFERENCE.experiment_ids,
        filter: c.filter,
        order_by: c.order_by,
        max_results: pageSize,
        page_token: token,
      })
      ids.push(...page.traces.map((t) => t.trace_id))
      token = page.next_page_token
    } while (token && --pages > 0)
    return ids
  }

  const accepted = REFERENCE.cases.filter((c) => !c.error)
  it('the fixture has cases of both kinds', () => {
    expect(accepted.length).toBeGreaterThan(30)
    expect(REFERENCE.cases.length - accepted.length).toBeGreaterThan(4)
  })

  it.each(accepted.map((c) => [`${c.filter || '(no filter)'} ${JSON.stringify(c.order_by)} × ${c.max_results}`, c] as const))('%s', async (_n, c) => {
    // MLflow's answer for this page size is its first page: ours is the same page.
    expect(await ourIds(c, c.max_results, 1)).toEqual(c.ids)
    // Every page, walked to the end, gives MLflow's whole answer (its 1,000-row page of the same search).
    const whole = REFERENCE.cases.find((x) => x.filter === c.filter && JSON.stringify(x.order_by) === JSON.stringify(c.order_by) && x.max_results === 1000)!
    expect(await ourIds(c, 7)).toEqual(whole.ids)
    expect(await ourIds(c, 3)).toEqual(whole.ids)
  })

  const refused = [...new Map(REFERENCE.cases.filter((c) => c.error).map((c) => [c.filter, c])).values()]
  it.each(refused.map((c) => [c.filter, c] as const))('MLflow refuses %s', async (_n, c) => {
    const lifted = LIFTED[c.filter]
    if (lifted) {
      const expected = defaultOrder.filter((id) => lifted(REFERENCE.traces[id]))
      expect(expected.length).toBeGreaterThan(0)
      expect(await ourIds(c, 7)).toEqual(expected)
    } else {
      await expect(ourIds(c, 7)).rejects.toMatchObject({ code: 'INVALID_FILTER', details: { field: 'filter' } })
    }
  })

  it('every refusal of the fixture is either ours or lifted by an extension on purpose', () => {
    expect(Object.keys(LIFTED).every((f) => refused.some((c) => c.filter === f))).toBe(true)
  })
})
