import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/api/errors'
import { IpcCalls, isCallId } from '@services/api/ipcCalls'

describe('IpcCalls (what electron/main/ipc.ts keeps per window)', () => {
  it('aborts the named call of the window that asks, and only that one', () => {
    const calls = new IpcCalls()
    const a1 = calls.start(1, 1)
    const a2 = calls.start(1, 2)
    const b1 = calls.start(2, 1)
    expect(calls.cancel(1, 2)).toBe(true)
    expect(a2.signal.aborted).toBe(true)
    expect(a2.signal.reason).toBeInstanceOf(AppError)
    expect((a2.signal.reason as AppError).code).toBe('CANCELLED')
    expect(a1.signal.aborted).toBe(false)
    expect(b1.signal.aborted).toBe(false)
    expect(calls.inFlight(1)).toBe(1)
  })

  it('a window cannot cancel another window’s call with the same id', () => {
    const calls = new IpcCalls()
    const theirs = calls.start(2, 5)
    expect(calls.cancel(1, 5)).toBe(false)
    expect(theirs.signal.aborted).toBe(false)
  })

  it('ignores unknown, finished and malformed ids', () => {
    const calls = new IpcCalls()
    const call = calls.start(1, 3)
    call.done()
    expect(calls.cancel(1, 3)).toBe(false)
    expect(call.signal.aborted).toBe(false)
    expect(calls.cancel(1, 99)).toBe(false)
    for (const bad of ['3', 0, -1, 1.5, NaN, null, undefined, { id: 3 }, 2 ** 60]) expect(calls.cancel(1, bad)).toBe(false)
    expect(calls.inFlight(1)).toBe(0)
    expect([1, 42].every(isCallId)).toBe(true)
    expect(['1', 0, 1.5].some(isCallId)).toBe(false)
  })

  it('a call without an id (or reusing one in flight) still gets a signal, which only the page going away aborts', () => {
    const calls = new IpcCalls()
    const first = calls.start(1, 7)
    const twin = calls.start(1, 7)
    const anonymous = calls.start(1, undefined)
    expect(calls.cancel(1, 7)).toBe(true)
    expect(first.signal.aborted).toBe(true)
    expect(twin.signal.aborted).toBe(false)
    expect(calls.cancel(1, 7)).toBe(false)
    const other = calls.start(2, 1)
    expect(calls.cancelAll(1)).toBe(2)
    expect(twin.signal.aborted).toBe(true)
    expect(anonymous.signal.aborted).toBe(true)
    expect(other.signal.aborted).toBe(false)
    expect(calls.inFlight(1)).toBe(0)
    expect(calls.inFlight(2)).toBe(1)
  })

  it('done after a cancel, and an id reused after done, are both safe', () => {
    const calls = new IpcCalls()
    const a = calls.start(1, 1)
    calls.cancel(1, 1)
    a.done()
    const b = calls.start(1, 1)
    a.done()
    expect(calls.cancel(1, 1)).toBe(true)
    expect(b.signal.aborted).toBe(true)
  })
})
