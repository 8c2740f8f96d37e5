import { describe, expect, it } from 'vitest'
import { decodeWire, encodeWire } from '@shared/api/wireJson'

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
})
