import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type pg from 'pg'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { compareMetrics } from '../../electron/services/tracking/metricCompare'
import { getMetricHistory } from '../../electron/services/tracking/metricHistory'
import { downsampleHistory } from '../../electron/services/tracking/metricSeries'
import { forgetStoreIndexes } from '../../electron/services/tracking/storeIndexes'
import { summarizeMetrics } from '../../electron/services/tracking/metricSummary'
import { contract, type MetricsCompareRequest } from '@shared/api/contract'
import { adminClient, createDatabase, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { explain, recordingStore, type SentStatement } from '../helpers/recordingStore'

const RUNS = 3000
const SHORT = 20
const LONG = 30_000
const KEYS = ['loss', 'acc', 'val_loss']

/**
 * A run's metric data is read through the run's rows, never through a key's rows of the whole
 * store: EXPLAIN of every statement the history, chart-series, compare and summary services send,
 * on a store shaped like a big one (thousands of runs logging the same keys, one run with long
 * histories), planned as on a large store (sequential scans discouraged). Without our step index
 * the only index that may serve them is MLflow's index_metrics_run_uuid; with it, ours.
 */
describe('metric reads plan on the run, with or without the optional step index', () => {
  let store: StoreHandle
  let client: pg.Client
  let sent: SentStatement[]
  let spy: StoreHandle
  let longRun: string

  beforeAll(async () => {
    const db = await createDatabase('metric_plans', FIXTURES.small.template)
    client = adminClient(db)
    await client.connect()
    const { rows } = await client.query<{ run_uuid: string }>('SELECT run_uuid FROM runs ORDER BY run_uuid LIMIT 1')
    longRun = rows[0].run_uuid
    // Copies of one run (every other column kept), each logging the same keys a little; the long run logs them a lot.
    await client.query(
      `INSERT INTO runs SELECT (jsonb_populate_record(r, jsonb_build_object('run_uuid', md5('plan' || g)))).*
         FROM runs r, generate_series(1, $2::int) g WHERE r.run_uuid = $1`,
      [longRun, RUNS],
    )
    await client.query(
      `INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
       SELECT k, random(), 1700000000000 + s, md5('plan' || g), s, false
         FROM generate_series(1, $1::int) g, unnest($2::text[]) k, generate_series(0, $3::int - 1) s`,
      [RUNS, KEYS, SHORT],
    )
    await client.query(
      `INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
       SELECT k, sin(s / 100.0), 1800000000000 + s, $1, s, false FROM unnest($2::text[]) k, generate_series(0, $3::int - 1) s`,
      [longRun, KEYS, LONG],
    )
    await client.query('ANALYZE')
    await client.query('SET enable_seqscan = off')
    store = await openStore(targetFor(db))
    ;({ spy, sent } = recordingStore(store))
  })
  afterAll(async () => {
    await client?.end()
    await store?.close()
  })

  /** The plan of every statement the reads of a chart, a compare, a history page and a summary send, and whether it has a step window. */
  async function plans(): Promise<Array<{ plan: string; window: boolean }>> {
    sent.length = 0
    await downsampleHistory(spy, { run_id: longRun, metric_key: 'loss', max_points: 1000 })
    await downsampleHistory(spy, { run_id: longRun, metric_key: 'loss', max_points: 1000, from_step: 100, to_step: 5000 })
    const compare = contract['metrics:compare'].request.parse({
      run_ids: [longRun, md5('plan1'), md5('plan2')],
      metric_keys: KEYS,
      max_points: 500,
      include_runs: false,
    }) as MetricsCompareRequest
    await compareMetrics(spy, compare)
    const page = await getMetricHistory(spy, { run_id: longRun, metric_key: 'loss', max_results: 1000 })
    await getMetricHistory(spy, { run_id: longRun, metric_key: 'loss', max_results: 1000, page_token: page.next_page_token })
    await summarizeMetrics(spy, { run_id: longRun, metric_keys: KEYS, points: 50 })
    const metricStatements = sent.filter(([sql]) => /\bmetrics m\b/.test(sql))
    expect(metricStatements.length).toBeGreaterThanOrEqual(8)
    const out: Array<{ plan: string; window: boolean }> = []
    for (const s of metricStatements) out.push({ plan: await explain(client, s), window: /step >= \$/.test(s[0]) })
    return out
  }

  it("the store tempts the planner: one run's key, unfenced, is read through metric_pk", async () => {
    const plan = await explain(client, [
      'SELECT m.value, m.step FROM metrics m WHERE m.run_uuid = $1 AND m.key = $2 ORDER BY m.timestamp, m.step LIMIT 1001',
      [longRun, 'loss'],
    ])
    expect(plan).toMatch(/metric_pk/)
  })

  it("without the step index every statement finds the run's rows by index_metrics_run_uuid, none by metric_pk", async () => {
    for (const { plan } of await plans()) {
      expect(plan).toMatch(/index_metrics_run_uuid/)
      expect(plan).not.toMatch(/metric_pk|Seq Scan on metrics/)
    }
  })

  it("without it, a compare's preview probes MLflow's metric_pk by key and time, never a run's whole history", async () => {
    // latest_metrics as MLflow keeps it: each key's row of the highest step.
    await client.query(
      `INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
       SELECT DISTINCT ON (key) key, value, timestamp, step, is_nan, run_uuid FROM metrics WHERE run_uuid = $1 ORDER BY key, step DESC, timestamp DESC
       ON CONFLICT (key, run_uuid) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step = excluded.step`,
      [longRun],
    )
    sent.length = 0
    const preview = await compareMetrics(
      spy,
      contract['metrics:compare'].request.parse({
        run_ids: [longRun, md5('plan1')],
        metric_keys: KEYS,
        max_points: 500,
        precision: 'preview',
        include_runs: false,
      }) as MetricsCompareRequest,
      { previewAbovePoints: 0 },
    )
    expect(preview.precision).toBe('preview')
    expect(preview.series.find((s) => s.run_id === longRun)?.metrics.length).toBeGreaterThan(1)
    const statements = sent.filter(([sql]) => /\bmetrics m\b/.test(sql))
    expect(statements).toHaveLength(1)
    const plan = await explain(client, statements[0])
    expect(plan).toMatch(/Index (Only )?Scan using metric_pk on metrics m/)
    expect(plan).toMatch(/Index Cond: \(\(key = .*"timestamp" >=/)
    // Each probe a walk that stops at the run's first entry: never a bitmap of the window's entries, nor the run's history.
    expect(plan).not.toMatch(/index_metrics_run_uuid|Seq Scan on metrics|Bitmap Heap Scan on metrics|Sort/)
  })

  it("with it, a chart's step window seeks in mlflow_desk_metrics_run_key_step; nothing reads metric_pk", async () => {
    await client.query('CREATE INDEX mlflow_desk_metrics_run_key_step ON metrics (run_uuid, key, step) INCLUDE (timestamp, value, is_nan)')
    await client.query('ANALYZE metrics')
    forgetStoreIndexes(store)
    try {
      const all = await plans()
      expect(all.filter((p) => p.window).length).toBeGreaterThanOrEqual(2)
      for (const { plan, window } of all) {
        // Reading every key a run logged, the planner may as well take MLflow's run_uuid index: still the run's rows only.
        expect(plan).toMatch(window ? /mlflow_desk_metrics_run_key_step/ : /mlflow_desk_metrics_run_key_step|index_metrics_run_uuid/)
        expect(plan).not.toMatch(/metric_pk|Seq Scan on metrics/)
      }
    } finally {
      await client.query('DROP INDEX mlflow_desk_metrics_run_key_step')
      forgetStoreIndexes(store)
    }
  })
})

const md5 = (text: string): string => createHash('md5').update(text).digest('hex')
