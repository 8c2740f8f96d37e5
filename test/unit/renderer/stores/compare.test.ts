import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { CompareSeries } from '@shared/api/contract'
import type { Run } from '@shared/domain/mlflow'
import { useTransport } from '@/api'
import { useCompareStore } from '@/stores/compare'
import { fakeTransport } from '../fakeTransport'

/** A run whose latest `loss` was logged at `lastStep`. */
const run = (id: string, lastStep: number): Run =>
  ({ info: { run_id: id }, data: { metrics: [{ key: 'loss', value: 1, step: lastStep, timestamp: 0 }], params: [], tags: [] } }) as unknown as Run

const series = (runId: string, points: number): CompareSeries => ({
  run_id: runId,
  key: 'loss',
  metrics: Array.from({ length: points }, (_, i) => ({ key: 'loss', value: i, step: i, timestamp: i })),
  sampled: true,
  total_points: points,
  bucket_width: null,
})

describe('compare store: a preview first when the series are long', () => {
  let fake: ReturnType<typeof fakeTransport>
  let runs: Run[]
  let release: () => void
  let previewAnswer: 'preview' | 'exact'

  beforeEach(() => {
    setActivePinia(createPinia())
    previewAnswer = 'preview'
    const gate = new Promise<void>((r) => (release = r))
    fake = fakeTransport({
      'metrics:compare': async (req) => {
        if (req.metric_keys.length === 0) return { precision: 'exact', runs, series: [] }
        if (req.precision === 'preview') return { precision: previewAnswer, runs, series: runs.map((r) => series(r.info.run_id, 3)) }
        await gate
        return { precision: 'exact', runs: req.include_runs === false ? [] : runs, series: runs.map((r) => series(r.info.run_id, 7)) }
      },
    })
    useTransport(fake.transport)
  })

  it('draws the preview, says it is refining, then shows the exact series', async () => {
    runs = [run('a', 2_000_000), run('b', 10)]
    const store = useCompareStore()
    const loading = store.load({ runIds: ['a', 'b'], metricKeys: ['loss'], maxPoints: 1000 })
    await new Promise((r) => setTimeout(r, 0))
    await new Promise((r) => setTimeout(r, 0))
    expect(store.refining).toBe(true)
    expect(store.series.map((s) => s.metrics.length)).toEqual([3, 3])
    release()
    await loading
    expect(store.refining).toBe(false)
    expect(store.series.map((s) => s.metrics.length)).toEqual([7, 7])
    expect(fake.calls.filter((c) => c.request.metric_keys?.length).map((c) => c.request.precision)).toEqual(['preview', 'exact'])
    // The preview brought the runs; the exact answer is asked without them, and they stay.
    expect(fake.calls.at(-1)?.request.include_runs).toBe(false)
    expect(store.runs.map((r) => r.info.run_id)).toEqual(['a', 'b'])
  })

  it('asks once when the service answers the preview request exactly (short series, or no preview in time)', async () => {
    runs = [run('a', 10)]
    previewAnswer = 'exact'
    const store = useCompareStore()
    await store.load({ runIds: ['a'], metricKeys: ['loss'], maxPoints: 1000 })
    expect(fake.calls.filter((c) => c.request.metric_keys?.length).map((c) => c.request.precision)).toEqual(['preview'])
    expect(store.refining).toBe(false)
    expect(store.series.map((s) => s.metrics.length)).toEqual([3])
  })

  it('takes the load its navigation started (routePreload): the page asking the same waits for it, one call each', async () => {
    runs = [run('a', 2_000_000)]
    const store = useCompareStore()
    const req = { runIds: ['a'], metricKeys: ['loss'], maxPoints: 1000 }
    store.preload(req)
    const page = store.load({ ...req })
    release()
    expect(await page).toEqual(['loss'])
    expect(fake.calls.filter((c) => c.request.metric_keys?.length).map((c) => c.request.precision)).toEqual(['preview', 'exact'])
    expect(store.series.map((s) => s.metrics.length)).toEqual([7])
  })
})
