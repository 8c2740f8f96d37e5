import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import { useAutoCollapse } from '@/composables/useAutoCollapse'

function panel() {
  const running = ref(0)
  const ids = ref<string[]>([])
  const scope = effectScope()
  const { collapsed, toggle } = scope.run(() => useAutoCollapse(running, ids, 1000))!
  /** A job starts (running) or ends. */
  const start = async (id: string) => {
    ids.value = [id, ...ids.value]
    running.value++
    await nextTick()
  }
  const finish = async () => {
    running.value--
    await nextTick()
  }
  return { collapsed, toggle, start, finish, ids, running, scope }
}

describe('useAutoCollapse (the jobs panel)', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('folds a moment after every job has finished, not while one still runs', async () => {
    const p = panel()
    await p.start('a')
    await p.start('b')
    await p.finish()
    vi.advanceTimersByTime(5000)
    expect(p.collapsed.value).toBe(false)
    await p.finish()
    vi.advanceTimersByTime(999)
    expect(p.collapsed.value).toBe(false)
    vi.advanceTimersByTime(1)
    expect(p.collapsed.value).toBe(true)
  })

  it('a new job opens it again, and one starting within the moment keeps it open', async () => {
    const p = panel()
    await p.start('a')
    await p.finish()
    vi.advanceTimersByTime(1000)
    expect(p.collapsed.value).toBe(true)
    await p.start('b')
    expect(p.collapsed.value).toBe(false)
    await p.finish()
    vi.advanceTimersByTime(500)
    await p.start('c')
    vi.advanceTimersByTime(5000)
    expect(p.collapsed.value).toBe(false)
  })

  it('the toggle still opens a folded panel, and a toggle during the moment cancels the fold', async () => {
    const p = panel()
    await p.start('a')
    await p.finish()
    vi.advanceTimersByTime(1000)
    p.toggle()
    expect(p.collapsed.value).toBe(false)
    vi.advanceTimersByTime(5000)
    expect(p.collapsed.value).toBe(false)
    await p.start('b')
    await p.finish()
    p.toggle()
    expect(p.collapsed.value).toBe(true)
    p.toggle()
    vi.advanceTimersByTime(5000)
    expect(p.collapsed.value).toBe(false)
  })

  it('dismissing jobs neither folds nor opens it; a resumed job (running again) opens it', async () => {
    const p = panel()
    await p.start('a')
    await p.finish()
    vi.advanceTimersByTime(1000)
    p.ids.value = []
    await nextTick()
    expect(p.collapsed.value).toBe(true)
    p.ids.value = ['a']
    await nextTick()
    p.collapsed.value = true
    p.running.value = 1
    await nextTick()
    expect(p.collapsed.value).toBe(false)
  })
})
