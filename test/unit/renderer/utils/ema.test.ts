import { describe, expect, it } from 'vitest'
import { ema } from '@/utils/ema'

describe('ema (TensorBoard, debiased)', () => {
  it('is the identity at weight 0', () => {
    expect(ema([1, null, 3], 0)).toEqual([1, null, 3])
  })

  it('debiases the start: a constant series stays constant instead of rising from 0', () => {
    const out = ema([5, 5, 5, 5], 0.9)
    for (const v of out) expect(v).toBeCloseTo(5, 12)
  })

  it('matches the debiased formula point by point', () => {
    const w = 0.6
    const xs = [1, 2, 4]
    let last = 0
    const expected = xs.map((x, i) => {
      last = last * w + (1 - w) * x
      return last / (1 - w ** (i + 1))
    })
    const out = ema(xs, w)
    out.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 12))
    // The first point is the value itself; later ones lag behind a rise.
    expect(out[0]).toBeCloseTo(1, 12)
    expect(out[2]!).toBeLessThan(4)
    expect(out[2]!).toBeGreaterThan(2)
  })

  it('keeps gaps as gaps and leaves them out of the average', () => {
    const withGap = ema([1, null, NaN, 3], 0.5)
    const without = ema([1, 3], 0.5)
    expect(withGap[1]).toBeNull()
    expect(withGap[2]).toBeNull()
    expect(withGap[3]).toBeCloseTo(without[1]!, 12)
  })
})
