/**
 * Many small asks, few calls: keys asked for within one short window go out
 * together (up to `max` per call). Each asker keeps its own AbortSignal: an
 * asker that leaves is dropped from its batch, and a batch whose askers have all
 * left is aborted (before it is sent, it is never sent).
 */
export interface Batcher<K, V> {
  get(key: K, signal?: AbortSignal): Promise<V>
}

interface Waiter<V> {
  resolve(v: V): void
  reject(e: unknown): void
  signal?: AbortSignal
}

export function createBatcher<K, V>(fetchMany: (keys: K[], signal: AbortSignal) => Promise<Map<K, V>>, opts: { max: number; delayMs: number }): Batcher<K, V> {
  let open: Map<K, Waiter<V>[]> | null = null
  let timer: ReturnType<typeof setTimeout> | undefined

  function send(batch: Map<K, Waiter<V>[]>) {
    const live = [...batch].filter(([, ws]) => ws.some((w) => !w.signal?.aborted))
    if (!live.length) return
    const controller = new AbortController()
    const waiters = live.flatMap(([, ws]) => ws)
    const leave = () => {
      if (waiters.every((w) => w.signal?.aborted)) controller.abort()
    }
    waiters.forEach((w) => w.signal?.addEventListener('abort', leave, { once: true }))
    fetchMany(
      live.map(([k]) => k),
      controller.signal,
    ).then(
      (values) => {
        for (const [k, ws] of live) {
          if (!values.has(k)) ws.forEach((w) => w.reject(new Error(`no answer for ${String(k)}`)))
          else ws.forEach((w) => w.resolve(values.get(k)!))
        }
      },
      (e) => waiters.forEach((w) => w.reject(e)),
    )
  }

  function flush() {
    timer = undefined
    const batch = open
    open = null
    if (!batch) return
    // Split into calls of at most `max` keys.
    const entries = [...batch]
    for (let i = 0; i < entries.length; i += opts.max) send(new Map(entries.slice(i, i + opts.max)))
  }

  return {
    get(key, signal) {
      return new Promise<V>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason)
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true })
        open ??= new Map()
        open.set(key, [...(open.get(key) ?? []), { resolve, reject, signal }])
        if (open.size >= opts.max) {
          clearTimeout(timer)
          flush()
        } else timer ??= setTimeout(flush, opts.delayMs)
      })
    },
  }
}
