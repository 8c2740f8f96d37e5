import { describe, expect, it, vi } from 'vitest'
import { dispatch } from '../../../electron/services/api/dispatch'
import type { CallContext, Handlers } from '../../../electron/services/api/handlers'
import type { WindowSession } from '../../../electron/services/workspace'
import { CHANNELS, contract } from '@shared/api/contract'

const RUN = 'a'.repeat(32)

function handlers(): Handlers {
  const answered = vi.fn(async () => ({ ok: 'handled' }))
  return Object.fromEntries(CHANNELS.map((c) => [c, answered])) as unknown as Handlers
}

const call: CallContext = { window: {} as WindowSession, signal: new AbortController().signal, openWindow: async () => null }

/** The first issue of a refused request: its field and message. */
function refusal(channel: 'metrics:history' | 'metrics:compare', body: unknown): { field: string; message: string } | null {
  const r = contract[channel].request.safeParse(body)
  if (r.success) return null
  return { field: r.error.issues[0].path.join('.'), message: r.error.issues[0].message }
}

describe('request rules live in the contract', () => {
  it('a step window may not end before it starts: from_step is named, with both values', () => {
    expect(refusal('metrics:compare', { run_ids: [RUN], metric_keys: ['loss'], from_step: 10, to_step: 2 })).toEqual({
      field: 'from_step',
      message: 'from_step (10) is after to_step (2).',
    })
    expect(refusal('metrics:history', { run_id: RUN, metric_key: 'loss', max_points: 100, from_step: 9, to_step: 3 })).toEqual({
      field: 'from_step',
      message: 'from_step (9) is after to_step (3).',
    })
  })

  it('a window of one step, an open end and negative steps are fine', () => {
    expect(refusal('metrics:compare', { run_ids: [RUN], metric_keys: [], from_step: 5, to_step: 5 })).toBeNull()
    expect(refusal('metrics:compare', { run_ids: [RUN], metric_keys: [], from_step: 5 })).toBeNull()
    expect(refusal('metrics:compare', { run_ids: [RUN], metric_keys: [], to_step: -5, from_step: null })).toBeNull()
    expect(refusal('metrics:history', { run_id: RUN, metric_key: 'loss', max_points: 10, from_step: -10, to_step: -1 })).toBeNull()
  })

  it('metrics:history pages the full history or windows a downsampled series, never both', () => {
    expect(refusal('metrics:history', { run_id: RUN, metric_key: 'loss', from_step: 3 })).toEqual({
      field: 'from_step',
      message: 'from_step narrows a downsampled series: give max_points with it.',
    })
    expect(refusal('metrics:history', { run_id: RUN, metric_key: 'loss', to_step: 3 })?.field).toBe('to_step')
    expect(refusal('metrics:history', { run_id: RUN, metric_key: 'loss', max_points: 100, page_token: 'x' })).toEqual({
      field: 'page_token',
      message: 'page_token pages the full history; a downsampled series (max_points) comes in one answer.',
    })
    expect(refusal('metrics:history', { run_id: RUN, metric_key: 'loss', max_points: 100, max_results: 3 })?.field).toBe('max_results')
    expect(refusal('metrics:history', { run_id: RUN, metric_key: 'loss', max_results: 3, page_token: 'x' })).toBeNull()
  })

  it("export:run's folder name is a plain name, trimmed, with the words the export dialog shows", () => {
    const parse = (name: string) => contract['export:run'].request.safeParse({ job_id: 'j1', selection: { kind: 'runs', run_ids: [RUN] }, name })
    const bad = parse('../escape')
    expect(bad.success).toBe(false)
    if (!bad.success)
      expect([bad.error.issues[0].path.join('.'), bad.error.issues[0].message]).toEqual([
        'name',
        'A plain folder name: no “/” or “\\” (the folder is chosen when the export starts).',
      ])
    for (const name of ['.hidden', 'a..b', 'a:b', '  ', 'x'.repeat(201), 'tab\there']) expect(parse(name).success, name).toBe(false)
    const ok = parse('  mlflow-export (2) ')
    expect(ok.success && ok.data.name).toBe('mlflow-export (2)')
  })

  it('an API call with from_step after to_step is a BAD_REQUEST naming from_step, and never reaches the service', async () => {
    const h = handlers()
    const res = await dispatch(h, 'metrics:compare', { run_ids: [RUN], metric_keys: ['loss'], from_step: 10, to_step: 2 }, call)
    expect(res).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: 'metrics:compare: from_step: from_step (10) is after to_step (2).', details: { field: 'from_step' } },
    })
    const history = await dispatch(h, 'metrics:history', { run_id: RUN, metric_key: 'loss', max_points: 50, from_step: 1, to_step: 0 }, call)
    expect(history).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', details: { field: 'from_step' } } })
    expect(h['metrics:compare']).not.toHaveBeenCalled()
    expect(await dispatch(h, 'metrics:compare', { run_ids: [RUN], metric_keys: ['loss'], from_step: 2, to_step: 10 }, call)).toEqual({
      ok: true,
      data: { ok: 'handled' },
    })
  })
})
