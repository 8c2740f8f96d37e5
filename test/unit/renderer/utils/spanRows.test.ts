import { describe, expect, it } from 'vitest'
import type { MlflowSpan } from '@shared/domain/traces'
import { spanTree } from '../../../../electron/services/traces/spanTree'
import { ancestorIds, treeMove, visibleSpans } from '@/utils/spanRows'
import { barOf, formatNs, MIN_BAR_PERCENT, timeTicks, traceSpanNs } from '@/utils/waterfall'

const T0 = 1_796_527_257_000_000_000n
const b64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64')
const id = (n: number) => n.toString(16).padStart(16, '0')

function span(n: number, parent: number | null, startMs: number, endMs: number | null): MlflowSpan {
  return {
    trace_id: b64('00'.repeat(16)),
    span_id: b64(id(n)),
    parent_span_id: parent === null ? null : b64(id(parent)),
    name: `s${n}`,
    start_time_unix_nano: String(T0 + BigInt(startMs) * 1_000_000n),
    end_time_unix_nano: endMs === null ? null : String(T0 + BigInt(endMs) * 1_000_000n),
    events: [],
    status: { code: 'STATUS_CODE_OK', message: '' },
    attributes: {},
  }
}

// s1 ─┬ s2 ── s4 ── s5
//     └ s3
const rows = spanTree([span(1, null, 0, 100), span(2, 1, 10, 60), span(3, 1, 60, 90), span(4, 2, 20, 50), span(5, 4, 30, 40)]).rows
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
    const deep = spanTree(Array.from({ length: 5000 }, (_, i) => span(i + 1, i === 0 ? null : i, i, 10_000 - i))).rows
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
