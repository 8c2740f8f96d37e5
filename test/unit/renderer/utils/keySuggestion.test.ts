import { describe, expect, it } from 'vitest'
import { closestKey, editDistance, replaceFilterKey, unknownFilterKeys } from '@/utils/keySuggestion'

const known = { metrics: ['acc', 'loss', 'val_loss', 'f1_score'], params: ['lr', 'batch_size'], tags: ['team', 'mlflow.user'] }

describe('a filter key no run has', () => {
  it('counts edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3)
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('Loss', 'loss')).toBe(0)
  })

  it('suggests the key meant: same words, a prefix, or a few edits', () => {
    expect(closestKey('accuracy', known.metrics)).toBe('acc')
    expect(closestKey('val-loss', known.metrics)).toBe('val_loss')
    expect(closestKey('VAL_LOSS', known.metrics)).toBe('val_loss')
    expect(closestKey('los', known.metrics)).toBe('loss')
    expect(closestKey('f1score', known.metrics)).toBe('f1_score')
    expect(closestKey('batchsize', known.params)).toBe('batch_size')
    expect(closestKey('momentum', known.params)).toBeNull()
    expect(closestKey('x', [])).toBeNull()
  })

  it('finds the unknown keys of a filter, once each, with where they stand', () => {
    const filter = "metrics.accuracy > 0.9 and params.lr = '0.1' and metric.accuracy < 1 and tags.`mlflow.usr` = 'x'"
    const got = unknownFilterKeys(filter, known)
    expect(got.map((u) => [u.entity, u.key, u.suggestion])).toEqual([
      ['metrics', 'accuracy', 'acc'],
      ['tags', 'mlflow.usr', 'mlflow.user'],
    ])
    expect(filter.slice(got[0].start, got[0].end)).toBe('metrics.accuracy')
    expect(unknownFilterKeys("attributes.status = 'FINISHED' and metrics.acc > 1", known)).toEqual([])
  })

  it('rewrites every mention, keeping the prefix typed and quoting what needs it', () => {
    const filter = 'metrics.accuracy > 0.9 or metric.accuracy < 0.1'
    expect(replaceFilterKey(filter, { entity: 'metrics', key: 'accuracy' }, 'acc')).toBe('metrics.acc > 0.9 or metric.acc < 0.1')
    expect(replaceFilterKey("tags.`mlflow.usr` = 'x'", { entity: 'tags', key: 'mlflow.usr' }, 'mlflow.user')).toBe("tags.`mlflow.user` = 'x'")
  })
})
