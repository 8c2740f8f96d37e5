import { describe, expect, it } from 'vitest'
import { bestScore, hitScore, matchScore, normalizeFindText, rankHits } from '@shared/find/findRank'
import { screenHits } from '@shared/find/screens'

describe('how well a title answers what was typed', () => {
  it('orders the bands: exact, prefix, word start, inside, every word, letters in order', () => {
    const scores = [
      matchScore('loss', 'loss'),
      matchScore('loss', 'loss-curve'),
      matchScore('loss', 'val_loss'),
      matchScore('loss', 'valloss'),
      matchScore('val acc', 'accuracy val'),
      matchScore('vls', 'val_loss'),
    ]
    expect(scores.every((s) => s !== null)).toBe(true)
    expect(scores).toEqual([...scores].sort((a, b) => b! - a!))
    expect(new Set(scores).size).toBe(scores.length)
  })

  it('ignores case and repeated spaces', () => {
    expect(matchScore('  ResNet   50 ', 'resnet 50')).toBe(1000)
    expect(normalizeFindText(' A  B\tC ')).toBe('a b c')
  })

  it('prefers a shorter title and an earlier match within a band', () => {
    expect(matchScore('run', 'run-1')!).toBeGreaterThan(matchScore('run', 'run-12345')!)
    expect(matchScore('loss', 'a_loss')!).toBeGreaterThan(matchScore('loss', 'abcdef_loss')!)
  })

  it('does not match what is not there, nor letters scattered too far apart', () => {
    expect(matchScore('xyz', 'val_loss')).toBeNull()
    expect(matchScore('a', 'bcd')).toBeNull()
    expect(matchScore('vloss', 'very long title of something else')).toBeNull()
    expect(matchScore('loss', '')).toBeNull()
  })

  it('scores nothing typed as 0 (everything matches)', () => {
    expect(matchScore('', 'anything')).toBe(0)
    expect(matchScore('   ', 'anything')).toBe(0)
  })

  it('takes the best of several names (a run by its name or its id)', () => {
    expect(bestScore('abc123', ['my-run', 'abc123ffff'])).toBe(matchScore('abc123', 'abc123ffff'))
    expect(bestScore('zzz', ['my-run', null, undefined])).toBeNull()
  })
})

describe('the order of hits', () => {
  const hit = (kind: 'run' | 'experiment' | 'screen' | 'saved_query', id: string, title: string, score: number) => ({ kind, id, title, score })

  it('puts an experiment before a run that matches as well, and live before deleted', () => {
    expect(hitScore(800, 'experiment', false)).toBeGreaterThan(hitScore(800, 'run', false))
    expect(hitScore(800, 'run', false)).toBeGreaterThan(hitScore(800, 'run', true))
    // ... but a better match wins over the kind.
    expect(hitScore(1000, 'run', false)).toBeGreaterThan(hitScore(800, 'experiment', false))
  })

  it('ranks by score, then title, then id, and keeps one showing of each thing (its best)', () => {
    const ranked = rankHits([
      hit('run', 'b', 'beta', 500),
      hit('run', 'a', 'alpha', 500),
      hit('experiment', '1', 'exp', 900),
      hit('run', 'b', 'beta', 700),
      hit('run', 'c', 'alpha', 500),
    ])
    expect(ranked.map((h) => `${h.kind}:${h.id}:${h.score}`)).toEqual(['experiment:1:900', 'run:b:700', 'run:a:500', 'run:c:500'])
  })

  it('keeps the first `limit`', () => {
    const many = Array.from({ length: 30 }, (_, i) => hit('run', String(i), `run ${i}`, i))
    expect(rankHits(many, 5).map((h) => h.id)).toEqual(['29', '28', '27', '26', '25'])
  })
})

describe('screens', () => {
  it('are found by their title before their words, and Models and Prompts only with a registry', () => {
    const models = screenHits('models', { registry: true })
    expect(models[0]).toMatchObject({ kind: 'screen', id: '/models', route: '/models' })
    expect(screenHits('models', { registry: false }).map((h) => h.id)).not.toContain('/models')
    const byTitle = screenHits('compare', { registry: true }).find((h) => h.id === '/compare')!
    const byWord = screenHits('charts', { registry: true }).find((h) => h.id === '/compare')!
    expect(byTitle.score).toBeGreaterThan(byWord.score)
    expect(screenHits('sql', { registry: true })[0].route).toBe('/query')
    expect(screenHits('prompt', { registry: true })[0]).toMatchObject({ id: '/prompts', route: '/prompts' })
    expect(screenHits('prompt', { registry: false }).map((h) => h.id)).not.toContain('/prompts')
    expect(screenHits('', { registry: true }).length).toBe(6)
  })
})
