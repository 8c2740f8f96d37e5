import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { getMetricHistory } from '../../electron/services/tracking/metricHistory'
import type { Metric } from '@shared/domain/mlflow'
import { createDatabase, targetFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES, type FixtureName } from '../helpers/fixtures'

const MAX_DOUBLE = 1.7976931348623157e308

type Row = Record<string, string | null>

/** The dump's rows of one metric in MLflow's ORDER BY timestamp, step, value (is_nan breaks the remaining ties). */
function expectedHistory(rows: Row[], runId: string, key: string): Metric[] {
  return rows
    .filter((r) => r.run_uuid === runId && r.key === key)
    .map((r) => ({ raw: Number(r.value), isNan: r.is_nan === 't', timestamp: Number(r.timestamp), step: Number(r.step) }))
    .sort((a, b) => a.timestamp - b.timestamp || a.step - b.step || a.raw - b.raw || Number(a.isNan) - Number(b.isNan))
    .map((r) => ({ key, value: r.isNan ? NaN : r.raw, timestamp: r.timestamp, step: r.step }))
}

/** Walk every page of a history. */
async function allPages(store: StoreHandle, runId: string, key: string, pageSize: number): Promise<{ metrics: Metric[]; pages: number }> {
  const metrics: Metric[] = []
  let token: string | null = null
  let pages = 0
  do {
    const page: Awaited<ReturnType<typeof getMetricHistory>> = await getMetricHistory(store, {
      run_id: runId,
      metric_key: key,
      max_results: pageSize,
      page_token: token,
    })
    expect(page.metrics.length).toBeLessThanOrEqual(pageSize)
    metrics.push(...page.metrics)
    token = page.next_page_token
    pages++
  } while (token && pages < 10_000)
  return { metrics, pages }
}

describe.each(['small', 'old'] as FixtureName[])('metric history of the MLflow-written %s fixture', (fixture) => {
  const dump = FIXTURES[fixture].dump
  const rows = dumpRows(dump, 'metrics')
  let store: StoreHandle

  beforeAll(async () => {
    store = await openStore(targetFor(await createDatabase(`history_${fixture}`, FIXTURES[fixture].template)))
  })
  afterAll(() => store?.close())

  it('returns every stored row of every metric, in MLflow order', async () => {
    const pairs = [...new Set(rows.map((r) => `${r.run_uuid}\t${r.key}`))].map((p) => p.split('\t') as [string, string])
    expect(pairs.length).toBeGreaterThan(100)
    let total = 0
    for (const [runId, key] of pairs) {
      const got = await getMetricHistory(store, { run_id: runId, metric_key: key })
      expect(got.metrics, `${runId} ${key}`).toEqual(expectedHistory(rows, runId, key))
      expect(got.next_page_token).toBeNull()
      total += got.metrics.length
    }
    expect(total).toBe(rows.length)
  })

  it('returns the longest history whole and in pages that add up to it', async () => {
    const counts = new Map<string, number>()
    for (const r of rows) counts.set(`${r.run_uuid}\t${r.key}`, (counts.get(`${r.run_uuid}\t${r.key}`) ?? 0) + 1)
    const [longest, n] = [...counts].sort((a, b) => b[1] - a[1])[0]
    const [runId, key] = longest.split('\t')
    expect(n).toBeGreaterThanOrEqual(fixture === 'small' ? 2000 : 100)
    const whole = await getMetricHistory(store, { run_id: runId, metric_key: key })
    expect(whole.metrics).toHaveLength(n)
    for (const size of [1, 7, 333, n - 1]) {
      const walked = await allPages(store, runId, key, size)
      expect(walked.metrics, `pages of ${size}`).toEqual(whole.metrics)
      expect(walked.pages).toBe(Math.ceil(n / size))
    }
    // A page exactly as long as the history is the last one (MLflow asks for max_results + 1 rows).
    expect((await getMetricHistory(store, { run_id: runId, metric_key: key, max_results: n })).next_page_token).toBeNull()
  })
})

describe('metric history: the values MLflow stores specially', () => {
  const rows = dumpRows(FIXTURES.small.dump, 'metrics')
  let store: StoreHandle

  beforeAll(async () => {
    store = await openStore(targetFor(await createDatabase('history_values', FIXTURES.small.template)))
  })
  afterAll(() => store?.close())

  it('has the 2,000-step val_loss history, steps in order', async () => {
    const runId = rows
      .filter((r) => r.key === 'val_loss')
      .map((r) => r.run_uuid!)
      .find((id, _, all) => all.filter((x) => x === id).length === 2000)!
    expect(runId).toBeDefined()
    const got = await getMetricHistory(store, { run_id: runId, metric_key: 'val_loss' })
    expect(got.metrics).toHaveLength(2000)
    expect(got.metrics.every((m) => m.key === 'val_loss' && Number.isFinite(m.value))).toBe(true)
    const timestamps = got.metrics.map((m) => m.timestamp!)
    expect(timestamps).toEqual([...timestamps].sort((a, b) => a - b))
  })

  it('restores NaN from is_nan and keeps +-inf as the max double', async () => {
    const nanRow = rows.find((r) => r.is_nan === 't')!
    const infRow = rows.find((r) => r.is_nan === 'f' && Number(r.value) === MAX_DOUBLE)!
    const negInfRow = rows.find((r) => r.is_nan === 'f' && Number(r.value) === -MAX_DOUBLE)!
    for (const row of [nanRow, infRow, negInfRow]) expect(row, 'fixture row').toBeDefined()

    const nan = await getMetricHistory(store, { run_id: nanRow.run_uuid!, metric_key: nanRow.key! })
    const nanPoint = nan.metrics.find((m) => m.timestamp === Number(nanRow.timestamp) && m.step === Number(nanRow.step))!
    expect(Number.isNaN(nanPoint.value)).toBe(true)

    const inf = await getMetricHistory(store, { run_id: infRow.run_uuid!, metric_key: infRow.key! })
    expect(inf.metrics.map((m) => m.value)).toContain(MAX_DOUBLE)
    expect(inf.metrics.map((m) => m.value)).not.toContain(Infinity)
    const negInf = await getMetricHistory(store, { run_id: negInfRow.run_uuid!, metric_key: negInfRow.key! })
    expect(negInf.metrics.map((m) => m.value)).toContain(-MAX_DOUBLE)
    expect(negInf.metrics.map((m) => m.value)).not.toContain(-Infinity)
  })

  it('keeps duplicate steps, a negative step and a step of 2^40', async () => {
    const seen = new Map<string, number>()
    for (const r of rows) seen.set(`${r.run_uuid}\t${r.key}\t${r.step}`, (seen.get(`${r.run_uuid}\t${r.key}\t${r.step}`) ?? 0) + 1)
    const dup = [...seen].find(([, n]) => n > 1)!
    expect(dup, 'a duplicated step in the fixture').toBeDefined()
    const [runId, key, step] = dup[0].split('\t')
    const got = await getMetricHistory(store, { run_id: runId, metric_key: key })
    expect(got.metrics.filter((m) => m.step === Number(step))).toHaveLength(dup[1])
    expect(got.metrics).toEqual(expectedHistory(rows, runId, key))

    const negative = rows.find((r) => Number(r.step) < 0)!
    const big = rows.find((r) => Number(r.step) === 2 ** 40)!
    const negHistory = await getMetricHistory(store, { run_id: negative.run_uuid!, metric_key: negative.key! })
    expect(negHistory.metrics.map((m) => m.step)).toContain(Number(negative.step))
    const bigHistory = await getMetricHistory(store, { run_id: big.run_uuid!, metric_key: big.key! })
    expect(bigHistory.metrics.map((m) => m.step)).toContain(2 ** 40)
  })

  it('pages through NaN, infinities and duplicate steps without losing or repeating a row', async () => {
    for (const key of ['unstable', 'dup_step']) {
      const row = rows.find((r) => r.key === key)!
      const whole = expectedHistory(rows, row.run_uuid!, key)
      expect((await allPages(store, row.run_uuid!, key, 1)).metrics).toEqual(whole)
    }
  })

  it("continues from MLflow's own offset token", async () => {
    const row = rows.find((r) => r.key === 'val_loss')!
    const token = Buffer.from(JSON.stringify({ offset: 10 })).toString('base64')
    const page = await getMetricHistory(store, { run_id: row.run_uuid!, metric_key: 'val_loss', max_results: 5, page_token: token })
    expect(page.metrics).toEqual(expectedHistory(rows, row.run_uuid!, 'val_loss').slice(10, 15))
  })

  it('answers an empty list for a metric the run does not have', async () => {
    const runId = rows[0].run_uuid!
    expect(await getMetricHistory(store, { run_id: runId, metric_key: 'no-such-metric' })).toEqual({ metrics: [], next_page_token: null })
  })

  it('refuses an unknown run by name, and a token from another metric', async () => {
    const missing = 'f'.repeat(32)
    await expect(getMetricHistory(store, { run_id: missing, metric_key: 'loss' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining(missing),
    })
    const row = rows.find((r) => r.key === 'val_loss')!
    const first = await getMetricHistory(store, { run_id: row.run_uuid!, metric_key: 'val_loss', max_results: 3 })
    expect(first.next_page_token).toEqual(expect.any(String))
    await expect(
      getMetricHistory(store, { run_id: row.run_uuid!, metric_key: 'loss', max_results: 3, page_token: first.next_page_token }),
    ).rejects.toMatchObject({
      code: 'INVALID_PAGE_TOKEN',
    })
  })
})
