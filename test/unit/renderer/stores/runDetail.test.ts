import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { AppError } from '@shared/api/errors'
import type { Metric, Run } from '@shared/domain/mlflow'
import { useTransport } from '@/api'
import { useRunDetailStore } from '@/stores/runDetail'
import { fakeTransport } from '../fakeTransport'

function run(id: string): Run {
  return {
    info: {
      run_id: id,
      run_uuid: id,
      run_name: `run ${id}`,
      experiment_id: '1',
      user_id: 'ana',
      status: 'FINISHED',
      start_time: 1,
      end_time: 2,
      artifact_uri: null,
      lifecycle_stage: 'active',
    },
    data: { metrics: [{ key: 'loss', value: 0.1, timestamp: 1, step: 3 }], params: [], tags: [] },
    inputs: { dataset_inputs: [], model_inputs: [] },
    outputs: { model_outputs: [] },
  }
}
const related = { parent: null, children: [], logged_models: [], model_versions: [] }
const points = (n: number, from = 0): Metric[] => Array.from({ length: n }, (_, i) => ({ key: 'loss', value: i, timestamp: i, step: from + i }))
const tick = () => new Promise((r) => setTimeout(r, 0))

beforeEach(() => setActivePinia(createPinia()))

describe('run detail store', () => {
  it('loads the run and its relations; a relations failure leaves the run readable', async () => {
    useTransport(
      fakeTransport({
        'runs:get': ({ run_id }) => ({ run: run(run_id) }),
        'runs:related': () => {
          throw new AppError('TIMEOUT', 'slow')
        },
      }).transport,
    )
    const store = useRunDetailStore()
    await store.load('abc')
    expect(store.run?.info.run_id).toBe('abc')
    expect(store.error).toBeNull()
    expect((store.relatedError as AppError).code).toBe('TIMEOUT')
    expect(store.relatedLoading).toBe(false)
  })

  it('keeps a not-found error as an AppError for the page to explain', async () => {
    useTransport(
      fakeTransport({
        'runs:get': () => {
          throw new AppError('NOT_FOUND', "Run 'x' not found")
        },
        'runs:related': () => related,
      }).transport,
    )
    const store = useRunDetailStore()
    await store.load('x')
    expect(store.run).toBeNull()
    expect((store.error as AppError).code).toBe('NOT_FOUND')
  })

  it('reads a history page after page, once, however many callers ask', async () => {
    const all = points(5)
    const fake = fakeTransport({
      'runs:get': ({ run_id }) => ({ run: run(run_id) }),
      'runs:related': () => related,
      'metrics:history': ({ page_token }) =>
        page_token ? { metrics: all.slice(3), next_page_token: null } : { metrics: all.slice(0, 3), next_page_token: 'p2' },
    })
    useTransport(fake.transport)
    const store = useRunDetailStore()
    await store.load('abc')
    await Promise.all([store.loadHistory('loss'), store.loadHistory('loss')])
    expect(store.histories.loss.status).toBe('ready')
    expect(store.histories.loss.points.map((p) => p.step)).toEqual([0, 1, 2, 3, 4])
    expect(fake.channels().filter((c) => c === 'metrics:history')).toHaveLength(2)
    expect(fake.calls.find((c) => c.channel === 'metrics:history')!.request).toMatchObject({ run_id: 'abc', metric_key: 'loss' })
  })

  it('reads at most four histories at a time', async () => {
    let inFlight = 0
    let peak = 0
    const release: Array<() => void> = []
    useTransport(
      fakeTransport({
        'runs:get': ({ run_id }) => ({ run: run(run_id) }),
        'runs:related': () => related,
        'metrics:history': async () => {
          peak = Math.max(peak, ++inFlight)
          await new Promise<void>((r) => release.push(r))
          inFlight--
          return { metrics: points(1), next_page_token: null }
        },
      }).transport,
    )
    const store = useRunDetailStore()
    await store.load('abc')
    let done = false
    const all = Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((k) => store.loadHistory(k))).then(() => (done = true))
    while (!done) {
      await tick()
      release.shift()?.()
    }
    await all
    expect(peak).toBe(4)
    expect(Object.values(store.histories).every((h) => h.status === 'ready')).toBe(true)
  })

  it('drops a history answer that arrives after another run was opened', async () => {
    let answer: (() => void) | undefined
    useTransport(
      fakeTransport({
        'runs:get': ({ run_id }) => ({ run: run(run_id) }),
        'runs:related': () => related,
        'metrics:history': () => new Promise((r) => (answer = () => r({ metrics: points(3), next_page_token: null }))),
      }).transport,
    )
    const store = useRunDetailStore()
    await store.load('first')
    const pending = store.loadHistory('loss')
    await tick()
    await store.load('second')
    answer!()
    await pending
    expect(store.runId).toBe('second')
    expect(store.histories.loss).toBeUndefined()
  })

  it('a failed history can be asked for again', async () => {
    let fail = true
    useTransport(
      fakeTransport({
        'runs:get': ({ run_id }) => ({ run: run(run_id) }),
        'runs:related': () => related,
        'metrics:history': () => {
          if (fail) throw new AppError('TIMEOUT', 'slow')
          return { metrics: points(2), next_page_token: null }
        },
      }).transport,
    )
    const store = useRunDetailStore()
    await store.load('abc')
    await store.loadHistory('loss')
    expect(store.histories.loss.status).toBe('error')
    fail = false
    await store.loadHistory('loss')
    expect(store.histories.loss.points).toHaveLength(2)
  })
})
