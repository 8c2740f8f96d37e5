import { describe, expect, it, vi } from 'vitest'
import { z } from 'zod'
import { dispatch } from '../../../electron/services/api/dispatch'
import type { CallContext, Handlers } from '../../../electron/services/api/handlers'
import type { WindowSession } from '../../../electron/services/workspace'
import { CHANNELS } from '@shared/api/contract'
import { AppError } from '@shared/api/errors'

function fakeHandlers(overrides: Partial<Handlers> = {}): Handlers {
  const unexpected = () => Promise.reject(new Error('not expected in this test'))
  return {
    ...Object.fromEntries(CHANNELS.map((c) => [c, unexpected])),
    'app:info': async () => ({ name: 'MLflow Desk', version: '0', transport: 'http' }),
    'runs:search': vi.fn(async () => ({ runs: [], next_page_token: null })),
    ...overrides,
  } as Handlers
}

const call: CallContext = { window: {} as WindowSession, signal: new AbortController().signal, openWindow: async () => null }

describe('dispatch: the boundary every transport goes through', () => {
  it('refuses an unknown channel with a typed error', async () => {
    expect(await dispatch(fakeHandlers(), 'runs:delete', {}, call)).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNKNOWN_CHANNEL' }) })
  })

  it('validates requests and names the bad field', async () => {
    const h = fakeHandlers()
    const res = await dispatch(h, 'runs:search', { experiment_ids: ['1', 'abc'] }, call)
    expect(res).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('experiment_ids.1'), details: { field: 'experiment_ids.1' } },
    })
    expect(h['runs:search']).not.toHaveBeenCalled()
  })

  it('refuses unknown fields, wrong types and out-of-range numbers', async () => {
    const h = fakeHandlers()
    for (const body of [
      { experiment_ids: ['1'], sql: 'DROP' },
      { experiment_ids: '1' },
      { experiment_ids: ['1'], max_results: 50_001 },
      { view: 'some' },
      'text',
      [1],
    ]) {
      const res = await dispatch(h, 'runs:search', body, call)
      expect(res.ok).toBe(false)
      if (!res.ok) expect(res.error.code).toBe('BAD_REQUEST')
    }
  })

  it('applies defaults from the contract (view active, 1000 results like MLflow)', async () => {
    const h = fakeHandlers()
    await dispatch(h, 'runs:search', { experiment_ids: [0, '3'] }, call)
    expect(h['runs:search']).toHaveBeenCalledWith({ experiment_ids: ['0', '3'], view: 'active', max_results: 1000 }, call)
  })

  it('reads a search without experiment ids (or no body at all) as every active experiment, like search_all_experiments=True', async () => {
    const h = fakeHandlers()
    for (const body of [{}, { experiment_ids: [] }, null]) await dispatch(h, 'runs:search', body, call)
    expect(vi.mocked(h['runs:search']).mock.calls.map(([req]) => req)).toEqual(Array(3).fill({ experiment_ids: [], view: 'active', max_results: 1000 }))
  })

  it('wraps typed errors and hides untyped ones behind a safe message', async () => {
    const typed = await dispatch(
      fakeHandlers({ 'runs:search': () => Promise.reject(new AppError('TIMEOUT', 'too slow')) }),
      'runs:search',
      { experiment_ids: ['1'] },
      call,
    )
    expect(typed).toEqual({ ok: false, error: { code: 'TIMEOUT', message: 'too slow' } })
    const raw = await dispatch(
      fakeHandlers({ 'runs:search': () => Promise.reject(new Error('boom at postgresql://u:pw123456@h/db')) }),
      'runs:search',
      { experiment_ids: ['1'] },
      call,
    )
    expect(raw).toEqual({ ok: false, error: { code: 'INTERNAL', message: expect.not.stringContaining('pw123456') } })
  })

  it("a call whose caller went away ends CANCELLED when its work stops with a bare error (a stream's AbortError), typed errors kept", async () => {
    const gone = new AbortController()
    gone.abort()
    const aborted = { ...call, signal: gone.signal }
    const abortError = Object.assign(new Error('The operation was aborted'), { name: 'AbortError' })
    const bare = await dispatch(fakeHandlers({ 'runs:search': () => Promise.reject(abortError) }), 'runs:search', { experiment_ids: ['1'] }, aborted)
    expect(bare).toEqual({ ok: false, error: { code: 'CANCELLED', message: expect.any(String) } })
    const typed = await dispatch(
      fakeHandlers({ 'runs:search': () => Promise.reject(new AppError('TIMEOUT', 'too slow')) }),
      'runs:search',
      { experiment_ids: ['1'] },
      aborted,
    )
    expect(typed).toEqual({ ok: false, error: { code: 'TIMEOUT', message: 'too slow' } })
    // Not aborted: the same bare error is an INTERNAL one, as before.
    expect(await dispatch(fakeHandlers({ 'runs:search': () => Promise.reject(abortError) }), 'runs:search', { experiment_ids: ['1'] }, call)).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    })
  })

  it('a schema a handler checks further (a ZodError thrown inside it) is BAD_REQUEST naming the field, not a 500', async () => {
    const inner = z.object({ settings: z.object({ port: z.number() }) })
    const res = await dispatch(
      fakeHandlers({ 'runs:search': async () => inner.parse({ settings: { port: 'x' } }) as never }),
      'runs:search',
      { experiment_ids: ['1'] },
      call,
    )
    expect(res).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringContaining('runs:search: settings.port:'), details: { field: 'settings.port' } },
    })
  })
})
