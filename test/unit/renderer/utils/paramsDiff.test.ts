import { describe, expect, it } from 'vitest'
import { cellDiffers, diffCountLabel, diffRows, isComparableTag, visibleRows } from '@/utils/paramsDiff'
import { run } from '../compareFixtures'

const runs = [
  run('a', { params: { lr: '0.1', depth: '3', seed: '7' }, tags: { team: 'x', 'mlflow.runName': 'a', 'mlflow.user': 'ann' } }),
  run('b', { params: { lr: '0.01', depth: '3', seed: '7' }, tags: { team: 'x', 'mlflow.runName': 'b', 'mlflow.user': 'bob' } }),
  run('c', { params: { lr: '0.1', seed: '7', optimizer: 'adam' }, tags: { team: 'x', 'mlflow.runName': 'c', 'mlflow.user': 'ann' } }),
]

describe('diffRows', () => {
  it('marks differing values and missing params as different, identical values as not', () => {
    const rows = diffRows(runs)
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]))
    expect(rows.map((r) => r.key)).toEqual(['depth', 'lr', 'optimizer', 'seed'])
    expect(byKey.lr.differs).toBe(true)
    expect(byKey.depth.differs).toBe(true) // c lacks it
    expect(byKey.depth.values).toEqual(['3', '3', undefined])
    expect(byKey.optimizer.differs).toBe(true) // only c has it
    expect(byKey.seed.differs).toBe(false)
  })

  it('treats a param missing from every run but one as different, and a single run as never differing', () => {
    expect(diffRows([runs[0]]).every((r) => !r.differs)).toBe(true)
  })

  it('adds user and provenance tags on request, leaving other mlflow.* tags out', () => {
    const rows = diffRows(runs, true)
    expect(rows.filter((r) => r.source === 'tag').map((r) => r.key)).toEqual(['mlflow.user', 'team'])
    expect(rows.find((r) => r.id === 'tag:mlflow.user')!.differs).toBe(true)
    expect(rows.find((r) => r.id === 'tag:team')!.differs).toBe(false)
    expect(isComparableTag('mlflow.runName')).toBe(false)
    expect(isComparableTag('mlflow.source.git.commit')).toBe(true)
  })
})

describe('cellDiffers', () => {
  it('marks the cells that leave the common value, and every missing one', () => {
    const rows = Object.fromEntries(diffRows(runs).map((r) => [r.key, r]))
    expect(rows.lr.common).toBe('0.1')
    expect([0, 1, 2].map((i) => cellDiffers(rows.lr, i))).toEqual([false, true, false])
    expect([0, 1, 2].map((i) => cellDiffers(rows.depth, i))).toEqual([false, false, true])
    expect([0, 1, 2].map((i) => cellDiffers(rows.seed, i))).toEqual([false, false, false])
  })
})

describe('visibleRows', () => {
  const rows = diffRows(runs)
  it('shows only differing rows unless asked for all', () => {
    expect(visibleRows(rows, { showAll: false, query: '' }).map((r) => r.key)).toEqual(['depth', 'lr', 'optimizer'])
    expect(visibleRows(rows, { showAll: true, query: '' })).toHaveLength(4)
  })
  it('filters by param name, any case', () => {
    expect(visibleRows(rows, { showAll: true, query: ' SE ' }).map((r) => r.key)).toEqual(['seed'])
    expect(visibleRows(rows, { showAll: false, query: 'seed' })).toEqual([])
  })
  it('counts differing rows', () => {
    expect(diffCountLabel(rows)).toBe('3 of 4 params differ')
    expect(diffCountLabel(diffRows(runs, true))).toBe('4 of 6 params and tags differ')
  })
})
