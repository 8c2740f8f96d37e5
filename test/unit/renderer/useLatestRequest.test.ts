import { describe, expect, it } from 'vitest'
import { effectScope } from 'vue'
import { useLatestRequest } from '@/composables/useLatestRequest'

/** A request answered by hand, recording the signal it was given. */
function pending<T>() {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)))
  const seen: { signal: AbortSignal | null } = { signal: null }
  const request = (signal: AbortSignal) => {
    seen.signal = signal
    return promise
  }
  return { request, resolve, reject, seen }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

describe('useLatestRequest', () => {
  it('applies only the latest answer, even when an older one arrives last, and aborts the older request', async () => {
    const latest = useLatestRequest<string>()
    const applied: string[] = []
    const a = pending<string>()
    const b = pending<string>()
    const first = latest.run(a.request, { apply: (v) => applied.push(v) })
    expect(latest.loading.value).toBe(true)
    const second = latest.run(b.request, { apply: (v) => applied.push(v) })
    expect(a.seen.signal?.aborted).toBe(true)
    expect(b.seen.signal?.aborted).toBe(false)
    b.resolve('b')
    expect(await second).toBe('b')
    expect(latest.loading.value).toBe(false)
    a.resolve('a')
    expect(await first).toBeUndefined()
    expect(applied).toEqual(['b'])
    expect(latest.data.value).toBe('b')
  })

  it('keeps loading while the latest is on its way, whatever an older one does', async () => {
    const latest = useLatestRequest<string>()
    const a = pending<string>()
    const b = pending<string>()
    void latest.run(a.request)
    void latest.run(b.request)
    a.reject(new Error('boom'))
    await tick()
    expect(latest.loading.value).toBe(true)
    expect(latest.error.value).toBeNull()
    b.reject(new Error('real'))
    await tick()
    expect(latest.loading.value).toBe(false)
    expect((latest.error.value as Error).message).toBe('real')
  })

  it('sends a failure to `fail` instead of `error` when given, and never reports a cancellation', async () => {
    const latest = useLatestRequest<string>()
    const failed: unknown[] = []
    const a = pending<string>()
    void latest.run(a.request, { fail: (e) => failed.push(e) })
    latest.abort()
    a.reject(new Error('cancelled'))
    await tick()
    expect(failed).toEqual([])
    expect(latest.error.value).toBeNull()
    expect(latest.loading.value).toBe(false)
    const b = pending<string>()
    void latest.run(b.request, { fail: (e) => failed.push(e) })
    b.reject(new Error('timeout'))
    await tick()
    expect(failed.map((e) => (e as Error).message)).toEqual(['timeout'])
    expect(latest.error.value).toBeNull()
  })

  it('aborts followers with the request they follow, and applies theirs only while it is the latest', async () => {
    const latest = useLatestRequest<string>()
    const page = pending<string>()
    const count = pending<number>()
    const counts: number[] = []
    let settled = 0
    await latest.run(() => Promise.resolve('page 1'))
    void latest.follow(page.request, { apply: () => undefined, settle: () => settled++ })
    void latest.follow(count.request, { apply: (n) => counts.push(n) })
    expect(page.seen.signal?.aborted).toBe(false)
    const next = pending<string>()
    void latest.run(next.request)
    expect(page.seen.signal?.aborted).toBe(true)
    expect(count.seen.signal?.aborted).toBe(true)
    count.resolve(3)
    page.resolve('page 2')
    await tick()
    expect(counts).toEqual([])
    expect(settled).toBe(0)
    const again = pending<number>()
    void latest.follow(again.request, { apply: (n) => counts.push(n), settle: () => settled++ })
    expect(again.seen.signal).toBe(next.seen.signal)
    again.resolve(7)
    await tick()
    expect(counts).toEqual([7])
    expect(settled).toBe(1)
  })

  it('a follower failing without `fail` sets error; `abort` stops what is in flight, not what follows after', async () => {
    const latest = useLatestRequest<string>()
    await latest.run(() => Promise.resolve('x'))
    await latest.follow(() => Promise.reject(new Error('page 2 failed')))
    expect((latest.error.value as Error).message).toBe('page 2 failed')
    const f = pending<string>()
    void latest.follow(f.request)
    latest.abort()
    expect(f.seen.signal?.aborted).toBe(true)
    f.resolve('late')
    const g = pending<string>()
    const later = latest.follow(g.request)
    expect(g.seen.signal?.aborted).toBe(false)
    g.resolve('after')
    expect(await later).toBe('after')
    expect(latest.data.value).toBe('x')
  })

  it('reset aborts and forgets the answer and the error', async () => {
    const latest = useLatestRequest<string>()
    await latest.run(() => Promise.resolve('x'))
    const a = pending<string>()
    void latest.run(a.request)
    latest.reset()
    expect(a.seen.signal?.aborted).toBe(true)
    expect(latest.data.value).toBeUndefined()
    expect(latest.loading.value).toBe(false)
    a.resolve('late')
    await tick()
    expect(latest.data.value).toBeUndefined()
  })

  it('aborts what is in flight when its scope ends (a component unmounting)', async () => {
    const scope = effectScope()
    const latest = scope.run(() => useLatestRequest<string>())!
    const a = pending<string>()
    void latest.run(a.request)
    scope.stop()
    expect(a.seen.signal?.aborted).toBe(true)
    a.resolve('late')
    await tick()
    expect(latest.data.value).toBeUndefined()
  })
})
