import { describe, expect, it } from 'vitest'
import { defaultColumns, emptyPrefs, loadPrefs, prefsKey, savePrefs, toggleColumns } from '@/utils/runTablePrefs'
import { readRunsQuery, writeRunsQuery } from '@/utils/runsRouteQuery'
import { memoryStorage } from '../fakeTransport'

describe('runs table preferences', () => {
  it('are kept per store and experiment set, whatever the order of the ids', () => {
    expect(prefsKey('demo', ['10', '2'])).toBe(prefsKey('demo', ['2', '10']))
    expect(prefsKey('demo', ['1'])).not.toBe(prefsKey('prod', ['1']))
    const storage = memoryStorage()
    const prefs = { columns: ['attributes.status', 'params.lr'], widths: { 'params.lr': 180 }, nest: false, groupBy: 'tags.team' }
    savePrefs(storage, prefsKey('demo', ['1']), prefs)
    expect(loadPrefs(storage, prefsKey('demo', ['1']))).toEqual(prefs)
    expect(loadPrefs(storage, prefsKey('demo', ['2']))).toEqual(emptyPrefs())
  })

  it('ignore what is not theirs: broken JSON, wrong types, absurd widths', () => {
    const storage = memoryStorage()
    storage.setItem('k', '{not json')
    expect(loadPrefs(storage, 'k')).toEqual(emptyPrefs())
    storage.setItem('k', JSON.stringify({ columns: [1, 2], widths: { a: 5, b: 'x', c: 300 }, nest: 'yes', groupBy: 'metrics.acc' }))
    expect(loadPrefs(storage, 'k')).toEqual({ columns: null, widths: { c: 300 }, nest: true, groupBy: null })
  })

  it('default to the usual attributes and the most logged metrics', () => {
    const one = defaultColumns({ severalExperiments: false, metricKeys: ['loss', 'acc', 'val_loss', 'val_acc', 'lr'] })
    expect(one).toContain('attributes.status')
    expect(one).not.toContain('attributes.experiment_id')
    expect(one.filter((c) => c.startsWith('metrics.'))).toEqual(['metrics.loss', 'metrics.acc', 'metrics.val_loss', 'metrics.val_acc'])
    expect(defaultColumns({ severalExperiments: true, metricKeys: [] })).toContain('attributes.experiment_id')
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
