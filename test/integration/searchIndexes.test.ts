import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type pg from 'pg'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { searchRuns } from '../../electron/services/tracking/runs'
import { DEFAULT_SEARCH_INDEXES, SEARCH_INDEXES, searchIndexStatus } from '../../electron/services/tracking/searchIndexes'
import { cli } from '../helpers/cliRunner'
import { adminClient, createDatabase, pgInfo, targetFor, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'

/** The optional migration: only on request, reversible, and the planner really uses it. */
describe('optional search indexes (mlflow-desk indexes)', () => {
  let db: string
  let client: pg.Client
  let store: StoreHandle

  beforeAll(async () => {
    db = await createDatabase('indexes', FIXTURES.small.template)
    client = adminClient(db)
    await client.connect()
    store = await openStore(targetFor(db))
  })
  afterAll(async () => {
    await client?.end()
    await store?.close()
  })

  const catalog = async () =>
    (await client.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`)).rows.map(
      (r) => `${r.indexname}: ${r.indexdef}`,
    )

  it('a store has none until asked; reading never creates them', async () => {
    const before = await catalog()
    await searchRuns(store, { experiment_ids: ['1'], view: 'active', max_results: 10, filter: 'metrics.acc > 0', order_by: ['metrics.acc DESC'] })
    expect((await searchIndexStatus(store)).map((i) => i.state)).toEqual(SEARCH_INDEXES.map(() => 'absent'))
    expect(await catalog()).toEqual(before)
    const status = await cli(['indexes', 'status', '--url', urlFor(db)])
    expect(status.code).toBe(0)
    for (const i of SEARCH_INDEXES) expect(status.stdout).toMatch(new RegExp(`${i.name}\\s+absent`))
  })

  it('create needs an explicit --url, then builds the default ones, the metrics index when asked; a second create has nothing to do', async () => {
    const noUrl = await cli(['indexes', 'create', '--profile', 'demo'])
    expect(noUrl.code).toBe(2)
    expect(noUrl.stderr).toMatch(/needs --url/)
    // An earlier release's metrics index, replaced by the step-ordered one, its latest_metrics DESC
    // index, now a backward walk of the other, and its params/tags statistics, which slowed MLflow's
    // own filtered search: create retires them.
    await client.query('CREATE INDEX mlflow_desk_metrics_run_key_time ON metrics (run_uuid, key, timestamp, step, value)')
    await client.query('CREATE INDEX mlflow_desk_latest_metrics_desc ON latest_metrics (key, is_nan, (-value), run_uuid)')
    await client.query('CREATE STATISTICS mlflow_desk_params_key_value (mcv) ON key, value FROM params')
    await client.query('CREATE STATISTICS mlflow_desk_tags_key_value (mcv) ON key, value FROM tags')
    const before = await catalog()
    const r = await cli(['indexes', 'create', '--url', urlFor(db)])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Built mlflow_desk_/)
    expect((await catalog()).map((x) => x.split(':')[0])).not.toContain('mlflow_desk_metrics_run_key_time')
    expect((await catalog()).map((x) => x.split(':')[0])).not.toContain('mlflow_desk_latest_metrics_desc')
    const added = (await catalog()).filter((x) => !before.includes(x))
    // The metrics index costs MLflow's metric logging more than the others: only when asked for.
    expect(added.map((x) => x.split(':')[0]).sort()).toEqual(DEFAULT_SEARCH_INDEXES.map((i) => i.name).sort())
    expect(DEFAULT_SEARCH_INDEXES.length).toBeLessThan(SEARCH_INDEXES.length)
    const optIn = await cli(['indexes', 'status', '--url', urlFor(db)])
    expect(optIn.stdout).toMatch(/mlflow_desk_metrics_run_key_step\s+absent \(opt-in: create --metric-history\)/)
    expect(optIn.stdout).toMatch(/Costs: every metric row MLflow logs/)
    const notAsked = await cli(['indexes', 'create', '--url', urlFor(db)])
    expect(notAsked.stdout).toMatch(/nothing to do \(not built unless asked for: mlflow_desk_metrics_run_key_step, create --metric-history\)/)
    const history = await cli(['indexes', 'create', '--metric-history', '--url', urlFor(db)])
    expect(history.stdout).toMatch(/^Built mlflow_desk_metrics_run_key_step on /)
    const stats = await client.query(`SELECT stxname FROM pg_statistic_ext WHERE stxname LIKE 'mlflow_desk_%' ORDER BY 1`)
    expect(stats.rows).toEqual([])
    const present = await searchIndexStatus(store)
    expect(present.every((i) => i.state === 'present')).toBe(true)
    // Each index's size as the catalog counts it.
    const sizes = await client.query<{ name: string; bytes: string }>(
      `SELECT relname AS name, pg_relation_size(oid) AS bytes FROM pg_class WHERE relname LIKE 'mlflow_desk_%' AND relkind = 'i'`,
    )
    for (const i of present) expect(i.bytes).toBe(Number(sizes.rows.find((r) => r.name === i.name)?.bytes))
    expect(present.every((i) => (i.bytes ?? 0) > 0)).toBe(true)
    const table = await cli(['indexes', 'status', '--url', urlFor(db)])
    expect(table.stdout).toMatch(/INDEX\s+STATE\s+SIZE/)
    expect(table.stdout).toMatch(/mlflow_desk_runs_start\s+present\s+\d+(\.\d)? [KM]?B/)
    const again = await cli(['indexes', 'create', '--url', urlFor(db)])
    expect(again.stdout).toMatch(/has every optional index already; nothing to do\.$/m)
  })

  it("the planner walks them for a filtered search ordered by its metric, and for an experiment's default order", async () => {
    // The fixture is tiny: without these the planner rightly prefers to scan and sort.
    await client.query('SET enable_seqscan = off; SET enable_sort = off; SET enable_bitmapscan = off')
    const plan = async (sql: string) => (await client.query(`EXPLAIN ${sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n')
    // A metric DESC (the usual "best first") is read as two ranges of is_nan (flagRanges), each ordered by the rest: with is_nan constant the index is walked backward.
    const byMetric = await plan(`SELECT r.run_uuid FROM runs r JOIN latest_metrics o0 ON o0.run_uuid = r.run_uuid AND o0.key = 'acc' AND o0.value > 0.5
                   WHERE r.experiment_id = 1 AND o0.is_nan = false ORDER BY o0.value DESC, r.start_time DESC, r.run_uuid LIMIT 10`)
    // The index orders by the metric only; the tie-breakers after it need an incremental sort, which PostgreSQL has from 13.
    // On 12 the planner sorts (correctly) instead of walking the index.
    if (pgInfo().major >= 13) expect(byMetric).toMatch(/Incremental Sort[\s\S]*Index (Only )?Scan Backward using mlflow_desk_latest_metrics_asc/)
    else expect(byMetric).toMatch(/Sort Key: o0\.value DESC/)
    expect(await plan(`SELECT run_uuid FROM runs r WHERE r.experiment_id = 1 ORDER BY r.start_time DESC NULLS FIRST, r.run_uuid LIMIT 10`)).toContain(
      'mlflow_desk_runs_experiment_start',
    )
    await client.query('RESET enable_seqscan; RESET enable_sort; RESET enable_bitmapscan')
  })

  it('an index left invalid by an interrupted build is rebuilt', async () => {
    const name = SEARCH_INDEXES[1].name
    await client.query(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = '${name}'::regclass`)
    expect((await searchIndexStatus(store)).find((i) => i.name === name)?.state).toBe('invalid')
    const r = await cli(['indexes', 'create', '--url', urlFor(db)])
    expect(r.stdout).toBe(`Built ${name} on ${r.stdout.split(' on ')[1]}`)
    expect((await searchIndexStatus(store)).every((i) => i.state === 'present')).toBe(true)
  })

  it('drop removes exactly them', async () => {
    const r = await cli(['indexes', 'drop', '--url', urlFor(db)])
    expect(r.code).toBe(0)
    expect((await catalog()).some((x) => x.startsWith('mlflow_desk_'))).toBe(false)
    expect((await client.query(`SELECT 1 FROM pg_statistic_ext WHERE stxname LIKE 'mlflow_desk_%'`)).rowCount).toBe(0)
    expect((await searchIndexStatus(store)).map((i) => i.state)).toEqual(SEARCH_INDEXES.map(() => 'absent'))
  })
})

/**
 * CREATE INDEX CONCURRENTLY runs outside any transaction, so a search_path can
 * only be a session setting there, which a transaction-mode pooler does not
 * keep: the store's schema is written into every name instead.
 */
describe('optional search indexes of a store in another schema (options=-c search_path=…)', () => {
  it('are built, reported and dropped in that schema, leaving public alone', async () => {
    const db = await createDatabase('indexes_schema')
    const admin = adminClient(db)
    await admin.connect()
    try {
      await admin.query('CREATE SCHEMA mlflow')
      const url = `${urlFor(db)}?options=${encodeURIComponent('-c search_path=mlflow')}`
      expect((await cli(['migrate', '--url', url])).code).toBe(0)
      const created = await cli(['indexes', 'create', '--metric-history', '--url', url])
      expect(created.code, created.stderr).toBe(0)
      const where = async () =>
        (await admin.query(`SELECT schemaname, count(*)::int AS n FROM pg_indexes WHERE indexname LIKE 'mlflow_desk_%' GROUP BY 1`)).rows
      expect(await where()).toEqual([{ schemaname: 'mlflow', n: SEARCH_INDEXES.length }])
      const status = await cli(['indexes', 'status', '--json', '--url', url])
      expect(JSON.parse(status.stdout).indexes.map((i: { state: string }) => i.state)).toEqual(SEARCH_INDEXES.map(() => 'present'))
      expect((await cli(['indexes', 'drop', '--url', url])).code).toBe(0)
      expect(await where()).toEqual([])
    } finally {
      await admin.end()
    }
  })
})
