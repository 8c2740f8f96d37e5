import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { AppError } from '@shared/api/errors'
import { queryTabsSaveRequest } from '@shared/api/querySchemas'
import type { QueryTab } from '@shared/domain/query'
import { useTransport } from '@/api'
import { useQueryStore } from '@/stores/query'
import { fakeTransport } from '../fakeTransport'

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.useRealTimers())

const tab = (id: string, title: string): QueryTab => ({ id, title, sql: `SELECT '${title}'`, params: {} })

describe('query store', () => {
  it('restores the saved tabs and saves edits once the typing stops, in the shape the server accepts', async () => {
    vi.useFakeTimers()
    const fake = fakeTransport({
      'query:tabs-get': () => ({ tabs: [tab('a', 'One'), tab('b', 'Two')], active_tab_id: 'b' }),
      'query:tabs-save': () => ({}),
    })
    useTransport(fake.transport)
    const store = useQueryStore()
    await store.loadTabs()
    expect(store.active?.title).toBe('Two')
    store.updateTab('b', { sql: 'SELECT 1' })
    store.updateTab('b', { sql: 'SELECT 12' })
    store.updateTab('a', { title: 'Renamed' })
    expect(fake.channels()).not.toContain('query:tabs-save')
    await vi.advanceTimersByTimeAsync(1000)
    const saves = fake.calls.filter((c) => c.channel === 'query:tabs-save')
    expect(saves).toHaveLength(1)
    expect(queryTabsSaveRequest.parse(saves[0].request)).toEqual({
      tabs: [
        { ...tab('a', 'One'), title: 'Renamed' },
        { ...tab('b', 'Two'), sql: 'SELECT 12' },
      ],
      active_tab_id: 'b',
    })
  })

  it('starts with one empty tab, never closes the last, and picks a neighbour when the active one closes', async () => {
    useTransport(fakeTransport({ 'query:tabs-get': () => ({ tabs: [], active_tab_id: null }), 'query:tabs-save': () => ({}) }).transport)
    const store = useQueryStore()
    await store.loadTabs()
    expect(store.tabs.map((t) => t.title)).toEqual(['Query 1'])
    expect(store.tabs[0].id).toMatch(/^[\w-]{1,64}$/)
    const second = store.addTab()
    expect(second.title).toBe('Query 2')
    store.closeTab(second.id)
    expect(store.activeId).toBe(store.tabs[0].id)
    store.closeTab(store.tabs[0].id)
    expect(store.tabs).toHaveLength(1)
  })

  it('keeps a run’s rows, or its error, on the tab that ran it', async () => {
    const result = {
      columns: [{ name: 'n', type: 'integer', category: 'number' }],
      rows: [[1]],
      row_count_shown: 1,
      truncated: false,
      duration_ms: 3,
      statement_kind: 'select',
    }
    useTransport(
      fakeTransport({
        'query:run': ({ sql }) => {
          if (sql.startsWith('DELETE')) throw new AppError('QUERY_REFUSED', 'DELETE is not a read', { position: 0, length: 6 })
          return result
        },
        'query:history': () => ({ entries: [] }),
      }).transport,
    )
    const store = useQueryStore()
    await store.run('t1', 'SELECT 1', {})
    expect(store.outcomes.t1).toMatchObject({ busy: null, result, error: null })
    await store.run('t2', 'DELETE FROM runs', {})
    expect(store.outcomes.t2.result).toBeNull()
    expect((store.outcomes.t2.error as AppError).code).toBe('QUERY_REFUSED')
    expect(store.outcomes.t1.result).toEqual(result)
  })

  it('fetches one value of the tab’s last result with the statement and values it ran with; exports that cell alone', async () => {
    const fake = fakeTransport({
      'query:run': () => ({
        columns: [{ name: 'doc', type: 'text', category: 'string' }],
        rows: [['xx']],
        row_count_shown: 1,
        truncated: false,
        stopped_by: null,
        cut_values: [{ row: 0, column: 0, bytes: 9 }],
        result_bytes: 2,
        max_value_bytes: 2,
        max_result_bytes: 1024,
        duration_ms: 1,
        statement_kind: 'select',
      }),
      'query:value': () => ({ value: 'xxxxxxxxx', bytes: 9, complete: true, duration_ms: 1 }),
      'query:export': () => ({ path: '/exports/doc.csv', rows: 1, bytes: 14, duration_ms: 2, cut_values: 0, cut_examples: [] }),
      'query:history': () => ({ entries: [] }),
    })
    useTransport(fake.transport)
    const store = useQueryStore()
    await store.run('t1', 'SELECT :d AS doc', { d: 'x' })
    expect(await store.loadValue('t1', 0, 0)).toMatchObject({ value: 'xxxxxxxxx', complete: true })
    expect(fake.calls.find((c) => c.channel === 'query:value')?.request).toEqual({
      tab_id: 't1',
      sql: 'SELECT :d AS doc',
      params: { d: 'x' },
      row: 0,
      column: 0,
    })
    await store.exportResult('SELECT :d AS doc', { d: 'x' }, 'csv', 'doc.csv', { row: 0, column: 0, name: 'doc' })
    expect(fake.calls.find((c) => c.channel === 'query:export')?.request).toMatchObject({ format: 'csv', value: { row: 0, column: 0 } })
    expect(store.exportJob).toMatchObject({ path: '/exports/doc.csv', value: { name: 'doc' }, cutValues: 0 })
  })

  it('opens a library query in a new tab with its parameters’ defaults', () => {
    useTransport(fakeTransport({ 'query:tabs-save': () => ({}) }).transport)
    const store = useQueryStore()
    const opened = store.openLibrary({
      id: 'idle',
      title: 'Idle experiments',
      description: '',
      sql: 'SELECT :days, :who',
      params: [
        { name: 'days', description: null, default: '30' },
        { name: 'who', description: null, default: null },
      ],
      needs: [],
      unavailable: null,
    })
    expect(store.activeId).toBe(opened.id)
    expect(opened).toMatchObject({ title: 'Idle experiments', sql: 'SELECT :days, :who', params: { days: '30', who: '' } })
  })
})
