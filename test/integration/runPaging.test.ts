import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { searchRuns } from '../../electron/services/tracking/runs'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'

/**
 * Keyset pages must add up to exactly MLflow's order. The clone gets NULL and
 * tied start times (MLflow's default ORDER BY puts NULLs first) to make the
 * cursor work for its living.
 */
describe('runs search paging', () => {
  let store: StoreHandle
  let db: string
  let experimentIds: string[]

  beforeAll(async () => {
    db = await createDatabase('paging', FIXTURES.small.template)
    const c = adminClient(db)
    await c.connect()
    await c.query(`UPDATE runs SET start_time = NULL WHERE run_uuid IN (SELECT run_uuid FROM runs ORDER BY run_uuid LIMIT 4)`)
    await c.query(`UPDATE runs SET start_time = 1700000000000 WHERE run_uuid IN (SELECT run_uuid FROM runs ORDER BY run_uuid DESC LIMIT 6)`)
    experimentIds = (await c.query('SELECT experiment_id FROM experiments')).rows.map((r) => String(r.experiment_id))
    await c.end()
    store = await openStore(targetFor(db))
  })
  afterAll(() => store?.close())

  async function mlflowOrder(stages: string[]): Promise<string[]> {
    const c = adminClient(db)
    await c.connect()
    // The statement MLflow's SqlAlchemyStore sends for a search without order_by (Appendix B, case d).
    const { rows } = await c.query(
      'SELECT run_uuid FROM runs WHERE experiment_id = ANY($1::int[]) AND lifecycle_stage = ANY($2::text[]) ORDER BY start_time DESC, run_uuid',
      [experimentIds.map(Number), stages],
    )
    await c.end()
    return rows.map((r) => r.run_uuid)
  }

  for (const pageSize of [1, 3, 7, 50]) {
    it(`walks every page of ${pageSize} to exactly MLflow's order`, async () => {
      const ids: string[] = []
      let token: string | null = null
      let pages = 0
      do {
        const page: Awaited<ReturnType<typeof searchRuns>> = await searchRuns(store, {
          experiment_ids: experimentIds,
          view: 'all',
          max_results: pageSize,
          page_token: token,
        })
        expect(page.runs.length).toBeLessThanOrEqual(pageSize)
        ids.push(...page.runs.map((r) => r.info.run_id))
        token = page.next_page_token
        pages++
      } while (token && pages < 500)
      expect(ids).toEqual(await mlflowOrder(['active', 'deleted']))
    })
  }

  it('splits runs by view type', async () => {
    const active = await searchRuns(store, { experiment_ids: experimentIds, view: 'active', max_results: 1000 })
    const deleted = await searchRuns(store, { experiment_ids: experimentIds, view: 'deleted', max_results: 1000 })
    expect(active.runs.map((r) => r.info.run_id)).toEqual(await mlflowOrder(['active']))
    expect(deleted.runs.map((r) => r.info.run_id)).toEqual(await mlflowOrder(['deleted']))
    expect(deleted.runs.every((r) => r.info.lifecycle_stage === 'deleted')).toBe(true)
    expect(active.next_page_token).toBeNull()
  })

  it("continues from MLflow's own offset page token", async () => {
    const token = Buffer.from(JSON.stringify({ offset: 10 })).toString('base64')
    const page = await searchRuns(store, { experiment_ids: experimentIds, view: 'all', max_results: 5, page_token: token })
    expect(page.runs.map((r) => r.info.run_id)).toEqual((await mlflowOrder(['active', 'deleted'])).slice(10, 15))
  })

  it('refuses a token that belongs to another search', async () => {
    const first = await searchRuns(store, { experiment_ids: experimentIds, view: 'all', max_results: 2 })
    await expect(searchRuns(store, { experiment_ids: ['1'], view: 'all', max_results: 2, page_token: first.next_page_token })).rejects.toMatchObject({
      code: 'INVALID_PAGE_TOKEN',
    })
  })
})
