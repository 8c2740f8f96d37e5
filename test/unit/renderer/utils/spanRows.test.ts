import { describe, expect, it } from 'vitest'
import type { SpanView } from '@shared/domain/traces'
import { ancestorIds, treeMove, visibleSpans } from '@/utils/spanRows'
import { barOf, formatNs, MIN_BAR_PERCENT, timeTicks, traceSpanNs } from '@/utils/waterfall'

const id = (n: number) => n.toString(16).padStart(16, '0')

/** Span views as traces:get gives them, from [span, parent, start ms, end ms] listed in tree order (depth first). */
function tree(list: Array<[number, number | null, number, number | null]>): SpanView[] {
  const views: SpanView[] = []
  const byId = new Map<string, SpanView>()
  list.forEach(([n, parent, startMs, endMs], index) => {
    const p = parent === null ? undefined : byId.get(id(parent))
    const v: SpanView = {
      index,
      span_id: id(n),
      parent_span_id: parent === null ? null : id(parent),
      name: `s${n}`,
      type: 'CHAIN',
      depth: p ? p.depth + 1 : 0,
      children: [],
      offset_ns: startMs * 1_000_000,
      duration_ns: endMs === null ? null : (endMs - startMs) * 1_000_000,
      error: false,
      status_message: '',
      tokens: null,
      model: null,
      critical: false,
    }
    p?.children.push(v.span_id)
    byId.set(v.span_id, v)
    views.push(v)
  })
  return views
}

// s1 ─┬ s2 ── s4 ── s5
//     └ s3
const rows = tree([
  [1, null, 0, 100],
  [2, 1, 10, 60],
  [4, 2, 20, 50],
  [5, 4, 30, 40],
  [3, 1, 60, 90],
])
const names = (list: { name: string }[]) => list.map((r) => r.name)

describe('visibleSpans', () => {
  it('all spans in tree order when nothing is collapsed; a collapsed span hides all its descendants, not its siblings', () => {
    expect(names(visibleSpans(rows, new Set()))).toEqual(['s1', 's2', 's4', 's5', 's3'])
    expect(names(visibleSpans(rows, new Set([id(2)])))).toEqual(['s1', 's2', 's3'])
    expect(names(visibleSpans(rows, new Set([id(4)])))).toEqual(['s1', 's2', 's4', 's3'])
    expect(names(visibleSpans(rows, new Set([id(1), id(4)])))).toEqual(['s1'])
    // A leaf "collapsed" hides nothing.
    expect(names(visibleSpans(rows, new Set([id(3)])))).toEqual(['s1', 's2', 's4', 's5', 's3'])
  })

  it('flattens a trace of 5,000 spans nested 5,000 deep without recursion', () => {
    const deep = tree(Array.from({ length: 5000 }, (_, i): [number, number | null, number, number] => [i + 1, i === 0 ? null : i, i, 10_000 - i]))
    expect(visibleSpans(deep, new Set()).length).toBe(5000)
    expect(visibleSpans(deep, new Set([id(2500)])).length).toBe(2500)
    expect(ancestorIds(deep, id(5000)).length).toBe(4999)
  })
})

describe('ancestorIds', () => {
  it('lists the spans from the root down to the parent', () => {
    expect(ancestorIds(rows, id(5))).toEqual([id(1), id(2), id(4)])
    expect(ancestorIds(rows, id(1))).toEqual([])
    expect(ancestorIds(rows, 'nope')).toEqual([])
  })
})

describe('treeMove', () => {
  const none = new Set<string>()
  it('up and down move along the visible rows and stop at the ends', () => {
    const v = visibleSpans(rows, none)
    expect(treeMove(v, id(2), 'down', none)).toEqual({ select: id(4) })
    expect(treeMove(v, id(2), 'up', none)).toEqual({ select: id(1) })
    expect(treeMove(v, id(1), 'up', none)).toBeNull()
    expect(treeMove(v, id(3), 'down', none)).toBeNull()
    expect(treeMove(v, null, 'down', none)).toEqual({ select: id(1) })
  })
  it('left collapses an open span, else goes to the parent; right expands a collapsed one, else goes to the first child', () => {
    const v = visibleSpans(rows, none)
    expect(treeMove(v, id(2), 'left', none)).toEqual({ collapse: id(2) })
    expect(treeMove(v, id(5), 'left', none)).toEqual({ select: id(4) })
    expect(treeMove(v, id(1), 'right', none)).toEqual({ select: id(2) })
    expect(treeMove(v, id(3), 'right', none)).toBeNull()
    const collapsed = new Set([id(2)])
    expect(treeMove(visibleSpans(rows, collapsed), id(2), 'right', collapsed)).toEqual({ expand: id(2) })
    expect(treeMove(visibleSpans(rows, collapsed), id(2), 'left', collapsed)).toEqual({ select: id(1) })
  })
})

describe('waterfall geometry', () => {
  it('places each bar on the trace axis in percent; tiny spans keep a visible sliver; an open span runs to the end', () => {
    const total = traceSpanNs(rows)
    expect(total).toBe(100_000_000)
    const s4 = rows.find((r) => r.name === 's4')!
    expect(barOf(s4, total)).toEqual({ left: 20, width: 30, open: false })
    expect(barOf({ offset_ns: 50_000_000, duration_ns: 1 }, total).width).toBe(MIN_BAR_PERCENT)
    expect(barOf({ offset_ns: 40_000_000, duration_ns: null }, total)).toEqual({ left: 40, width: 60, open: true })
    expect(traceSpanNs([])).toBe(1)
  })
  it('ticks fall on round steps from 0 to the end', () => {
    const ticks = timeTicks(100_000_000, 5)
    expect(ticks.map((t) => t.label)).toEqual(['0', '20 ms', '40 ms', '60 ms', '80 ms', '100 ms'])
    expect(ticks.map((t) => Math.round(t.at))).toEqual([0, 20, 40, 60, 80, 100])
    expect(timeTicks(636_000_000, 5)[1].label).toBe('200 ms')
  })
  it('formats nanoseconds as a person reads them', () => {
    expect([formatNs(820), formatNs(35_240), formatNs(12_400_000), formatNs(1_250_000_000), formatNs(125e9), formatNs(null)]).toEqual([
      '820 ns',
      '35.2 µs',
      '12.4 ms',
      '1.25 s',
      '2 min 5 s',
      'running',
    ])
  })
})
