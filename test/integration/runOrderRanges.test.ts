import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type pg from 'pg'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { forgetStoreIndexes } from '../../electron/services/tracking/storeIndexes'
import { searchRuns } from '../../electron/services/tracking/runs'
import type { RunsSearchRequest } from '@shared/api/contract'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { explain, recordingStore } from '../helpers/recordingStore'

/**
 * MLflow's explicit `attributes.start_time DESC` puts runs without a start time last. Written as
 * the column's own NULLS LAST, an index in start_time DESC (NULLs first) cannot give it in one
 * walk, so with such an index the page is read as two ranges: the start times by the index, then
 * the runs without one. The answer is the same either way, page by page, and a token carries over.
 */
describe('explicit start_time order: the same runs in the same order, by index walks where there is an index', () => {
  let client: pg.Client
  let store: StoreHandle
  let experiment: string
  let expected: string[]

  beforeAll(async () => {
    const db = await createDatabase('order_ranges', FIXTURES.small.template)
    client = adminClient(db)
    await client.connect()
    const { rows } = await client.query<{ experiment_id: string }>(
      `SELECT experiment_id::text FROM runs WHERE lifecycle_stage = 'active' GROUP BY experiment_id ORDER BY count(*) DESC LIMIT 1`,
    )
    experiment = rows[0].experiment_id
    // Three runs without a start time (MLflow's column allows it), among them the one with the smallest id.
    await client.query(
      `UPDATE runs SET start_time = NULL WHERE run_uuid IN (
         (SELECT run_uuid FROM runs WHERE experiment_id = $1 AND lifecycle_stage = 'active' ORDER BY run_uuid LIMIT 2)
         UNION (SELECT run_uuid FROM runs WHERE experiment_id = $1 AND lifecycle_stage = 'active' ORDER BY run_uuid DESC LIMIT 1))`,
      [experiment],
    )
    // MLflow's own ORDER BY: the CASE column, the value, then run_uuid.
    const ref = await client.query<{ run_uuid: string }>(
      `SELECT run_uuid FROM runs WHERE experiment_id = $1 AND lifecycle_stage = 'active'
        ORDER BY (CASE WHEN start_time IS NULL THEN 1 ELSE 0 END), start_time DESC, run_uuid`,
      [experiment],
    )
    expected = ref.rows.map((r) => r.run_uuid)
    expect(expected.length).toBeGreaterThan(6)
    store = await openStore(targetFor(db))
  })
  afterAll(async () => {
    await client?.end()
    await store?.close()
  })

  const request = (page_token?: string | null): RunsSearchRequest => ({
    experiment_ids: [experiment],
    view: 'active',
    max_results: 2,
    order_by: ['attributes.start_time DESC'],
    page_token,
  })

  /** Every page, from a token on (or the first page). */
  async function walk(s: StoreHandle, token?: string | null): Promise<string[]> {
    const ids: string[] = []
    do {
      const page = await searchRuns(s, request(token))
      ids.push(...page.runs.map((r) => r.info.run_id))
      token = page.next_page_token
    } while (token)
    return ids
  }

  it('without an index on start_time: one statement in MLflow order, page by page', async () => {
    expect(await walk(store)).toEqual(expected)
  })

  it('with one: the same pages from two index walks, and a token given before the index was built carries on', async () => {
    const first = await searchRuns(store, request())
    await client.query('CREATE INDEX mlflow_desk_runs_experiment_start ON runs (experiment_id, start_time DESC, run_uuid)')
    await client.query('ANALYZE runs')
    forgetStoreIndexes(store)
    try {
      expect(await walk(store)).toEqual(expected)
      expect([...first.runs.map((r) => r.info.run_id), ...(await walk(store, first.next_page_token))]).toEqual(expected)
      await client.query('SET enable_seqscan = off')
      const { spy, sent } = recordingStore(store)
      const page = await searchRuns(spy, request())
      await searchRuns(spy, request(page.next_page_token))
      const pages = sent.filter(([sql]) => sql.includes('UNION ALL'))
      expect(pages).toHaveLength(2)
      for (const [i, statement] of pages.entries()) {
        const plan = await explain(client, statement)
        // The next page seeks to its cursor in the index.
        if (i === 1) expect(plan).toMatch(/Index Cond: [^\n]*start_time <= /)
        // The start times: the index walked in its order, stopped at the page's rows (no sort of the experiment's runs);
        // the only sorts are of the NULL range and of the two ranges' few rows.
        expect(plan).toMatch(/Limit [^\n]*\n\s*-> {2}Index (Only )?Scan using mlflow_desk_runs_experiment_start on runs r /)
        expect(plan).toMatch(/Index Cond: \(\(experiment_id = \d+\) AND \(start_time IS NOT NULL\)/)
        expect(plan).not.toMatch(/Seq Scan on runs/)
      }
    } finally {
      await client.query('RESET enable_seqscan')
      await client.query('DROP INDEX mlflow_desk_runs_experiment_start')
      forgetStoreIndexes(store)
    }
  })
})
