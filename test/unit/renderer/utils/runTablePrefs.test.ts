import { describe, expect, it } from 'vitest'
import { defaultAttributeColumns, emptyPrefs, loadPrefs, prefsKey, savePreset, savePrefs, toggleColumns } from '@/utils/runTablePrefs'
import { readRunsQuery, writeRunsQuery } from '@/utils/runsRouteQuery'
import { memoryStorage } from '../fakeTransport'

describe('runs table preferences', () => {
  it('are kept per store and experiment set, whatever the order of the ids', () => {
    expect(prefsKey('demo', ['10', '2'])).toBe(prefsKey('demo', ['2', '10']))
    expect(prefsKey('demo', ['1'])).not.toBe(prefsKey('prod', ['1']))
    const storage = memoryStorage()
    const prefs = {
      ...emptyPrefs(),
      columns: ['attributes.status', 'params.lr'],
      widths: { 'params.lr': 180 },
      nest: false,
      groupBy: 'tags.team',
      pinned: ['params.lr'],
      density: 'compact' as const,
      focus: 'metrics' as const,
      presets: [{ name: 'tuning', columns: ['params.lr'], pinned: [] }],
    }
    savePrefs(storage, prefsKey('demo', ['1']), prefs)
    expect(loadPrefs(storage, prefsKey('demo', ['1']))).toEqual(prefs)
    expect(loadPrefs(storage, prefsKey('demo', ['2']))).toEqual(emptyPrefs())
  })

  it('ignore what is not theirs: broken JSON, wrong types, absurd widths', () => {
    const storage = memoryStorage()
    storage.setItem('k', '{not json')
    expect(loadPrefs(storage, 'k')).toEqual(emptyPrefs())
    storage.setItem(
      'k',
      JSON.stringify({
        columns: [1, 2],
        widths: { a: 5, b: 'x', c: 300 },
        nest: 'yes',
        groupBy: 'metrics.acc',
        density: 'huge',
        focus: 'tags',
        presets: [{ name: '', columns: [], pinned: [] }, { name: 'ok', columns: ['a'], pinned: [] }, 'x'],
      }),
    )
    expect(loadPrefs(storage, 'k')).toEqual({ ...emptyPrefs(), widths: { c: 300 }, presets: [{ name: 'ok', columns: ['a'], pinned: [] }] })
  })

  it('default to name, status, start and duration (and the experiment when there are several)', () => {
    expect(defaultAttributeColumns(false)).toEqual(['attributes.run_name', 'attributes.status', 'attributes.start_time', 'attributes.duration'])
    expect(defaultAttributeColumns(true)).toContain('attributes.experiment_id')
  })

  it('save presets by name, a name saved again replacing the old set', () => {
    const one = savePreset([], { name: ' tuning ', columns: ['params.lr'], pinned: [] })
    const two = savePreset(one, { name: 'losses', columns: ['metrics.loss'], pinned: ['metrics.loss'] })
    expect(two.map((p) => p.name)).toEqual(['losses', 'tuning'])
    expect(savePreset(two, { name: 'tuning', columns: ['params.batch'], pinned: [] }).find((p) => p.name === 'tuning')?.columns).toEqual(['params.batch'])
  })

  it('show and hide columns, never the run name', () => {
    expect(toggleColumns(['attributes.run_name', 'metrics.acc'], ['params.lr', 'metrics.acc'], true)).toEqual([
      'attributes.run_name',
      'metrics.acc',
      'params.lr',
    ])
    expect(toggleColumns(['attributes.run_name', 'metrics.acc'], ['attributes.run_name', 'metrics.acc'], false)).toEqual(['attributes.run_name'])
  })
})

describe('runs search in the route', () => {
  it('reads filter, order keys and view, defaulting what is missing', () => {
    expect(readRunsQuery({})).toEqual({ filter: '', orderBy: [], view: 'active' })
    expect(readRunsQuery({ filter: 'metrics.acc > 1', order: ['metrics.`acc` DESC', 'params.lr'], view: 'all' })).toEqual({
      filter: 'metrics.acc > 1',
      orderBy: ['metrics.`acc` DESC', 'params.lr'],
      view: 'all',
    })
    expect(readRunsQuery({ order: 'attributes.run_name ASC', view: 'bogus' })).toEqual({ filter: '', orderBy: ['attributes.run_name ASC'], view: 'active' })
  })

  it('writes only what differs from the defaults, keeping other entries', () => {
    expect(writeRunsQuery({ profile: 'x', filter: 'old' }, { filter: ' ', orderBy: [], view: 'active' })).toEqual({ profile: 'x' })
    expect(writeRunsQuery({}, { filter: "params.lr = '1' ", orderBy: ['metrics.`a` DESC'], view: 'deleted' })).toEqual({
      filter: "params.lr = '1'",
      order: ['metrics.`a` DESC'],
      view: 'deleted',
    })
  })
})
