import { afterEach, describe, expect, it, vi } from 'vitest'
import { AppError } from '@shared/api/errors'
import { api, CallCancelled, isCancelled, useTransport } from '@/api'
import { detectTransport } from '@/api/transport'
import type { DeskBridge } from '../../../electron/preload/bridge'
import { fakeTransport } from './fakeTransport'

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('api.call with a signal', () => {
  it('passes the signal to the transport and rejects as cancelled the moment it aborts, even if the transport never answers', async () => {
    const fake = fakeTransport({ 'runs:count': () => new Promise(() => undefined) })
    useTransport(fake.transport)
    const controller = new AbortController()
    const call = api.call('runs:count', { experiment_ids: ['1'], view: 'active', filter: null }, { signal: controller.signal })
    await new Promise((r) => setTimeout(r, 0))
    expect(fake.calls[0].signal).toBe(controller.signal)
    controller.abort()
    const e = await call.catch((x: unknown) => x)
    expect(e).toBeInstanceOf(CallCancelled)
    expect(isCancelled(e)).toBe(true)
    expect((e as AppError).code).toBe('CANCELLED')
  })

  it('does not send a call whose signal is already aborted; a server CANCELLED is not the caller’s cancellation', async () => {
    const fake = fakeTransport({ 'query:run': () => Promise.reject(new AppError('CANCELLED', 'The query was cancelled.')) })
    useTransport(fake.transport)
    const done = new AbortController()
    done.abort()
    await expect(api.call('app:info', {}, { signal: done.signal })).rejects.toBeInstanceOf(CallCancelled)
    expect(fake.calls).toHaveLength(0)
    const e = await api.call('query:run', { sql: 'select 1' } as never).catch((x: unknown) => x)
    expect((e as AppError).code).toBe('CANCELLED')
    expect(isCancelled(e)).toBe(false)
  })
})

describe('the IPC transport', () => {
  function bridge() {
    const invoked: Array<{ channel: string; callId?: number }> = []
    const cancelled: number[] = []
    const answers: Array<(v: unknown) => void> = []
    const b: DeskBridge = {
      invoke: (channel, _request, callId) => {
        invoked.push({ channel, callId })
        return new Promise((r) => answers.push(r as (v: unknown) => void))
      },
      cancel: (id) => void cancelled.push(id),
      on: () => () => undefined,
    }
    return { b, invoked, cancelled, answers }
  }

  it('gives each cancellable call its own id and sends a cancel for exactly that id when its signal aborts', async () => {
    const { b, invoked, cancelled, answers } = bridge()
    vi.stubGlobal('window', { mlflowDesk: b })
    const t = detectTransport()
    expect(t.kind).toBe('ipc')
    const one = new AbortController()
    const two = new AbortController()
    void t.invoke('runs:search', {}, one.signal)
    void t.invoke('runs:count', {}, two.signal)
    void t.invoke('app:info', {})
    expect(invoked).toEqual([
      { channel: 'runs:search', callId: 1 },
      { channel: 'runs:count', callId: 2 },
      { channel: 'app:info', callId: undefined },
    ])
    two.abort()
    expect(cancelled).toEqual([2])
    answers[0]({ ok: true, data: {} })
    await new Promise((r) => setTimeout(r, 0))
    one.abort()
    // Answered already: nothing left to cancel.
    expect(cancelled).toEqual([2])
  })
})
