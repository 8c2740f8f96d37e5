import { describe, expect, it } from 'vitest'
import {
  DEFAULT_CHART_SETTINGS,
  PINNED_SECTION,
  arrangeCharts,
  chartKeysOf,
  emptyLayout,
  layoutKey,
  loadLayout,
  matchesSearch,
  moveChart,
  runColorsOf,
  saveLayout,
  sectionOf,
  settingsOf,
  togglePin,
  withSettings,
} from '@/utils/chartLayout'
import { DEFAULT_CHART_RUNS, readChartViewQuery, writeChartViewQuery } from '@/utils/chartViewQuery'
import { RUN_PALETTE } from '@/utils/runColors'
import { CARD_MIN_WIDTH, CHART_GRID, columnsFor, firstScreenKeys, gridRows, rememberGridBox, rowsBetween } from '@/utils/chartRows'
import { memoryStorage } from '../fakeTransport'

const KEYS = ['val/loss', 'train/loss', 'acc', 'train/acc', 'lr', 'val/acc', 'sys/gpu']

describe('chart view layout', () => {
  it('puts keys in sections by prefix, named in order, unprefixed last', () => {
    expect(sectionOf('train/loss')).toBe('train')
    expect(sectionOf('a/b/c')).toBe('a')
    expect(sectionOf('loss')).toBe('')
    expect(sectionOf('/odd')).toBe('')
    expect(arrangeCharts(KEYS, emptyLayout(), '')).toEqual([
      { name: 'sys', keys: ['sys/gpu'] },
      { name: 'train', keys: ['train/acc', 'train/loss'] },
      { name: 'val', keys: ['val/acc', 'val/loss'] },
      { name: '', keys: ['acc', 'lr'] },
    ])
  })

  it('shows pinned charts first in pin order, and searches every word of a name', () => {
    const layout = { ...emptyLayout(), pinned: ['val/loss', 'gone', 'acc'] }
    const s = arrangeCharts(KEYS, layout, '')
    expect(s[0]).toEqual({ name: PINNED_SECTION, keys: ['val/loss', 'acc'] })
    expect(s.flatMap((x) => x.keys)).toHaveLength(KEYS.length)
    expect(matchesSearch('train/Loss', 'LOSS train')).toBe(true)
    expect(matchesSearch('train/acc', 'loss')).toBe(false)
    expect(arrangeCharts(KEYS, layout, 'loss')).toEqual([
      { name: PINNED_SECTION, keys: ['val/loss'] },
      { name: 'train', keys: ['train/loss'] },
    ])
    expect(arrangeCharts(KEYS, layout, 'nothing')).toEqual([])
  })

  it('keeps a dragged order within a section', () => {
    const sec = (layout: ReturnType<typeof emptyLayout>) => arrangeCharts(KEYS, layout, '').find((s) => s.name === '')!.keys
    const order = moveChart([], sec(emptyLayout()), 'lr', 'acc')
    expect(sec({ ...emptyLayout(), order })).toEqual(['lr', 'acc'])
    // Moving to the end, and dropping on itself, change nothing else.
    expect(moveChart(['a', 'b', 'c'], ['a', 'b', 'c'], 'a', null)).toEqual(['b', 'c', 'a'])
    expect(moveChart(['x', 'a', 'b'], ['a', 'b'], 'a', 'a')).toEqual(['x', 'a', 'b'])
    // Other sections' order is kept.
    expect(moveChart(['x', 'y', 'a', 'b'], ['a', 'b'], 'b', 'a')).toEqual(['b', 'a', 'x', 'y'])
    expect(togglePin(['a'], 'b')).toEqual(['a', 'b'])
    expect(togglePin(['a', 'b'], 'a')).toEqual(['b'])
  })

  it('stores only settings that differ from the defaults', () => {
    let layout = withSettings(emptyLayout(), 'loss', { y: 'log', smooth: 0.6 })
    expect(layout.settings).toEqual({ loss: { y: 'log', smooth: 0.6 } })
    expect(settingsOf(layout, 'loss')).toEqual({ ...DEFAULT_CHART_SETTINGS, y: 'log', smooth: 0.6 })
    expect(settingsOf(layout, 'acc')).toEqual(DEFAULT_CHART_SETTINGS)
    layout = withSettings(layout, 'loss', { ...DEFAULT_CHART_SETTINGS })
    expect(layout.settings).toEqual({})
  })

  it('is kept per store and experiment set, and drops what is not its own', () => {
    expect(layoutKey('demo', ['10', '2'])).toBe(layoutKey('demo', ['2', '10']))
    expect(layoutKey('demo', ['1'])).not.toBe(layoutKey('prod', ['1']))
    const storage = memoryStorage()
    const layout = {
      ...withSettings(emptyLayout(), 'loss', { x: 'wall', kind: 'bar' }),
      pinned: ['loss'],
      order: ['acc', 'loss'],
      collapsed: ['val'],
      hiddenRuns: ['r1'],
      colors: { r2: '#ca1340' },
    }
    saveLayout(storage, 'k', layout)
    expect(loadLayout(storage, 'k')).toEqual(layout)
    storage.setItem('k', '{broken')
    expect(loadLayout(storage, 'k')).toEqual(emptyLayout())
    storage.setItem(
      'k',
      JSON.stringify({ pinned: ['a', 3], settings: { a: { x: 'sideways', y: 'log', smooth: 5 }, b: { kind: 'pie' } }, colors: { r: 'red', s: '#00ff00' } }),
    )
    expect(loadLayout(storage, 'k')).toEqual({ ...emptyLayout(), pinned: ['a'], settings: { a: { y: 'log' } }, colors: { s: '#00ff00' } })
  })

  it('colours runs by position unless given a colour', () => {
    const color = runColorsOf(['a', 'b'], { b: '#000000' })
    expect(color('a')).toBe(RUN_PALETTE[0])
    expect(color('b')).toBe('#000000')
    expect(color('c')).toBe('#888888')
  })
})

describe('chart keys of runs', () => {
  const run = (metrics: Array<[string, number]>) =>
    ({ info: { run_id: 'r' }, data: { metrics: metrics.map(([key, step]) => ({ key, step, value: 1, timestamp: 0 })), params: [], tags: [] } }) as never

  it('lists every key by name, and as single-step those every run logged at step 0 only', () => {
    const keys = chartKeysOf([
      run([
        ['loss', 9],
        ['acc', 0],
        ['test/f1', 0],
      ]),
      run([
        ['acc', 3],
        ['test/f1', 0],
        ['b', 0],
      ]),
    ])
    expect(keys.all).toEqual(['acc', 'b', 'loss', 'test/f1'])
    expect([...keys.singleStep].sort()).toEqual(['b', 'test/f1'])
    expect(chartKeysOf([]).all).toEqual([])
  })
})

describe('chart view link', () => {
  it('reads the pane, the run count and the search, falling back on bad values', () => {
    expect(readChartViewQuery({})).toEqual({ pane: 'table', runCount: DEFAULT_CHART_RUNS, search: '' })
    expect(readChartViewQuery({ pane: 'charts', charts: '25', chart_search: 'loss' })).toEqual({ pane: 'charts', runCount: 25, search: 'loss' })
    expect(readChartViewQuery({ pane: 'pie', charts: '0' }).runCount).toBe(DEFAULT_CHART_RUNS)
    expect(readChartViewQuery({ charts: '1e9' }).runCount).toBe(DEFAULT_CHART_RUNS)
    expect(readChartViewQuery({ charts: '2.5' }).runCount).toBe(DEFAULT_CHART_RUNS)
  })

  it('writes only what differs from the defaults and keeps the table’s own entries', () => {
    expect(writeChartViewQuery({ filter: 'x', pane: 'charts' }, { pane: 'table', runCount: DEFAULT_CHART_RUNS, search: '' })).toEqual({ filter: 'x' })
    expect(writeChartViewQuery({ order: ['a'] }, { pane: 'charts', runCount: 50, search: 'val' })).toEqual({
      order: ['a'],
      pane: 'charts',
      charts: '50',
      chart_search: 'val',
    })
    const q = writeChartViewQuery({}, { pane: 'charts', runCount: 3, search: 'a b' })
    expect(readChartViewQuery(q as Record<string, string>)).toEqual({ pane: 'charts', runCount: 3, search: 'a b' })
  })
})

describe('chart grid rows', () => {
  const m = { columns: 2, headHeight: 30, cardHeight: 300, gap: 10, sectionGap: 20 }
  const sections = [
    { name: 'train', keys: ['a', 'b', 'c'] },
    { name: 'val', keys: ['d'] },
  ]

  it('lays sections out as a heading and rows of cards', () => {
    expect(columnsFor(1000, 380, 12)).toBe(2)
    expect(columnsFor(100, 380, 12)).toBe(1)
    const { rows, height } = gridRows(sections, new Set(), m)
    expect(rows.map((r) => [r.kind, r.keys.join(''), r.top])).toEqual([
      ['head', '', 0],
      ['cards', 'ab', 30],
      ['cards', 'c', 340],
      ['head', '', 670],
      ['cards', 'd', 700],
    ])
    expect(height).toBe(1010)
    const folded = gridRows(sections, new Set(['train']), m)
    expect(folded.rows.map((r) => r.id)).toEqual(['head:train', 'head:val', 'cards:val:d'])
  })

  it('finds the rows in a window', () => {
    const { rows } = gridRows(sections, new Set(), m)
    expect(rowsBetween(rows, 0, 10).map((r) => r.id)).toEqual(['head:train'])
    expect(rowsBetween(rows, 335, 680).map((r) => r.id)).toEqual(['cards:train:c', 'head:val'])
    expect(rowsBetween(rows, 5000, 6000)).toEqual([])
    const many = gridRows([{ name: '', keys: Array.from({ length: 2000 }, (_, i) => `k${i}`) }], new Set(), m).rows
    expect(rowsBetween(many, 155_000, 156_000).length).toBeLessThanOrEqual(5)
  })

  it('guesses the first screen of a grid not yet in the page, then goes by the box it last had', () => {
    const many = [{ name: 'train', keys: Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, '0')}`) }]
    const row = CHART_GRID.cardHeight + CHART_GRID.gap
    // Never measured: a guess from the window (a bit over half its width, its height less the page's header).
    const guessed = firstScreenKeys('test-a', many, new Set(), { width: 1440, height: 900 })
    const columns = columnsFor(1440 * 0.55, CARD_MIN_WIDTH, CHART_GRID.gap)
    expect(guessed).toEqual(many[0].keys.slice(0, columns * Math.ceil((900 - 260 - CHART_GRID.headHeight) / row)))
    // Measured once: three columns and two rows and a bit, so three rows of cards.
    rememberGridBox('test-a', { width: 3 * CARD_MIN_WIDTH + 2 * CHART_GRID.gap, height: CHART_GRID.headHeight + 2 * row + 10 })
    expect(firstScreenKeys('test-a', many, new Set(), { width: 1440, height: 900 })).toEqual(many[0].keys.slice(0, 9))
    // Another page's grid keeps its own; a folded section shows no cards.
    expect(firstScreenKeys('test-b', many, new Set(), { width: 1440, height: 900 })).toEqual(guessed)
    expect(firstScreenKeys('test-a', many, new Set(['train']), { width: 1440, height: 900 })).toEqual([])
    // A box not yet laid out (0 wide) is not remembered.
    rememberGridBox('test-c', { width: 0, height: 0 })
    expect(firstScreenKeys('test-c', many, new Set(), { width: 1440, height: 900 })).toEqual(guessed)
  })
})
