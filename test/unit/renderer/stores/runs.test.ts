import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { AppError } from '@shared/api/errors'
import type { Run } from '@shared/domain/mlflow'
import { useTransport } from '@/api'
import { PAGE_SIZE, useRunsStore } from '@/stores/runs'
import { fakeTransport } from '../fakeTransport'

const run = (id: string, metrics: string[] = []): Run =>
  ({
    info: { run_id: id },
    data: { metrics: metrics.map((key) => ({ key, value: 1, step: 0, timestamp: 0 })), params: [], tags: [] },
  }) as unknown as Run

const Q = { experimentIds: ['1'], view: 'active' as const, filter: '', orderBy: [] }

describe('runs store', () => {
  let releaseCount: () => void
  let fake: ReturnType<typeof fakeTransport>

  beforeEach(() => {
    setActivePinia(createPinia())
    const countGate = new Promise<void>((r) => (releaseCount = r))
    fake = fakeTransport({
      'runs:search': (req) => {
        if (req.filter === 'bad') throw new AppError('INVALID_FILTER', "Unexpected 'bad'", { field: 'filter', position: 0, length: 3 })
        if (req.filter === 'boom') throw new AppError('TIMEOUT', 'statement timeout')
        return req.page_token ? { runs: [run('c')], next_page_token: null } : { runs: [run('a', ['loss', 'acc']), run('b', ['loss'])], next_page_token: 'next' }
      },
      'runs:count': async () => {
        await countGate
        return { count: 3 }
      },
      'runs:columns': () => ({ metrics: ['acc', 'loss'], params: ['lr'], tags: [] }),
    })
    useTransport(fake.transport)
  })

  it('shows the first page without waiting for the count, sending the filter and order as given', async () => {
    const store = useRunsStore()
    await store.search({ ...Q, filter: ' metrics.acc > 1 ', orderBy: ['metrics.`acc` DESC'] })
    expect(store.runs.map((r) => r.info.run_id)).toEqual(['a', 'b'])
    expect(store.total).toBeNull()
    const search = fake.calls.find((c) => c.channel === 'runs:search')!.request
    expect(search).toMatchObject({ experiment_ids: ['1'], filter: 'metrics.acc > 1', order_by: ['metrics.`acc` DESC'], max_results: PAGE_SIZE })
    expect(fake.channels().sort()).toEqual(['runs:columns', 'runs:count', 'runs:search'])
    releaseCount()
    await new Promise((r) => setTimeout(r, 0))
    expect(store.total).toBe(3)
    expect(store.columns?.params).toEqual(['lr'])
  })

  it('appends the next keyset page', async () => {
    const store = useRunsStore()
    await store.search(Q)
    await store.loadMore()
    expect(store.runs.map((r) => r.info.run_id)).toEqual(['a', 'b', 'c'])
    expect(store.hasMore).toBe(false)
    expect(fake.calls.filter((c) => c.channel === 'runs:search')[1].request.page_token).toBe('next')
  })

  it('keeps a refused filter apart from other failures', async () => {
    const store = useRunsStore()
    await store.search({ ...Q, filter: 'bad' })
    expect(store.queryError?.details).toEqual({ field: 'filter', position: 0, length: 3 })
    expect(store.error).toBeNull()
    await store.search({ ...Q, filter: 'boom' })
    expect(store.queryError).toBeNull()
    expect((store.error as AppError).code).toBe('TIMEOUT')
  })

  it('keeps the ticked runs across filters, not across experiment sets, and asks for columns once per set', async () => {
    const store = useRunsStore()
    await store.search(Q)
    store.setChecked(['a'])
    await store.search({ ...Q, filter: 'metrics.acc > 0' })
    expect(store.checked).toEqual(['a'])
    expect(fake.calls.filter((c) => c.channel === 'runs:columns')).toHaveLength(1)
    await store.search({ ...Q, experimentIds: ['1', '2'] })
    expect(store.checked).toEqual([])
    expect(fake.calls.filter((c) => c.channel === 'runs:columns')).toHaveLength(2)
  })

  it('a new search aborts the count of the one before, whose answer never lands', async () => {
    const store = useRunsStore()
    await store.search({ ...Q, filter: 'metrics.acc > 0' })
    const firstCount = fake.calls.find((c) => c.channel === 'runs:count')!
    expect(firstCount.signal?.aborted).toBe(false)
    await store.search(Q)
    expect(firstCount.signal?.aborted).toBe(true)
    const counts = fake.calls.filter((c) => c.channel === 'runs:count')
    expect(counts[1].signal?.aborted).toBe(false)
    releaseCount()
    await new Promise((r) => setTimeout(r, 0))
    expect(store.total).toBe(3)
    expect(store.counting).toBe(false)
  })

  it('leaving the page (abort) stops the search, its count and its next page on the server, and applies none of them', async () => {
    const gates: Array<() => void> = []
    const slow = fakeTransport({
      'runs:search': (req) =>
        new Promise((r) => gates.push(() => r(req.page_token ? { runs: [run('c')], next_page_token: null } : { runs: [run('a')], next_page_token: 'next' }))),
      'runs:count': () => new Promise(() => undefined),
      'runs:columns': () => new Promise(() => undefined),
    })
    useTransport(slow.transport)
    const store = useRunsStore()
    const searching = store.search(Q)
    await new Promise((r) => setTimeout(r, 0))
    store.abort()
    await searching
    expect(slow.aborted().sort()).toEqual(['runs:columns', 'runs:count', 'runs:search'])
    expect(store.loading).toBe(false)
    expect(store.counting).toBe(false)
    gates.shift()!()
    await new Promise((r) => setTimeout(r, 0))
    expect(store.runs).toEqual([])
    expect(store.error).toBeNull()
  })
})
