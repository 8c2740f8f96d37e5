import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../electron/services/api/dispatch'
import type { CallContext } from '../../electron/services/api/handlers'
import { createAppContext, type AppSetup } from '../../electron/services/appContext'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { getMetricHistory } from '../../electron/services/tracking/metricHistory'
import { forgetStoreIndexes } from '../../electron/services/tracking/storeIndexes'
import { downsampleHistory, readRunSeries, type MetricSeries, type RunSeriesRequest } from '../../electron/services/tracking/metricSeries'
import type { MetricHistoryResponse } from '@shared/api/contract'
import type { Metric } from '@shared/domain/mlflow'
import { cli } from '../helpers/cliRunner'
import { adminClient, createDatabase, targetFor, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { recordingStore } from '../helpers/recordingStore'

const MAX_DOUBLE = 1.7976931348623157e308
const KEY = 'generated_loss'
const T0 = 1_700_000_000_000
const HUGE_STEP = 2 ** 40
const STEPS = 100_000
/** Rows beyond the 100k steps 0..99,999: a duplicate step, a negative step, 2^40, NaN, +inf, -inf. */
const EXTRA = [
  { step: 500, ts: T0 + 500 + 1, value: 0.5, nan: false },
  { step: -5, ts: T0 - 5, value: 0.1, nan: false },
  { step: HUGE_STEP, ts: T0 + STEPS + 10, value: 0.2, nan: false },
  { step: 20_000, ts: T0 + 20_000 + 7, value: 0, nan: true },
  { step: 50_000, ts: T0 + 50_000 + 7, value: MAX_DOUBLE, nan: false },
  { step: 70_000, ts: T0 + 70_000 + 7, value: -MAX_DOUBLE, nan: false },
]
const SPIKE_MAX = { step: 37_123, value: 50 }
const SPIKE_MIN = { step: 81_777, value: -50 }

/** MLflow's history re-sorted by step (stable: timestamp, value order kept within a step), as the series returns it. */
function byStep(metrics: Metric[]): Metric[] {
  return [...metrics].sort((a, b) => a.step - b.step || (a.timestamp ?? 0) - (b.timestamp ?? 0))
}

function expectBounded(series: MetricSeries, maxPoints: number): void {
  expect(series.metrics.length).toBeLessThanOrEqual(maxPoints)
  const steps = series.metrics.map((m) => m.step)
  expect(steps).toEqual([...steps].sort((a, b) => a - b))
}

describe('downsampled metric history (SQL)', () => {
  let store: StoreHandle
  let runId: string
  let dbName: string

  beforeAll(async () => {
    dbName = await createDatabase('series_small', FIXTURES.small.template)
    const c = adminClient(dbName)
    await c.connect()
    try {
      const { rows } = await c.query<{ run_uuid: string }>('SELECT run_uuid FROM runs ORDER BY run_uuid LIMIT 1')
      runId = rows[0].run_uuid
      await c.query(
        `INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
         SELECT $1, CASE s WHEN $3::bigint THEN $4::float8 WHEN $5::bigint THEN $6::float8 ELSE sin(s / 1000.0) END, $7::bigint + s, $2, s, false
           FROM generate_series(0::bigint, $8::bigint - 1) s`,
        [KEY, runId, SPIKE_MAX.step, SPIKE_MAX.value, SPIKE_MIN.step, SPIKE_MIN.value, T0, STEPS],
      )
      for (const e of EXTRA) {
        await c.query('INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) VALUES ($1, $2, $3, $4, $5, $6)', [
          KEY,
          e.value,
          e.ts,
          runId,
          e.step,
          e.nan,
        ])
      }
    } finally {
      await c.end()
    }
    store = await openStore(targetFor(dbName))
  })
  afterAll(() => store?.close())

  it('keeps the bound, the first and last point, the global extremes and a NaN/inf marker over the whole range', async () => {
    for (const maxPoints of [10, 11, 333, 1000]) {
      const s = await downsampleHistory(store, { run_id: runId, metric_key: KEY, max_points: maxPoints })
      expectBounded(s, maxPoints)
      expect(s.sampled).toBe(true)
      expect(s.total_points).toBe(STEPS + EXTRA.length)
      expect(s.bucket_width).toBeCloseTo((HUGE_STEP + 5 + 1) / Math.max(1, Math.floor(maxPoints / 5)))
      const steps = s.metrics.map((m) => m.step)
      expect(steps[0], `first point, max_points ${maxPoints}`).toBe(-5)
      expect(steps[steps.length - 1]).toBe(HUGE_STEP)
      const finite = s.metrics.filter((m) => Number.isFinite(m.value) && Math.abs(m.value) < MAX_DOUBLE)
      expect(Math.max(...finite.map((m) => m.value))).toBe(SPIKE_MAX.value)
      expect(Math.min(...finite.map((m) => m.value))).toBe(SPIKE_MIN.value)
      expect(
        s.metrics.some((m) => Number.isNaN(m.value) || Math.abs(m.value) === MAX_DOUBLE),
        'a NaN/inf marker',
      ).toBe(true)
    }
  })

  it('keeps every NaN and +-inf point where they fall in separate buckets, inside the step window', async () => {
    const s = await downsampleHistory(store, { run_id: runId, metric_key: KEY, max_points: 1000, from_step: 0, to_step: STEPS - 1 })
    expectBounded(s, 1000)
    expect(s.sampled).toBe(true)
    expect(s.total_points).toBe(STEPS + 4) // the duplicate step 500, NaN, +inf and -inf rows
    expect(s.bucket_width).toBe(STEPS / 200)
    expect(s.metrics.every((m) => m.step >= 0 && m.step <= STEPS - 1)).toBe(true)
    expect(s.metrics[0]).toEqual({ key: KEY, value: 0, timestamp: T0, step: 0 })
    expect(s.metrics[s.metrics.length - 1].step).toBe(STEPS - 1)
    expect(s.metrics.find((m) => Number.isNaN(m.value))).toMatchObject({ step: 20_000, timestamp: T0 + 20_007 })
    expect(s.metrics.find((m) => m.value === MAX_DOUBLE)).toMatchObject({ step: 50_000 })
    expect(s.metrics.find((m) => m.value === -MAX_DOUBLE)).toMatchObject({ step: 70_000 })
    expect(s.metrics.find((m) => m.value === SPIKE_MAX.value)).toMatchObject({ step: SPIKE_MAX.step, timestamp: T0 + SPIKE_MAX.step })
    expect(s.metrics.find((m) => m.value === SPIKE_MIN.value)).toMatchObject({ step: SPIKE_MIN.step })
  })

  it('returns a window that fits exactly: every row, duplicate steps included, ordered by step', async () => {
    const full = await getMetricHistory(store, { run_id: runId, metric_key: KEY })
    const inWindow = byStep(full.metrics.filter((m) => m.step >= 400 && m.step <= 600))
    expect(inWindow).toHaveLength(202)
    const s = await downsampleHistory(store, { run_id: runId, metric_key: KEY, max_points: 202, from_step: 400, to_step: 600 })
    expect(s).toEqual({ metrics: inWindow, sampled: false, total_points: 202, bucket_width: null })
    const cut = await downsampleHistory(store, { run_id: runId, metric_key: KEY, max_points: 201, from_step: 400, to_step: 600 })
    expect(cut.sampled).toBe(true)
    expectBounded(cut, 201)
    const near = await downsampleHistory(store, { run_id: runId, metric_key: KEY, max_points: 10, from_step: HUGE_STEP - 1, to_step: HUGE_STEP })
    expect(near.metrics).toEqual([{ key: KEY, value: 0.2, timestamp: T0 + STEPS + 10, step: HUGE_STEP }])
  })

  it("returns the fixture's 2,000-step val_loss history exactly when the budget covers it", async () => {
    const [longest] = await store.select<{ run_uuid: string; key: string; n: number }>(
      `SELECT run_uuid, key, count(*)::int AS n FROM metrics WHERE key = 'val_loss' GROUP BY run_uuid, key ORDER BY n DESC LIMIT 1`,
    )
    expect(longest.n).toBeGreaterThanOrEqual(2000)
    const full = await getMetricHistory(store, { run_id: longest.run_uuid, metric_key: 'val_loss' })
    for (const maxPoints of [longest.n, 5000]) {
      const s = await downsampleHistory(store, { run_id: longest.run_uuid, metric_key: 'val_loss', max_points: maxPoints })
      expect(s).toEqual({ metrics: byStep(full.metrics), sampled: false, total_points: longest.n, bucket_width: null })
    }
    const cut = await downsampleHistory(store, { run_id: longest.run_uuid, metric_key: 'val_loss', max_points: 100 })
    expectBounded(cut, 100)
    expect(cut.metrics[0]).toEqual(byStep(full.metrics)[0])
    expect(cut.metrics.at(-1)).toEqual(byStep(full.metrics).at(-1))
  })

  it('says which run is missing, and answers an empty window with no points', async () => {
    await expect(downsampleHistory(store, { run_id: 'f'.repeat(32), metric_key: KEY, max_points: 100 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const empty = await downsampleHistory(store, { run_id: runId, metric_key: KEY, max_points: 100, from_step: -100, to_step: -50 })
    expect(empty).toEqual({ metrics: [], sampled: false, total_points: 0, bucket_width: null })
  })
  it('metrics history --max-points prints the downsampled series; without it the full history', async () => {
    const url = urlFor(dbName)
    const r = await cli([
      'metrics',
      'history',
      '--run-id',
      runId,
      '--key',
      KEY,
      '--max-points',
      '1000',
      '--from-step',
      '-5',
      '--to-step',
      String(STEPS - 1),
      '--json',
      '--url',
      url,
    ])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/"value": NaN/)
    expect(r.stdout).toContain('1.7976931348623157e+308')
    const json = JSON.parse(r.stdout.replace(/\bNaN\b/g, 'null'))
    expect(json.metrics.length).toBeLessThanOrEqual(1000)
    expect(json.metrics[0]).toEqual({ key: KEY, value: 0.1, timestamp: T0 - 5, step: -5 })
    expect(json).toMatchObject({ sampled: true, total_points: STEPS + 5 })
    expect(Object.keys(json.metrics[0])).toEqual(['key', 'value', 'timestamp', 'step'])
    const table = await cli(['metrics', 'history', '--run-id', runId, '--key', KEY, '--max-points', '50', '--url', url])
    expect(table.code).toBe(0)
    expect(table.stderr).toMatch(/value\(s\) sampled from 100006/)
    const full = await cli(['metrics', 'history', '--run-id', runId, '--key', KEY, '--max-results', '2', '--json', '--url', url])
    expect(JSON.parse(full.stdout).metrics).toHaveLength(2)
  })

  it('rejects a budget or window that cannot be honoured, naming the option', async () => {
    const url = urlFor(dbName)
    const cases: Array<[string[], RegExp]> = [
      [['--max-points', '5'], /--max-points/],
      [['--max-points', '100001'], /--max-points/],
      [['--from-step', 'x', '--max-points', '100'], /--from-step: "x" is not a whole number/],
      [['--from-step', '3'], /from_step .*max_points/],
      [['--max-points', '100', '--max-results', '3'], /max_results pages the full history/],
      [['--max-points', '100', '--from-step', '9', '--to-step', '3'], /from_step \(9\) is after to_step \(3\)/],
    ]
    for (const [args, message] of cases) {
      const r = await cli(['metrics', 'history', '--run-id', runId, '--key', KEY, ...args, '--url', url])
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(message)
    }
  })

  it('reads a history in one pass when latest_metrics holds its last step, and answers as counting first does', async () => {
    // Another run of the fixture, logging as MLflow does (latest_metrics holds each key's highest step):
    // from step 0 (the guess holds), from step 1 (it does not: a second pass), and one that fits (its rows follow).
    const c = adminClient(dbName)
    await c.connect()
    const [{ run_uuid: run }] = (await c.query<{ run_uuid: string }>('SELECT run_uuid FROM runs WHERE run_uuid <> $1 ORDER BY run_uuid LIMIT 1', [runId])).rows
    const keys = { zero: 'one_pass_zero', one: 'one_pass_one', fits: 'one_pass_fits' }
    const last = { [keys.zero]: 9_999, [keys.one]: 8_000, [keys.fits]: 99 }
    try {
      await c.query(
        `INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
         SELECT k.key, cos(s / 50.0) * (1 + (s % 7)), $2::bigint + s * 10, $1, s, false
           FROM unnest($3::text[], $4::bigint[], $5::bigint[]) k(key, lo, hi), generate_series(k.lo, k.hi) s`,
        [run, T0, Object.values(keys), [0, 1, 0], Object.values(last)],
      )
      await c.query(
        `INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid)
         SELECT m.key, m.value, m.timestamp, m.step, m.is_nan, m.run_uuid FROM metrics m
           JOIN unnest($2::text[], $3::bigint[]) k(key, step) ON k.key = m.key AND k.step = m.step WHERE m.run_uuid = $1
         ON CONFLICT (key, run_uuid) DO UPDATE SET step = excluded.step, value = excluded.value, timestamp = excluded.timestamp`,
        [run, Object.keys(last), Object.values(last)],
      )
      const { spy, sent } = recordingStore(store)
      const passes = async (req: Omit<RunSeriesRequest, 'run_id'>) => {
        sent.length = 0
        const series = await readRunSeries(spy, { run_id: run, ...req })
        return { series: Object.fromEntries(series), passes: sent.filter(([sql]) => /\bmetrics m\b/.test(sql)).length }
      }
      const reqs: Array<[Omit<RunSeriesRequest, 'run_id'>, number]> = [
        [{ metric_keys: [keys.zero], max_points: 500 }, 1],
        [{ metric_keys: [keys.zero], max_points: 200, from_step: 2_000, to_step: 6_000 }, 1],
        [{ metric_keys: [keys.zero, keys.one], max_points: 500 }, 2],
        [{ metric_keys: [keys.fits], max_points: 500 }, 2],
        [{ metric_keys: [keys.zero, 'never_logged'], max_points: 500 }, 1],
      ]
      const guessed = []
      for (const [req, expected] of reqs) {
        const r = await passes(req)
        expect(r.passes, JSON.stringify(req)).toBe(expected)
        guessed.push(r.series)
      }
      expect(guessed[0][keys.zero]).toMatchObject({ sampled: true, total_points: 10_000 })
      expect(guessed[1][keys.zero].metrics.every((m: Metric) => m.step >= 2_000 && m.step <= 6_000)).toBe(true)
      expect(guessed[3][keys.fits]).toMatchObject({ sampled: false, total_points: 100 })
      expect(guessed[4].never_logged).toEqual({ metrics: [], sampled: false, total_points: 0, bucket_width: null })
      // Without latest_metrics' rows no extent is guessed right: each sampled key is bucketed again with the extents the first pass found.
      await c.query('DELETE FROM latest_metrics WHERE run_uuid = $1', [run])
      for (const [i, [req]] of reqs.entries()) expect((await passes(req)).series).toEqual(guessed[i])
    } finally {
      await c.end()
    }
  })

  it('answers the same with the optional metrics index as without it', async () => {
    const reqs = [
      { run_id: runId, metric_key: KEY, max_points: 1000 },
      { run_id: runId, metric_key: KEY, max_points: 500, from_step: 0, to_step: STEPS - 1 },
      { run_id: runId, metric_key: KEY, max_points: 300, from_step: 400, to_step: 600 },
    ]
    const before = await Promise.all(reqs.map((r) => downsampleHistory(store, r)))
    const c = adminClient(dbName)
    await c.connect()
    try {
      await c.query('CREATE INDEX mlflow_desk_metrics_run_key_step ON metrics (run_uuid, key, step) INCLUDE (timestamp, value, is_nan)')
      await c.query('ANALYZE metrics')
    } finally {
      await c.end()
    }
    forgetStoreIndexes(store)
    const after = await Promise.all(reqs.map((r) => downsampleHistory(store, r)))
    expect(after).toEqual(before)
    expect(after[2].sampled).toBe(false)
  })
})

describe('metrics:history with max_points, served through dispatch as every transport serves it', () => {
  let app: AppSetup
  let call: CallContext
  beforeAll(async () => {
    const url = urlFor(await createDatabase('series_api', FIXTURES.small.template))
    const home = await mkdtemp(join(tmpdir(), 'desk-series-'))
    app = await createAppContext({ home, env: {}, cipher: aesGcmCipher(Buffer.alloc(32, 5), 'a test key'), choice: { url }, transport: 'http' })
    call = { window: await app.workspace.window('series'), signal: new AbortController().signal, openWindow: async () => null }
  })
  afterAll(() => app?.workspace.dispose())

  it('answers the downsampled series with its metadata, and the full history unchanged without max_points', async () => {
    const store = await call.window.store()
    const [longest] = await store.select<{ run_uuid: string; n: number }>(
      `SELECT run_uuid, count(*)::int AS n FROM metrics WHERE key = 'val_loss' GROUP BY run_uuid ORDER BY n DESC LIMIT 1`,
    )
    const sampled = await dispatch(app.handlers, 'metrics:history', { run_id: longest.run_uuid, metric_key: 'val_loss', max_points: 100 }, call)
    expect(sampled).toMatchObject({ ok: true, data: { sampled: true, total_points: longest.n, next_page_token: null } })
    expect((sampled.ok ? (sampled.data as MetricHistoryResponse) : null)?.metrics.length).toBeLessThanOrEqual(100)
    const full = await dispatch(app.handlers, 'metrics:history', { run_id: longest.run_uuid, metric_key: 'val_loss' }, call)
    const fullData = full.ok ? (full.data as MetricHistoryResponse) : null
    expect(Object.keys(fullData ?? {})).toEqual(['metrics', 'next_page_token'])
    expect(fullData?.metrics).toHaveLength(longest.n)
    expect(await dispatch(app.handlers, 'metrics:history', { run_id: longest.run_uuid, metric_key: 'val_loss', max_points: 2 }, call)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', details: { field: 'max_points' } },
    })
    expect(await dispatch(app.handlers, 'metrics:history', { run_id: longest.run_uuid, metric_key: 'val_loss', to_step: 5 }, call)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', details: { field: 'to_step' } },
    })
  })
})
