import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type pg from 'pg'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { searchRuns } from '../../electron/services/tracking/runs'
import type { RunsSearchRequest } from '@shared/api/contract'
import { SEARCH_INDEXES, indexTarget } from '../../electron/services/tracking/searchIndexes'
import { forgetStoreIndexes } from '../../electron/services/tracking/storeIndexes'
import { adminClient, createDatabase, pgInfo, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { explain, recordingStore, type SentStatement } from '../helpers/recordingStore'
import { SERIAL_PLAN, setLocalSql } from '../../electron/services/connections/transactionSettings'

/** Settings under which the planner takes parallel workers wherever it can (as a misestimate makes it do on a big store). */
const TEMPTING = '-c parallel_setup_cost=0 -c parallel_tuple_cost=0 -c min_parallel_table_scan_size=0 -c min_parallel_index_scan_size=0'

/**
 * With our latest_metrics value index, a page ordered by a metric is an index walk cut off by its
 * LIMIT; parallel workers would each walk their share past it, so the page is read with
 * max_parallel_workers_per_gather = 0 in its own transaction (SERIAL_PLAN, set with its BEGIN). Without the index the page is a
 * scan and a sort, where workers help: the planner keeps its choice.
 */
describe('runs pages ordered by a metric are read by one process where an index walks them', () => {
  let client: pg.Client
  let store: StoreHandle
  let experiment: string

  beforeAll(async () => {
    const db = await createDatabase('page_reads', FIXTURES.small.template)
    client = adminClient(db)
    await client.connect()
    await client.query('ANALYZE')
    const { rows } = await client.query<{ id: string }>(
      `SELECT experiment_id::text AS id FROM runs WHERE lifecycle_stage = 'active' GROUP BY experiment_id ORDER BY count(*) DESC LIMIT 1`,
    )
    experiment = rows[0].id
    store = await openStore({ ...targetFor(db), options: TEMPTING })
  })
  afterAll(async () => {
    await client?.end()
    await store?.close()
  })

  const request = (): RunsSearchRequest => ({
    experiment_ids: [experiment],
    view: 'active',
    max_results: 5,
    filter: 'metrics.acc > 0',
    order_by: ['metrics.acc DESC'],
  })
  const serial = ([, , settings]: SentStatement) => settings?.max_parallel_workers_per_gather === '0'

  it("a read's own settings reach its transaction only, with its BEGIN", async () => {
    const setting = `SELECT current_setting('max_parallel_workers_per_gather') AS v`
    const [before] = await store.select<{ v: string }>(setting)
    expect(before.v).not.toBe('0')
    expect(await store.select(setting, [], { settings: SERIAL_PLAN })).toEqual([{ v: '0' }])
    expect(await store.read((r) => r.select(setting), { settings: SERIAL_PLAN })).toEqual([{ v: '0' }])
    const aborting = new AbortController()
    expect(await store.withSignal(aborting.signal).select(setting, [], { settings: SERIAL_PLAN })).toEqual([{ v: '0' }])
    expect(await store.select(setting)).toEqual([before])
  })

  it('without the index: the planner keeps its parallel plan', async () => {
    const { spy, sent } = recordingStore(store)
    expect((await searchRuns(spy, request())).runs.length).toBeGreaterThan(0)
    expect(sent.some(serial)).toBe(false)
  })

  it("with it: no Gather in the page's plan, though the same statement alone would take one", async () => {
    const index = SEARCH_INDEXES.find((i) => i.name === 'mlflow_desk_latest_metrics_asc')!
    await client.query(`CREATE INDEX ${index.name} ON ${indexTarget(index)}`)
    forgetStoreIndexes(store)
    try {
      const { spy, sent } = recordingStore(store)
      expect((await searchRuns(spy, request())).runs.length).toBeGreaterThan(0)
      const statement = sent.find(serial)
      expect(statement).toBeDefined()
      const plan = async (withItsSettings: boolean, discouraging = '') => {
        await client.query('BEGIN')
        try {
          for (const setting of [...TEMPTING.split('-c '), ...discouraging.split(' ')].filter(Boolean)) await client.query(`SET LOCAL ${setting.trim()}`)
          if (withItsSettings) await client.query(setLocalSql(statement![2]!))
          // Its settings as the test asks (withItsSettings), not as explain() would add them.
          return await explain(client, [statement![0], statement![1]])
        } finally {
          await client.query('ROLLBACK')
        }
      }
      expect(await plan(false)).toMatch(/Gather/)
      expect(await plan(true)).not.toMatch(/Gather/)
      // metrics.acc DESC: the numbers, then the NaNs, each a backward walk of the one value index
      // (flagRanges; on this tiny store only once scans and sorts are discouraged).
      expect(statement![0]).toMatch(/o0\.is_nan = false[\s\S]*o0\.is_nan = true/)
      if (pgInfo().major >= 13)
        expect(await plan(true, 'enable_seqscan=off enable_bitmapscan=off enable_sort=off')).toMatch(
          /Index (Only )?Scan Backward using mlflow_desk_latest_metrics_asc[\s\S]*Index (Only )?Scan Backward using mlflow_desk_latest_metrics_asc/,
        )
    } finally {
      await client.query(`DROP INDEX ${index.name}`)
      forgetStoreIndexes(store)
    }
  })
})
