import { describe, expect, it } from 'vitest'
import { commonNameRank, keyMetrics } from '@shared/domain/keyMetrics'

describe('keyMetrics', () => {
  const keys = ['zeta', 'val_loss', 'train/accuracy', 'lr', 'loss', 'sys/gpu', 'f1', 'alpha']

  it('puts pinned keys first in pin order, then common names, then the rest by name', () => {
    expect(keyMetrics(keys, ['zeta', 'gone', 'lr'], 20)).toEqual(['zeta', 'lr', 'loss', 'val_loss', 'train/accuracy', 'f1', 'alpha', 'sys/gpu'])
  })

  it('keeps only `limit` keys', () => {
    expect(keyMetrics(keys, [], 3)).toEqual(['loss', 'val_loss', 'train/accuracy'])
    expect(keyMetrics([], ['a'], 3)).toEqual([])
  })

  it('reads a name after the last slash, with or without a split prefix', () => {
    expect(commonNameRank('train/loss')).toBe(0)
    expect(commonNameRank('VAL_LOSS')).toBe(0)
    expect(commonNameRank('eval/val_accuracy')).toBe(1)
    expect(commonNameRank('lossy')).toBe(-1)
  })
})
