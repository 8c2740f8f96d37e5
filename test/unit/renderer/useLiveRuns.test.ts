import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { computed, effectScope, nextTick } from 'vue'
import { createPinia, setActivePinia } from 'pinia'
import type { Run, RunStatus } from '@shared/domain/mlflow'
import { useTransport } from '@/api'
import { useRunsStore } from '@/stores/runs'
import { useLiveRuns } from '@/composables/useLiveRuns'
import { LIVE_PREFS_KEY } from '@/utils/livePrefs'
import { fakeTransport, memoryStorage } from './fakeTransport'

const ID = (c: string) => c.repeat(32)
const run = (c: string, status: RunStatus, start: number, loss = 1): Run =>
  ({
    info: { run_id: ID(c), status, start_time: start },
    data: { metrics: [{ key: 'loss', value: loss, step: 0, timestamp: start }], params: [], tags: [] },
  }) as unknown as Run

/** The store's runs as the server has them now: the test changes them between ticks. */
let server: Run[] = []
const Q = { experimentIds: ['1'], view: 'active' as const, filter: 'params.lr = "0.1"', orderBy: [] }

function page() {
  const store = useRunsStore()
  const scope = effectScope()
  const live = scope.run(() =>
    useLiveRuns({
      runs: computed(() => store.runs),
      query: computed(() => store.query),
      ready: computed(() => !store.loading && !store.error),
      apply: store.applyLive,
    }),
  )!
  return { store, live, scope }
}

describe('useLiveRuns (the runs page’s live refresh)', () => {
  let fake: ReturnType<typeof fakeTransport>
  const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' as DocumentVisibilityState })

  beforeEach(() => {
    vi.useFakeTimers()
    vi.stubGlobal('window', new EventTarget())
    vi.stubGlobal('document', doc)
    vi.stubGlobal('localStorage', memoryStorage())
    doc.visibilityState = 'visible'
    setActivePinia(createPinia())
    server = [run('a', 'RUNNING', 100), run('b', 'FINISHED', 50)]
    fake = fakeTransport({
      'runs:search': (req: { filter: string | null; max_results: number }) => {
        const ids = /run_id IN \((.*)\)/.exec(req.filter ?? '')?.[1]
        if (ids) return { runs: server.filter((r) => ids.includes(r.info.run_id)), next_page_token: null }
        const since = Number(/start_time >= (\d+)/.exec(req.filter ?? '')?.[1] ?? -1)
        const found = server.filter((r) => r.info.start_time! >= since).sort((x, y) => y.info.start_time! - x.info.start_time!)
        return { runs: found.slice(0, req.max_results), next_page_token: null }
      },
      'runs:count': () => ({ count: server.length }),
      'runs:columns': () => ({ metrics: ['loss'], params: [], tags: [] }),
    })
    useTransport(fake.transport)
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.unstubAllGlobals()
  })

  const searches = () => fake.calls.filter((c) => c.channel === 'runs:search').map((c) => c.request as { filter: string; view: string })

  it('reads the running runs again by id and puts new runs at the top, keeping the selection and the other runs', async () => {
    const { store, live, scope } = page()
    await store.search(Q)
    store.setChecked([ID('b'), ID('a')])
    const b = store.runs[1]
    expect(live.active.value).toBe(true)
    const before = searches().length

    server = [run('c', 'RUNNING', 200), run('a', 'RUNNING', 100, 0.5), run('b', 'FINISHED', 50)]
    await vi.advanceTimersByTimeAsync(9_999)
    expect(searches()).toHaveLength(before)
    await vi.advanceTimersByTimeAsync(1)
    const tick = searches().slice(before)
    // One call for the running runs (whatever their lifecycle now), one for runs of this search started since the newest.
    expect(tick).toHaveLength(2)
    expect(tick[0]).toMatchObject({ filter: `attributes.run_id IN ('${ID('a')}')`, view: 'all' })
    expect(tick[1]).toMatchObject({ filter: '(params.lr = "0.1") AND attributes.start_time >= 100', view: 'active' })

    expect(store.runs.map((r) => r.info.run_id)).toEqual([ID('c'), ID('a'), ID('b')])
    expect(store.runs[1].data.metrics[0].value).toBe(0.5)
    expect(store.runs[2]).toBe(b)
    expect(store.checked).toEqual([ID('b'), ID('a')])
    expect(store.total).toBe(3)
    expect(live.last.value?.runIds).toEqual([ID('a')])

    // A tick where the running run logged nothing: its row stays the same object, and no chart reads it again.
    const a = store.runs[1]
    await vi.advanceTimersByTimeAsync(10_000)
    expect(live.last.value?.seq).toBe(2)
    expect(store.runs[1]).toBe(a)
    expect(live.last.value?.runIds).toEqual([])
    scope.stop()
  })

  it('stops asking for a run once it is read back finished, and stops altogether when none is left going', async () => {
    const { store, live, scope } = page()
    await store.search(Q)
    server = [run('a', 'FINISHED', 100), run('b', 'FINISHED', 50)]
    await vi.advanceTimersByTimeAsync(10_000)
    expect(store.runs[0].info.status).toBe('FINISHED')
    expect(live.active.value).toBe(false)
    const after = searches().length
    await vi.advanceTimersByTimeAsync(120_000)
    expect(searches()).toHaveLength(after)
    scope.stop()
  })

  it('starts on runs already loaded and going (back from a run, or a search the navigation started before the page mounted)', async () => {
    const store = useRunsStore()
    await store.search(Q)
    const { live, scope } = page()
    expect(live.running.value).toBe(true)
    const before = searches().length
    server = [run('a', 'RUNNING', 100, 0.25), run('b', 'FINISHED', 50)]
    await vi.advanceTimersByTimeAsync(10_000)
    expect(searches().length).toBeGreaterThan(before)
    expect(store.runs[0].data.metrics[0].value).toBe(0.25)
    expect(live.last.value?.runIds).toEqual([ID('a')])
    scope.stop()
  })

  it('follows the interval the user set, waits while the window is hidden or paused, and catches up when shown', async () => {
    localStorage.setItem(LIVE_PREFS_KEY, JSON.stringify({ intervalSec: 2, paused: false }))
    const { store, live, scope } = page()
    await store.search(Q)
    const n = () => searches().length
    const start = n()
    await vi.advanceTimersByTimeAsync(2_000)
    expect(n()).toBe(start + 2)

    doc.visibilityState = 'hidden'
    doc.dispatchEvent(new Event('visibilitychange'))
    await vi.advanceTimersByTimeAsync(60_000)
    expect(n()).toBe(start + 2)
    doc.visibilityState = 'visible'
    doc.dispatchEvent(new Event('visibilitychange'))
    await vi.advanceTimersByTimeAsync(0)
    expect(n()).toBe(start + 4)

    live.prefs.value = { ...live.prefs.value, paused: true }
    await nextTick()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(n()).toBe(start + 4)
    live.prefs.value = { ...live.prefs.value, paused: false, intervalSec: 5 }
    await nextTick()
    await vi.advanceTimersByTimeAsync(4_999)
    expect(n()).toBe(start + 4)
    await vi.advanceTimersByTimeAsync(1)
    expect(n()).toBe(start + 6)
    scope.stop()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(n()).toBe(start + 6)
  })

  it('under another order first learns where new starts, then brings in only what started since', async () => {
    const { store, scope } = page()
    await store.search({ ...Q, orderBy: ['metrics.loss ASC'] })
    const before = searches().length
    await vi.advanceTimersByTimeAsync(10_000)
    expect(searches()[before + 1]).toMatchObject({ filter: 'params.lr = "0.1"' })
    expect(store.runs).toHaveLength(2)
    server = [run('d', 'RUNNING', 300), ...server]
    await vi.advanceTimersByTimeAsync(10_000)
    expect(searches()[before + 3]).toMatchObject({ filter: '(params.lr = "0.1") AND attributes.start_time >= 100' })
    expect(store.runs.map((r) => r.info.run_id)).toEqual([ID('d'), ID('a'), ID('b')])
    scope.stop()
  })
})
