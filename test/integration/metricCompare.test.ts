import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { compareMetrics, PREVIEW_BUDGET_MS } from '../../electron/services/tracking/metricCompare'
import { getMetricHistory } from '../../electron/services/tracking/metricHistory'
import { forgetStoreIndexes } from '../../electron/services/tracking/storeIndexes'
import { hasStepIndex } from '../../electron/services/tracking/metricPreview'
import { downsampleHistory } from '../../electron/services/tracking/metricSeries'
import { contract, type MetricsCompareRequest, type MetricsCompareResponse } from '@shared/api/contract'
import { cli } from '../helpers/cliRunner'
import { adminClient, createDatabase, targetFor, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'

/** Every comparison long enough for a preview (the fixture's histories are short). */
const LONG = { previewAbovePoints: 0 }

const request = (r: Record<string, unknown>): MetricsCompareRequest => contract['metrics:compare'].request.parse(r) as MetricsCompareRequest

describe('metrics:compare on the MLflow-written fixture', () => {
  let store: StoreHandle
  let db: string
  let runIds: string[]
  let key: string

  beforeAll(async () => {
    db = await createDatabase('compare_small', FIXTURES.small.template)
    store = await openStore(targetFor(db))
    // The metric most runs logged at least 30 times, and its three longest histories.
    const [k] = await store.select<{ key: string }>(
      `SELECT key FROM (SELECT key, run_uuid FROM metrics GROUP BY key, run_uuid HAVING count(*) >= 30) c GROUP BY key ORDER BY count(*) DESC, key LIMIT 1`,
    )
    key = k.key
    const rows = await store.select<{ run_uuid: string }>(
      `SELECT run_uuid FROM metrics WHERE key = $1 GROUP BY run_uuid ORDER BY count(*) DESC, run_uuid LIMIT 3`,
      [key],
    )
    runIds = rows.map((r) => r.run_uuid)
    expect(runIds).toHaveLength(3)
  })
  afterAll(() => store?.close())

  it('answers every run x key series in order, each as metrics:history downsamples it; a key a run never logged is empty', async () => {
    const answer = await compareMetrics(store, request({ run_ids: [...runIds, runIds[0]], metric_keys: [key, 'no_such_metric'], max_points: 100 }))
    expect(answer.precision).toBe('exact')
    expect(answer.runs.map((r) => r.info.run_id)).toEqual(runIds)
    expect(answer.series.map((s) => `${s.run_id}/${s.key}`)).toEqual(runIds.flatMap((id) => [`${id}/${key}`, `${id}/no_such_metric`]))
    for (const s of answer.series) {
      if (s.key === 'no_such_metric') {
        expect(s).toMatchObject({ metrics: [], total_points: 0, sampled: false })
        continue
      }
      expect(s.metrics.length).toBeLessThanOrEqual(100)
      const alone = await downsampleHistory(store, { run_id: s.run_id, metric_key: key, max_points: 100 })
      expect(s).toEqual({ run_id: s.run_id, key, ...alone })
      const full = await getMetricHistory(store, { run_id: s.run_id, metric_key: key })
      expect(s.total_points).toBe(full.metrics.length)
    }
    // Without the runs (the chart view has its table's): the same series, no runs.
    const bare = await compareMetrics(
      store,
      request({ run_ids: [...runIds, runIds[0]], metric_keys: [key, 'no_such_metric'], max_points: 100, include_runs: false }),
    )
    expect(bare.runs).toEqual([])
    expect(bare.series).toEqual(answer.series)
  })

  it('reads a key for all runs at once where each fits the budget, with the same answer as run by run, in and out of a step window', async () => {
    const counts = await Promise.all(runIds.map(async (id) => (await getMetricHistory(store, { run_id: id, metric_key: key })).metrics.length))
    // A budget some histories fit and some do not (the longest first), then one every history fits.
    const budgets = [...new Set([Math.max(2, counts[runIds.length - 1]), Math.max(...counts)])]
    for (const max_points of budgets)
      for (const window of [{}, { from_step: 5, to_step: 25 }]) {
        const answer = await compareMetrics(store, request({ run_ids: runIds, metric_keys: [key, 'no_such_metric'], max_points, ...window }))
        for (const s of answer.series) {
          const alone = await downsampleHistory(store, { run_id: s.run_id, metric_key: s.key, max_points, ...window })
          expect(s).toEqual({ run_id: s.run_id, key: s.key, ...alone })
        }
        expect(answer.series.filter((s) => s.key === key).some((s) => s.total_points > 0)).toBe(true)
      }
  })

  it('names an unknown run, and refuses a window that ends before it starts', async () => {
    const missing = 'f'.repeat(32)
    await expect(compareMetrics(store, request({ run_ids: [runIds[0], missing], metric_keys: [key] }))).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(missing),
    })
    // The window rule is the contract's (test/unit/shared/requestRules.test.ts): such a request never reaches the service.
    expect(() => request({ run_ids: runIds, metric_keys: [key], from_step: 10, to_step: 2 })).toThrow(/from_step \(10\) is after to_step \(2\)/)
  })

  /** Every point of a preview is a stored one, its last the history's last, at most probes + 1 of them, ordered by step. */
  async function expectPreviewOf(preview: MetricsCompareResponse, probes: number): Promise<void> {
    expect(preview.precision).toBe('preview')
    expect(preview.runs.map((r) => r.info.run_id)).toEqual(runIds)
    for (const s of preview.series) {
      const full = await getMetricHistory(store, { run_id: s.run_id, metric_key: key })
      const stored = new Set(full.metrics.map((m) => `${m.step}/${m.timestamp}/${m.value}`))
      const steps = full.metrics.map((m) => m.step)
      expect(s.metrics.length).toBeGreaterThan(10)
      expect(s.metrics.length).toBeLessThanOrEqual(probes + 1)
      expect(s.metrics.every((m) => stored.has(`${m.step}/${m.timestamp}/${m.value}`))).toBe(true)
      expect(s.metrics.at(-1)?.step).toBe(Math.max(...steps))
      expect(s.metrics.map((m) => m.step)).toEqual([...s.metrics.map((m) => m.step)].sort((a, b) => a - b))
    }
  }

  it("previews without our index by time in MLflow's metric_pk, and gives the exact answer for a step window or past the budget", async () => {
    const req = request({ run_ids: runIds, metric_keys: [key], max_points: 100, precision: 'preview' })
    expect(await hasStepIndex(store)).toBe(false)
    // Histories this short are read exactly at once, in about the time a preview takes.
    expect((await compareMetrics(store, req)).precision).toBe('exact')
    const preview = await compareMetrics(store, req, LONG)
    await expectPreviewOf(preview, 100 / 5)
    for (const s of preview.series) {
      const full = await getMetricHistory(store, { run_id: s.run_id, metric_key: key })
      expect(s.metrics[0].timestamp).toBe(Math.min(...full.metrics.map((m) => m.timestamp ?? 0)))
    }
    // A step window cannot be found by time: the exact series at once.
    const windowed = await compareMetrics(store, request({ ...req, from_step: 5, to_step: 25 }), LONG)
    expect(windowed.precision).toBe('exact')
    expect(windowed.series).toEqual((await compareMetrics(store, request({ ...req, from_step: 5, to_step: 25, precision: 'exact' }))).series)
    // A preview that cannot finish within PREVIEW_BUDGET_MS (here: waiting on a lock on runs, which the exact read does not touch) gives way to the exact answer.
    const locker = adminClient(db)
    await locker.connect()
    try {
      await locker.query('BEGIN')
      await locker.query('LOCK TABLE runs IN ACCESS EXCLUSIVE MODE')
      const started = performance.now()
      const late = await compareMetrics(store, request({ ...req, include_runs: false }), LONG)
      expect(late.precision).toBe('exact')
      expect(performance.now() - started).toBeGreaterThanOrEqual(PREVIEW_BUDGET_MS - 50)
      expect(late.series).toEqual((await compareMetrics(store, request({ ...req, include_runs: false, precision: 'exact' }))).series)
    } finally {
      await locker.query('ROLLBACK')
      await locker.end()
    }
  })

  it('previews with the step index by probes at spaced steps, first and last point kept, in a step window too', async () => {
    const req = request({ run_ids: runIds, metric_keys: [key], max_points: 100, precision: 'preview' })
    const c = adminClient(db)
    await c.connect()
    try {
      await c.query('CREATE INDEX mlflow_desk_metrics_run_key_step ON metrics (run_uuid, key, step) INCLUDE (timestamp, value, is_nan)')
    } finally {
      await c.end()
    }
    forgetStoreIndexes(store)
    expect(await hasStepIndex(store)).toBe(true)
    const preview = await compareMetrics(store, req, LONG)
    await expectPreviewOf(preview, 100 / 5)
    for (const s of preview.series) {
      const full = await getMetricHistory(store, { run_id: s.run_id, metric_key: key })
      expect(s.metrics[0].step).toBe(Math.min(...full.metrics.map((m) => m.step)))
    }
    const windowed = await compareMetrics(store, request({ ...req, from_step: 100, to_step: 200 }), LONG)
    expect(windowed.precision).toBe('preview')
    for (const s of windowed.series) expect(s.metrics.every((m) => m.step >= 100 && m.step <= 200)).toBe(true)
  })

  it('metrics compare prints a summary, CSV with every point, or JSON; bad options are named', async () => {
    const url = urlFor(db)
    const args = ['metrics', 'compare', '--run-ids', runIds.join(','), '--keys', `${key},no_such_metric`, '--max-points', '50', '--url', url]
    const table = await cli(args)
    expect(table.code, table.stderr).toBe(0)
    expect(table.stdout.split('\n').filter((l) => l.includes(key))).toHaveLength(3)
    const csv = await cli([...args, '--csv'])
    expect(csv.code, csv.stderr).toBe(0)
    const lines = csv.stdout.trim().split(/\r?\n/)
    expect(lines[0]).toBe('run_id,run_name,metric,step,timestamp,value')
    const json = await cli([...args, '--json'])
    const answer = JSON.parse(json.stdout.replace(/\bNaN\b/g, 'null'))
    const points = answer.series.reduce((n: number, s: { metrics: unknown[] }) => n + s.metrics.length, 0)
    expect(points).toBeGreaterThan(0)
    expect(lines).toHaveLength(points + 1)
    expect(lines[1].split(',')[0]).toBe(runIds[0])
    const cases: Array<[string[], RegExp]> = [
      [['--run-ids', '', '--keys', 'loss'], /--run-ids: give at least one run id/],
      [['--run-ids', runIds[0], '--keys', ','], /--keys: give at least one metric key/],
      [['--run-ids', Array.from({ length: 201 }, (_, i) => i.toString(16).padStart(32, '0')).join(','), '--keys', 'loss'], /--run-ids/],
      [['--run-ids', runIds[0], '--keys', 'loss', '--max-points', '3'], /--max-points/],
      [['--run-ids', runIds[0], '--keys', 'loss', '--csv', '--json'], /cannot be used with/],
    ]
    for (const [extra, message] of cases) {
      const r = await cli(['metrics', 'compare', ...extra, '--url', url])
      expect(r.code, extra.join(' ')).not.toBe(0)
      expect(r.stderr).toMatch(message)
    }
  })
})
