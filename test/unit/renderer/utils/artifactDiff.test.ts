import { describe, expect, it } from 'vitest'
import { csvDiff, jsonDiff, jsonLeaves, parseJsonDocument, textDiff } from '@/utils/artifactDiff'

describe('artifactDiff', () => {
  it('diffs text line by line with line numbers, folding long unchanged stretches', () => {
    const base = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n') + '\n'
    const other = base.replace('line 10\n', 'line ten\n') + 'line 21\n'
    const d = textDiff(base, other, 2)!
    expect([d.added, d.removed]).toEqual([2, 1])
    expect(d.items[0]).toEqual({ kind: 'fold', count: 7 })
    expect(d.items.filter((i) => i.kind !== 'same' && i.kind !== 'fold')).toEqual([
      { kind: 'removed', text: 'line 10', baseNo: 10, otherNo: null },
      { kind: 'added', text: 'line ten', baseNo: null, otherNo: 10 },
      { kind: 'added', text: 'line 21', baseNo: null, otherNo: 21 },
    ])
    expect(d.items).toContainEqual({ kind: 'fold', count: 7 })
    expect(textDiff('a\n', 'a\n')!.items).toEqual([{ kind: 'fold', count: 1 }])
  })

  it('lists JSON leaves by path and marks the paths whose values differ from the base', () => {
    expect([...jsonLeaves({ a: { b: [1, { c: null }] }, 'odd key': {}, d: [] })]).toEqual([
      ['a.b[0]', '1'],
      ['a.b[1].c', 'null'],
      ['"odd key"', '{}'],
      ['d', '[]'],
    ])
    const rows = jsonDiff([
      { run: 'x', metrics: { acc: 0.9, loss: 0.2 } },
      { run: 'y', metrics: { acc: 0.9 }, extra: true },
    ])
    expect(rows).toEqual([
      { path: 'run', values: ['"x"', '"y"'], changed: true },
      { path: 'metrics.acc', values: ['0.9', '0.9'], changed: false },
      { path: 'metrics.loss', values: ['0.2', undefined], changed: true },
      { path: 'extra', values: [undefined, 'true'], changed: true },
    ])
  })

  it('reads JSON as Python writes it: bare NaN and Infinity, shown as written; strings holding them stay strings', () => {
    const doc = parseJsonDocument('{"loss": NaN, "best": -Infinity, "top": Infinity, "note": "NaN \\" Infinity"}')
    expect([...jsonLeaves(doc)]).toEqual([
      ['loss', 'NaN'],
      ['best', '-Infinity'],
      ['top', 'Infinity'],
      ['note', '"NaN \\" Infinity"'],
    ])
    expect(() => parseJsonDocument('{"a": nan}')).toThrow()
  })

  it('marks CSV cells that differ from the base in the same place, and rows and columns it lacks', () => {
    const base = {
      header: ['id', 'score'],
      rows: [
        ['0', '0.5'],
        ['1', '0.7'],
      ],
    }
    const other = {
      header: ['id', 'score', 'extra'],
      rows: [
        ['0', '0.5', 'x'],
        ['1', '0.8', 'y'],
        ['2', '0.1', 'z'],
      ],
    }
    const m = csvDiff(base, other)
    expect(m.changed).toEqual([
      [false, false, true],
      [false, true, true],
      [true, true, true],
    ])
    expect(m).toMatchObject({ addedRows: 1, changedCells: 3, newColumns: ['extra'] })
  })
})
