import type { StoreHandle } from './storeConnection'

/** What a store said once, kept for a while: `get` reads it or returns the kept answer, `forget` drops it. */
export interface StoreCache<T> {
  get(store: StoreHandle): Promise<T>
  forget(store: StoreHandle): void
}

/**
 * `read`'s answer kept per open store for `ttlMs`: keyed on the store's shared handle (not a
 * caller's withSignal view of it) and read through it, so callers waiting on one read are not
 * failed by another's abort. A read that fails is not kept; the next call asks again.
 */
export function cachedPerStore<T>(ttlMs: number, read: (store: StoreHandle) => Promise<T>): StoreCache<T> {
  const cache = new WeakMap<StoreHandle, { at: number; value: Promise<T> }>()
  return {
    get(store) {
      const shared = store.shared
      const hit = cache.get(shared)
      if (hit && Date.now() - hit.at < ttlMs) return hit.value
      const value = read(shared)
      cache.set(shared, { at: Date.now(), value })
      value.catch(() => {
        if (cache.get(shared)?.value === value) cache.delete(shared)
      })
      return value
    },
    forget: (store) => cache.delete(store.shared),
  }
}
