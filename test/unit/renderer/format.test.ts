import { describe, expect, it } from 'vitest'
import { formatDuration, formatMetric, notePreview } from '../../../renderer/src/utils/format'

describe('renderer formatting', () => {
  it('shows MLflow’s stored infinities as ∞ and NaN as NaN', () => {
    expect(formatMetric(1.7976931348623157e308)).toBe('∞')
    expect(formatMetric(-1.7976931348623157e308)).toBe('−∞')
    expect(formatMetric(NaN)).toBe('NaN')
    expect(formatMetric(0.123456789)).toBe('0.123457')
    expect(formatMetric(42)).toBe('42')
    expect(formatMetric(1.5e-7)).toBe('1.5000e-7')
  })

  it('formats durations and unknown ends', () => {
    expect(formatDuration(0, 500)).toBe('500 ms')
    expect(formatDuration(0, 3_723_000)).toBe('1 h 2 min')
    expect(formatDuration(0, null)).toBe('—')
  })

  it('turns a markdown note into a one-line preview', () => {
    expect(notePreview('**Vision**: see [docs](http://x) and `val_acc`\n\n# Next')).toBe('Vision: see docs and val_acc Next')
    expect(notePreview('')).toBeUndefined()
  })
})
