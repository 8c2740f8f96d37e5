import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { AppError } from '@shared/api/errors'
import type { TraceRow } from '@shared/domain/traces'
import { TRACES_PAGE_SIZE } from '@shared/domain/pageSizes'
import { useTransport } from '@/api'
import { useTracesStore } from '@/stores/traces'
import { fakeTransport } from '../fakeTransport'

const trace = (id: string) => ({ trace_id: id, assessments: {}, tags: {} }) as unknown as TraceRow
const Q = { experimentIds: ['1'], filter: '', order: '' }

describe('traces store', () => {
  let fake: ReturnType<typeof fakeTransport>

  beforeEach(() => {
    setActivePinia(createPinia())
    fake = fakeTransport({
      'traces:search': (req) => {
        if (req.filter === 'bad') throw new AppError('INVALID_FILTER', "Unexpected 'bad'", { field: 'filter', position: 0, length: 3 })
        if (req.filter === 'boom') throw new AppError('TIMEOUT', 'statement timeout')
        return req.page_token ? { traces: [trace('c')], next_page_token: null } : { traces: [trace('a'), trace('b')], next_page_token: 'next' }
      },
      'traces:columns': () => ({ trace_count: 3, traces_read: 3, sampled: false, tags: [], metadata: [], assessments: [] }),
    })
    useTransport(fake.transport)
  })

  it('sends the filter and the one order entry, then appends the next keyset page', async () => {
    const store = useTracesStore()
    await store.search({ ...Q, filter: " trace.status = 'OK' ", order: 'execution_time_ms DESC' })
    expect(store.traces.map((t) => t.trace_id)).toEqual(['a', 'b'])
    expect(fake.calls.find((c) => c.channel === 'traces:search')!.request).toMatchObject({
      experiment_ids: ['1'],
      filter: "trace.status = 'OK'",
      order_by: ['execution_time_ms DESC'],
      max_results: TRACES_PAGE_SIZE,
    })
    expect(store.hasMore).toBe(true)
    await store.loadMore()
    expect(store.traces.map((t) => t.trace_id)).toEqual(['a', 'b', 'c'])
    expect(store.hasMore).toBe(false)
    expect(store.columns?.trace_count).toBe(3)
  })

  it('keeps a refused filter apart from other failures', async () => {
    const store = useTracesStore()
    await store.search({ ...Q, filter: 'bad' })
    expect(store.queryError?.details?.position).toBe(0)
    expect(store.error).toBeNull()
    await store.search({ ...Q, filter: 'boom' })
    expect(store.queryError).toBeNull()
    expect((store.error as AppError).code).toBe('TIMEOUT')
  })

  it('leaving the page (abort) stops the search on the server and applies nothing of it', async () => {
    let release: () => void = () => undefined
    const gate = new Promise<void>((r) => (release = r))
    const slow = fakeTransport({
      'traces:search': async () => {
        await gate
        return { traces: [trace('late')], next_page_token: null }
      },
      'traces:columns': async () => {
        await gate
        return { trace_count: 1, traces_read: 1, sampled: false, tags: [], metadata: [], assessments: [] }
      },
    })
    useTransport(slow.transport)
    const store = useTracesStore()
    const pending = store.search(Q)
    store.abort()
    release()
    await pending
    expect(slow.aborted().sort()).toEqual(['traces:columns', 'traces:search'])
    expect(store.traces).toEqual([])
  })
})
