import { afterEach, describe, expect, it, vi } from 'vitest'
import type { StoreHandle } from '../../../electron/services/connections/storeConnection'
import { cachedPerStore } from '../../../electron/services/connections/storeCache'

/** A store handle with views of itself, as withSignal gives: only `shared` matters to the cache. */
function storeWithView(): { store: StoreHandle; view: StoreHandle } {
  const store = {} as { shared: StoreHandle }
  store.shared = store as unknown as StoreHandle
  const view = { shared: store } as unknown as StoreHandle
  return { store: store as unknown as StoreHandle, view }
}

describe('cachedPerStore', () => {
  afterEach(() => vi.useRealTimers())

  it('reads once per open store, through its shared handle, whichever view asks', async () => {
    const read = vi.fn(async (s: StoreHandle) => s)
    const cache = cachedPerStore(1000, read)
    const { store, view } = storeWithView()
    const other = storeWithView().store
    expect(await cache.get(view)).toBe(store)
    expect(await cache.get(store)).toBe(store)
    expect(read).toHaveBeenCalledTimes(1)
    expect(read).toHaveBeenCalledWith(store)
    await cache.get(other)
    expect(read).toHaveBeenCalledTimes(2)
  })

  it('asks again after its time, and after forget', async () => {
    vi.useFakeTimers()
    let n = 0
    const cache = cachedPerStore(1000, async () => ++n)
    const { store, view } = storeWithView()
    expect(await cache.get(store)).toBe(1)
    vi.advanceTimersByTime(999)
    expect(await cache.get(store)).toBe(1)
    vi.advanceTimersByTime(1)
    expect(await cache.get(store)).toBe(2)
    cache.forget(view)
    expect(await cache.get(store)).toBe(3)
  })

  it('does not keep a failed read: the next call asks again', async () => {
    let fail = true
    const cache = cachedPerStore(60_000, async () => {
      if (fail) throw new Error('catalog unreadable')
      return 'ok'
    })
    const { store } = storeWithView()
    await expect(cache.get(store)).rejects.toThrow('catalog unreadable')
    fail = false
    expect(await cache.get(store)).toBe('ok')
  })
})
