import { describe, expect, it } from 'vitest'
import { MAX_REQUEST_DEPTH, decodeWire, encodeWire } from '@shared/api/wireJson'

describe('wire JSON (HTTP transport)', () => {
  it('carries NaN and infinities, which plain JSON turns into null', () => {
    const value = { metrics: [{ value: NaN }, { value: Infinity }, { value: -Infinity }, { value: 1.5 }] }
    expect(JSON.parse(JSON.stringify(value)).metrics[0].value).toBeNull()
    const back = decodeWire(encodeWire(value)) as typeof value
    expect(Number.isNaN(back.metrics[0].value)).toBe(true)
    expect(back.metrics[1].value).toBe(Infinity)
    expect(back.metrics[2].value).toBe(-Infinity)
    expect(back.metrics[3].value).toBe(1.5)
  })

  it('leaves an ordinary object that merely looks similar alone', () => {
    const value = { $num: 'NaN', other: 1 }
    expect(decodeWire(encodeWire(value))).toEqual(value)
  })

  it('restores specials at any depth, in arrays and at the top, and nothing else', () => {
    const value = { a: [[NaN, 1], { b: [{ c: -Infinity }] }], s: 'a "$num" in a string', n: null, t: [true, 'NaN'] }
    const back = decodeWire(encodeWire(value)) as typeof value
    expect(back.a[0]).toEqual([NaN, 1])
    expect((back.a[1] as { b: Array<{ c: number }> }).b[0].c).toBe(-Infinity)
    expect(back.s).toBe('a "$num" in a string')
    expect(back.n).toBeNull()
    expect(back.t).toEqual([true, 'NaN'])
    expect(Number.isNaN(decodeWire(encodeWire(NaN)))).toBe(true)
    expect(decodeWire(encodeWire([Infinity]))).toEqual([Infinity])
  })

  it('leaves a $num that names no special number alone, prototype names included', () => {
    for (const v of ['toString', 'constructor', 'nan', '1']) expect(decodeWire(JSON.stringify({ x: { $num: v } }))).toEqual({ x: { $num: v } })
  })

  it('refuses a body nested deeper than asked with a RangeError, counting no bracket inside a string', () => {
    const nest = (n: number) => '['.repeat(n) + ']'.repeat(n)
    expect(decodeWire(nest(3), { maxDepth: 3 })).toEqual([[[]]])
    expect(() => decodeWire(nest(4), { maxDepth: 3 })).toThrow(RangeError)
    expect(() => decodeWire('[' + nest(500_000) + ']', { maxDepth: MAX_REQUEST_DEPTH })).toThrow(RangeError)
    expect(decodeWire('{"a":"[[[[\\"}","b":"\\"[{"}', { maxDepth: 1 })).toEqual({ a: '[[[["}', b: '"[{' })
    // Without a limit (answers of our own), any depth JSON.parse reads.
    expect(Array.isArray(decodeWire(nest(10_000)))).toBe(true)
  })
})
