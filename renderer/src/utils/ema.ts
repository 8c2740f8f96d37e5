/**
 * TensorBoard's debiased exponential moving average: the average starts at 0
 * and is divided by (1 - w^n), so the first points are not pulled towards 0.
 * Gaps (null: NaN, ±∞, or off a log scale) stay gaps and do not enter the average.
 */
export function ema(values: ReadonlyArray<number | null>, weight: number): Array<number | null> {
  const w = Math.min(0.999, Math.max(0, weight))
  if (w === 0) return [...values]
  let last = 0
  let n = 0
  return values.map((v) => {
    if (v === null || !Number.isFinite(v)) return null
    last = last * w + (1 - w) * v
    n++
    return last / (1 - Math.pow(w, n))
  })
}
