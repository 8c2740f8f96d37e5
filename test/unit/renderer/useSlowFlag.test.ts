import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import { useSlowFlag } from '@/composables/useSlowFlag'

describe('useSlowFlag (a read that takes long)', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('rises only after the read has run the whole delay, falls when it ends, and starts over with the next read', async () => {
    const busy = ref(true)
    const scope = effectScope()
    const slow = scope.run(() => useSlowFlag(busy, 3000))!
    vi.advanceTimersByTime(2999)
    expect(slow.value).toBe(false)
    vi.advanceTimersByTime(1)
    expect(slow.value).toBe(true)
    busy.value = false
    await nextTick()
    expect(slow.value).toBe(false)
    busy.value = true
    await nextTick()
    vi.advanceTimersByTime(2000)
    busy.value = false
    await nextTick()
    vi.advanceTimersByTime(5000)
    expect(slow.value).toBe(false)
    scope.stop()
  })

  it('a read still running when the screen closes never raises it', async () => {
    const busy = ref(true)
    const scope = effectScope()
    const slow = scope.run(() => useSlowFlag(busy, 1000))!
    scope.stop()
    vi.advanceTimersByTime(5000)
    expect(slow.value).toBe(false)
  })
})
