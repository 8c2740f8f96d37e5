import { getCurrentScope, onScopeDispose, ref, shallowRef, type Ref, type ShallowRef } from 'vue'

/** What to do with the latest request's outcome; neither is called for a request that was superseded or aborted. */
export interface Outcome<T> {
  /** Its answer (after `data` holds it). */
  apply?(value: T): void
  /** Its failure; without one, the failure goes to `error`. A cancellation is never a failure. */
  fail?(error: unknown): void
  /** It ended either way (the `finally` of what it started, e.g. a "loading more" flag). */
  settle?(): void
}

export interface LatestRequest<T> {
  /** The latest request's answer (undefined before one, and after `reset`). */
  readonly data: ShallowRef<T | undefined>
  /** A `run` is on its way. */
  readonly loading: Ref<boolean>
  /** Why the latest `run` (or a `follow` without its own `fail`) failed; null while none did. */
  readonly error: Ref<unknown>
  /**
   * Start a request; the one before (and whatever followed it) is aborted, so its server work
   * stops and its answer is never applied. Resolves with the answer, or undefined when it failed
   * or another request (or `abort`) came first.
   */
  run<R extends T>(request: (signal: AbortSignal) => Promise<R>, outcome?: Outcome<R>): Promise<R | undefined>
  /**
   * A request that belongs to the latest one (its next page, its count, a folder of its run):
   * aborted with it, its outcome applied only while that one is still the latest. Leaves `loading` alone.
   */
  follow<U>(request: (signal: AbortSignal) => Promise<U>, outcome?: Outcome<U>): Promise<U | undefined>
  /**
   * Abort the latest request and its followers (navigating away, or another item shown before its
   * first request); `data` and `error` stay, and what follows from now on follows them.
   */
  abort(): void
  /** `abort`, and forget the answer and the error. */
  reset(): void
}

/**
 * Latest request wins, with abort: one place for a screen's loading / error / data
 * and for the "ignore a stale answer" rule. Every request gets an AbortSignal to
 * hand to `api.call(…, { signal })`; starting the next one aborts it, so the
 * server stops its work and its answer can never land on newer state. Used in a
 * component (or any effect scope), it aborts when the scope ends (unmount).
 * In a pinia store, call `abort` where the screen is left.
 */
export function useLatestRequest<T = unknown>(): LatestRequest<T> {
  const data = shallowRef<T | undefined>(undefined)
  const loading = ref(false)
  const error = ref<unknown>(null)
  let current = new AbortController()

  const isLatest = (c: AbortController) => c === current && !c.signal.aborted

  function abort(): void {
    current.abort()
    current = new AbortController()
    loading.value = false
  }

  async function settle<U>(
    c: AbortController,
    request: (signal: AbortSignal) => Promise<U>,
    outcome: Outcome<U>,
    onValue?: (value: U) => void,
  ): Promise<U | undefined> {
    try {
      const value = await request(c.signal)
      if (!isLatest(c)) return undefined
      onValue?.(value)
      outcome.apply?.(value)
      return value
    } catch (e) {
      // Whatever a superseded or aborted request throws (most often its cancellation) is not news.
      if (!isLatest(c)) return undefined
      if (outcome.fail) outcome.fail(e)
      else error.value = e
      return undefined
    } finally {
      if (isLatest(c)) outcome.settle?.()
    }
  }

  async function run<R extends T>(request: (signal: AbortSignal) => Promise<R>, outcome: Outcome<R> = {}): Promise<R | undefined> {
    abort()
    const c = current
    loading.value = true
    error.value = null
    try {
      return await settle(c, request, outcome, (value) => (data.value = value))
    } finally {
      if (c === current) loading.value = false
    }
  }

  function follow<U>(request: (signal: AbortSignal) => Promise<U>, outcome: Outcome<U> = {}): Promise<U | undefined> {
    return settle(current, request, outcome)
  }

  function reset(): void {
    abort()
    data.value = undefined
    error.value = null
  }

  if (getCurrentScope()) onScopeDispose(abort)
  return { data, loading, error, run, follow, abort, reset }
}
