import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { summarizeMetrics } from '../../electron/services/tracking/metricSummary'
import { AppError } from '@shared/api/errors'
import { keyMetrics } from '@shared/domain/keyMetrics'
import { contract } from '@shared/api/contract'
import { createDatabase, targetFor } from '../helpers/databases'
import { dumpRows } from '../helpers/dumpRows'
import { FIXTURES, type FixtureName } from '../helpers/fixtures'

const MAX_DOUBLE = 1.7976931348623157e308

type Row = Record<string, string | null>
interface Point {
  value: number
  step: number
  timestamp: number
  finite: boolean
}

/** What the summary must say of one (run, key), from the dump's rows: MLflow's stored values. */
function expected(rows: Row[]) {
  const points: Point[] = rows.map((r) => {
    const value = Number(r.value)
    return { value, step: Number(r.step), timestamp: Number(r.timestamp), finite: r.is_nan !== 't' && Number.isFinite(value) && Math.abs(value) < MAX_DOUBLE }
  })
  const finite = points.filter((p) => p.finite)
  const firstWith = (v: number) => Math.min(...finite.filter((p) => p.value === v).map((p) => p.step))
  const min = finite.length ? Math.min(...finite.map((p) => p.value)) : null
  const max = finite.length ? Math.max(...finite.map((p) => p.value)) : null
  return {
    total_points: points.length,
    min,
    min_step: min === null ? null : firstWith(min),
    max,
    max_step: max === null ? null : firstWith(max),
    specials: points.length - finite.length,
  }
}

describe.each(['small', 'old'] as FixtureName[])('metrics:summary on the MLflow-written %s fixture', (fixture) => {
  const dump = FIXTURES[fixture].dump
  const metrics = dumpRows(dump, 'metrics')
  const latest = dumpRows(dump, 'latest_metrics')
  const byRun = new Map<string, Map<string, Row[]>>()
  for (const r of metrics) {
    const keys = byRun.get(r.run_uuid!) ?? new Map<string, Row[]>()
    keys.set(r.key!, [...(keys.get(r.key!) ?? []), r])
    byRun.set(r.run_uuid!, keys)
  }
  let store: StoreHandle

  beforeAll(async () => {
    store = await openStore(targetFor(await createDatabase(`summary_${fixture}`, FIXTURES[fixture].template)))
  })
  afterAll(() => store?.close())

  it('gives every run’s count, finite min and max with their first steps, in one answer per run', async () => {
    expect(byRun.size).toBeGreaterThan(10)
    let checked = 0
    for (const [runId, keys] of byRun) {
      const asked = [...keys.keys()].slice(0, 30)
      const { summaries } = await summarizeMetrics(store, { run_id: runId, metric_keys: asked, points: 20 })
      expect(summaries.map((s) => s.key)).toEqual(asked)
      for (const s of summaries) {
        const { points, key, ...figures } = s
        expect(figures, `${runId} ${key}`).toEqual(expected(keys.get(key)!))
        expect(points.length).toBeLessThanOrEqual(20)
        expect(points.length).toBeGreaterThan(0)
        expect(points.map((p) => p.step)).toEqual([...points.map((p) => p.step)].sort((a, b) => a - b))
        checked++
      }
    }
    expect(checked).toBeGreaterThan(100)
  })

  it('ends each trend line where MLflow’s latest_metrics is: the highest step’s latest value', async () => {
    let compared = 0
    for (const l of latest.filter((r) => byRun.get(r.run_uuid!)?.has(r.key!)).slice(0, 80)) {
      const { summaries } = await summarizeMetrics(store, { run_id: l.run_uuid!, metric_keys: [l.key!], points: 10 })
      const last = summaries[0].points.at(-1)!
      const rows = byRun.get(l.run_uuid!)!.get(l.key!)!
      // latest_metrics keeps the max step, then the max timestamp, then the max value (MLflow's _update_latest_metrics_if_necessary).
      const top = rows.reduce((a, b) => (Number(b.step) > Number(a.step) || (b.step === a.step && Number(b.timestamp) > Number(a.timestamp)) ? b : a))
      expect(last.step, `${l.run_uuid} ${l.key}`).toBe(Number(l.step))
      expect(last.step).toBe(Number(top.step))
      if (l.is_nan === 't') expect(last.value).toBeNaN()
      else expect(last.timestamp).toBe(Number(l.timestamp))
      compared++
    }
    expect(compared).toBeGreaterThan(20)
  })

  it('leaves out keys the run never logged, and names a run that does not exist', async () => {
    const [runId, keys] = [...byRun][0]
    const key = [...keys.keys()][0]
    const { summaries } = await summarizeMetrics(store, { run_id: runId, metric_keys: ['no such key', key], points: 5 })
    expect(summaries.map((s) => s.key)).toEqual([key])
    const missing = await summarizeMetrics(store, { run_id: 'f'.repeat(32), metric_keys: [key], points: 5 }).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(AppError)
    expect((missing as AppError).code).toBe('NOT_FOUND')
  })

  it('picks the run’s key metrics itself when asked to (the Overview asks before it has the run)', async () => {
    let picked = 0
    for (const [runId, keys] of [...byRun].slice(0, 12)) {
      // The keys a run has: its latest values (or, before MLflow 1.3, its history).
      const own = [...new Set([...latest.filter((r) => r.run_uuid === runId).map((r) => r.key!), ...(latest.length ? [] : keys.keys())])]
      const first = own.length > 1 ? [own[own.length - 1]] : []
      const res = await summarizeMetrics(store, { run_id: runId, pick: { limit: 3, first }, points: 5 })
      expect(res.keys, runId).toEqual(keyMetrics(own, first, 3))
      if (first.length) expect(res.keys[0]).toBe(first[0])
      expect(res.summaries.map((s) => s.key)).toEqual(res.keys.filter((k) => keys.has(k)))
      picked += res.keys.length
    }
    expect(picked).toBeGreaterThan(12)
    const missing = await summarizeMetrics(store, { run_id: 'f'.repeat(32), pick: { limit: 3, first: [] }, points: 5 }).catch((e: unknown) => e)
    expect((missing as AppError).code).toBe('NOT_FOUND')
  })

  it('refuses a request with both keys and a pick, or neither', () => {
    const schema = contract['metrics:summary'].request
    const [runId] = [...byRun.keys()]
    expect(schema.safeParse({ run_id: runId, metric_keys: ['a'], pick: { limit: 2 } }).success).toBe(false)
    expect(schema.safeParse({ run_id: runId }).success).toBe(false)
    expect(schema.safeParse({ run_id: runId, pick: { limit: 2 } }).success).toBe(true)
  })
})
