import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type pg from 'pg'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { runColumns } from '../../electron/services/tracking/runColumns'
import type { ViewType } from '../../shared/domain/mlflow'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'

/** The runs table's columns: exactly the keys the chosen experiments' runs have, whichever strategy reads them. */
describe.each(['small', 'old'] as const)('runs:columns on the %s fixture', (fixture) => {
  let store: StoreHandle
  let client: pg.Client
  beforeAll(async () => {
    const db = await createDatabase(`columns_${fixture}`, FIXTURES[fixture].template)
    store = await openStore(targetFor(db))
    client = adminClient(db)
    await client.connect()
  })
  afterAll(async () => {
    await client?.end()
    await store?.close()
  })

  const expected = async (table: string, ids: number[], stages: string[]) =>
    (
      await client.query(
        `SELECT DISTINCT x.key FROM ${table} x JOIN runs r ON r.run_uuid = x.run_uuid WHERE r.experiment_id = ANY($1) AND r.lifecycle_stage = ANY($2) ORDER BY 1`,
        [ids, stages],
      )
    ).rows.map((r) => r.key)

  it.each([
    ['one experiment', 'active', 0],
    ['one experiment', 'active', 1_000_000],
    ['every experiment', 'all', 0],
    ['every experiment', 'all', 1_000_000],
    ['every experiment', 'deleted', 0],
  ] as const)('%s, %s runs, direct below %i runs', async (which, view, limit) => {
    const all = (await client.query('SELECT experiment_id FROM experiments ORDER BY experiment_id')).rows.map((r) => Number(r.experiment_id))
    const ids = which === 'one experiment' ? [all[1]] : all
    const stages = view === 'all' ? ['active', 'deleted'] : [view as ViewType]
    const got = await runColumns(store, ids.map(String), view as ViewType, limit)
    expect(got.metrics).toEqual(await expected('latest_metrics', ids, stages))
    expect(got.params).toEqual(await expected('params', ids, stages))
    expect(got.tags).toEqual(await expected('tags', ids, stages))
    if (view !== 'deleted') expect(got.params.length).toBeGreaterThan(0)
  })
})
