import { describe, expect, it } from 'vitest'
import { createBatcher } from '@/utils/batcher'

/** A fetch that records its calls and answers each key with its upper case, when released. */
function recorder() {
  const calls: Array<{ keys: string[]; signal: AbortSignal }> = []
  const fetchMany = async (keys: string[], signal: AbortSignal) => {
    calls.push({ keys, signal })
    await new Promise((r) => setTimeout(r, 5))
    if (signal.aborted) throw signal.reason
    return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.toUpperCase()]))
  }
  return { calls, fetchMany }
}

describe('batcher', () => {
  it('asks for the keys of one moment in one call, each key once', async () => {
    const { calls, fetchMany } = recorder()
    const b = createBatcher(fetchMany, { max: 10, delayMs: 5 })
    const got = await Promise.all([b.get('a'), b.get('b'), b.get('a')])
    expect(got).toEqual(['A', 'B', 'A'])
    expect(calls.map((c) => c.keys)).toEqual([['a', 'b']])
    expect(await b.get('c')).toBe('C')
    expect(calls).toHaveLength(2)
  })

  it('splits at the most a call takes', async () => {
    const { calls, fetchMany } = recorder()
    const b = createBatcher(fetchMany, { max: 2, delayMs: 5 })
    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((k) => b.get(k)))
    expect(calls.map((c) => c.keys)).toEqual([['a', 'b'], ['c', 'd'], ['e']])
  })

  it('never sends what every asker left, and aborts a call all its askers left', async () => {
    const { calls, fetchMany } = recorder()
    const b = createBatcher(fetchMany, { max: 10, delayMs: 5 })
    const gone = new AbortController()
    const left = b.get('a', gone.signal)
    gone.abort(new Error('unmounted'))
    await expect(left).rejects.toThrow('unmounted')
    expect(await b.get('b')).toBe('B')
    expect(calls.map((c) => c.keys)).toEqual([['b']])

    const one = new AbortController()
    const two = new AbortController()
    const p1 = b.get('x', one.signal)
    const p2 = b.get('y', two.signal)
    await new Promise((r) => setTimeout(r, 7))
    one.abort()
    expect(calls.at(-1)!.signal.aborted).toBe(false)
    two.abort()
    expect(calls.at(-1)!.signal.aborted).toBe(true)
    await expect(p1).rejects.toBeDefined()
    await expect(p2).rejects.toBeDefined()
  })

  it('fails a key the answer does not hold, and every key of a failed call', async () => {
    const b = createBatcher(async (keys: string[]) => new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k])), { max: 10, delayMs: 1 })
    await expect(b.get('missing')).rejects.toThrow('no answer for missing')
    const failing = createBatcher<string, string>(
      async () => {
        throw new Error('store down')
      },
      { max: 10, delayMs: 1 },
    )
    await expect(Promise.all([failing.get('a'), failing.get('b')])).rejects.toThrow('store down')
  })
})
