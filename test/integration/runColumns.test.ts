import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type pg from 'pg'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { runColumns } from '../../electron/services/tracking/runColumns'
import type { ViewType } from '@shared/domain/mlflow'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'

/** The runs table's columns: exactly the keys the chosen experiments' runs have, when they have no more runs than the sample; the newest runs' keys beyond. */
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

  /** Keys of the newest `limit` runs of the experiments, straight from the tables. */
  const expected = async (table: string, ids: number[], stages: string[], limit: number) =>
    (
      await client.query(
        `SELECT DISTINCT x.key FROM ${table} x
          WHERE x.run_uuid IN (SELECT run_uuid FROM runs WHERE experiment_id = ANY($1) AND lifecycle_stage = ANY($2)
                                ORDER BY start_time DESC NULLS FIRST, run_uuid LIMIT $3)
          ORDER BY 1`,
        [ids, stages, limit],
      )
    ).rows.map((r) => r.key)

  /** How many of those runs have each key, straight from the tables (a metric key counts once per run however many steps). */
  const expectedCounts = async (table: string, ids: number[], stages: string[], limit: number) =>
    Object.fromEntries(
      (
        await client.query(
          `SELECT x.key, count(DISTINCT x.run_uuid)::int AS n FROM ${table} x
            WHERE x.run_uuid IN (SELECT run_uuid FROM runs WHERE experiment_id = ANY($1) AND lifecycle_stage = ANY($2)
                                  ORDER BY start_time DESC NULLS FIRST, run_uuid LIMIT $3)
            GROUP BY x.key`,
          [ids, stages, limit],
        )
      ).rows.map((r) => [r.key, r.n]),
    )

  it.each([
    ['one experiment', 'active', 1],
    ['one experiment', 'active', 1000],
    ['every experiment', 'all', 1],
    ['every experiment', 'all', 1000],
    ['every experiment', 'deleted', 2],
  ] as const)('%s, %s runs, %i runs sampled', async (which, view, limit) => {
    const all = (await client.query('SELECT experiment_id FROM experiments ORDER BY experiment_id')).rows.map((r) => Number(r.experiment_id))
    const ids = which === 'one experiment' ? [all[1]] : all
    const stages = view === 'all' ? ['active', 'deleted'] : [view as ViewType]
    const got = await runColumns(store, ids.map(String), view as ViewType, limit)
    expect(got.metrics).toEqual(await expected('latest_metrics', ids, stages, limit))
    expect(got.params).toEqual(await expected('params', ids, stages, limit))
    expect(got.tags).toEqual(await expected('tags', ids, stages, limit))
    expect(got.counts.metrics).toEqual(await expectedCounts('metrics', ids, stages, limit))
    expect(got.counts.params).toEqual(await expectedCounts('params', ids, stages, limit))
    expect(got.counts.tags).toEqual(await expectedCounts('tags', ids, stages, limit))
    const read = await client.query('SELECT count(*)::int AS n FROM runs WHERE experiment_id = ANY($1) AND lifecycle_stage = ANY($2)', [ids, stages])
    expect(got.runs).toBe(Math.min(limit, read.rows[0].n))
    expect(got.sampled).toBe(read.rows[0].n > limit)
    if (view !== 'deleted' && limit >= 1000) {
      expect(got.params.length).toBeGreaterThan(0)
      // Keys differ in how common they are, or there would be nothing to rank.
      expect(Math.max(...Object.values(got.counts.tags))).toBeGreaterThan(0)
    }
    // The whole-store answer, to show what the sample size means here.
    if (limit >= 1000) expect(got.tags).toEqual(await expected('tags', ids, stages, 1_000_000))
  })
})
