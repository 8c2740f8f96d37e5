import { describe, expect, it } from 'vitest'
import type { ExportProgress } from '@shared/domain/exports'
import { formatEta, progressFigures, progressPercent } from '../../../../renderer/src/utils/artifactProgress'

const base: ExportProgress = {
  phase: 'artifacts',
  files_done: 3,
  files_total: 12,
  bytes_done: 1_200_000,
  bytes_total: 4_500_000,
  listing_done: true,
  rate: 2_100_000,
  eta_seconds: 5,
}

describe('download progress', () => {
  it('formats time left', () => {
    expect(formatEta(4.6)).toBe('5 s')
    expect(formatEta(185)).toBe('3 min 05 s')
    expect(formatEta(4320)).toBe('1 h 12 min')
  })

  it('counts by bytes, by files when sizes are unknown, and not at all while listing', () => {
    expect(progressPercent(base)).toBeCloseTo(26.67, 1)
    expect(progressPercent({ ...base, bytes_total: 0, bytes_done: 0 })).toBe(25)
    expect(progressPercent({ ...base, listing_done: false })).toBeNull()
    expect(progressPercent({ ...base, phase: 'done' })).toBe(100)
  })

  it('says files, bytes, rate and time left; totals are marked while still listing', () => {
    expect(progressFigures(base)).toBe('3 of 12 files · 1.20 MB of 4.50 MB · 2.10 MB/s · 5 s left')
    expect(progressFigures({ ...base, listing_done: false, eta_seconds: null })).toBe('3 of 12+ files · 1.20 MB of 4.50 MB+ · 2.10 MB/s')
    expect(progressFigures({ ...base, phase: 'done', files_done: 1, files_total: 1, bytes_done: 10, bytes_total: 10 })).toBe('1 of 1 file · 10 B of 10 B')
  })
})
