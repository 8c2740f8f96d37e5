import { describe, expect, it } from 'vitest'
import type { FindHit } from '@shared/domain/find'
import { MAX_RECENTS, addRecent, loadRecents, recentsKey, saveRecents, type RecentItem } from '../../../../renderer/src/utils/findRecents'

/** localStorage as the browser keeps it: strings by key. */
class MemoryStorage {
  private m = new Map<string, string>()
  get length() {
    return this.m.size
  }
  clear() {
    this.m.clear()
  }
  getItem(k: string) {
    return this.m.get(k) ?? null
  }
  key(i: number) {
    return [...this.m.keys()][i] ?? null
  }
  removeItem(k: string) {
    this.m.delete(k)
  }
  setItem(k: string, v: string) {
    this.m.set(k, String(v))
  }
}

const hit = (id: string, kind: FindHit['kind'] = 'run'): FindHit => ({
  kind,
  id,
  title: `title ${id}`,
  detail: null,
  route: `/runs/${id}`,
  note: null,
  experiment_id: '1',
  deleted: false,
  score: 123,
})

describe('recent items of "find anything"', () => {
  it('puts the latest first, once, without its score, and keeps at most MAX_RECENTS', () => {
    let list: RecentItem[] = []
    for (let i = 0; i < MAX_RECENTS + 3; i++) list = addRecent(list, hit(String(i)))
    expect(list.map((r) => r.id)).toEqual(Array.from({ length: MAX_RECENTS }, (_, i) => String(MAX_RECENTS + 2 - i)))
    list = addRecent(list, hit('5'))
    expect(list.map((r) => r.id).slice(0, 2)).toEqual(['5', String(MAX_RECENTS + 2)])
    expect(list.filter((r) => r.id === '5')).toHaveLength(1)
    expect(list[0]).not.toHaveProperty('score')
    // The same id of another kind is another thing.
    expect(addRecent(list, hit('5', 'experiment')).filter((r) => r.id === '5')).toHaveLength(2)
  })

  it('are kept per profile', () => {
    const storage = new MemoryStorage() as unknown as Storage
    saveRecents(storage, 'prod', [addRecent([], hit('a'))[0]])
    saveRecents(storage, 'dev', [addRecent([], hit('b'))[0]])
    expect(loadRecents(storage, 'prod').map((r) => r.id)).toEqual(['a'])
    expect(loadRecents(storage, 'dev').map((r) => r.id)).toEqual(['b'])
    expect(loadRecents(storage, 'other')).toEqual([])
    expect(recentsKey(null)).toBe('mlflow-desk:recent:default')
  })

  it('drop what is not theirs: unreadable JSON, unknown kinds, and routes that leave the app', () => {
    const storage = new MemoryStorage() as unknown as Storage
    storage.setItem(recentsKey('p'), '{not json')
    expect(loadRecents(storage, 'p')).toEqual([])
    const good = addRecent([], hit('ok'))[0]
    storage.setItem(
      recentsKey('p'),
      JSON.stringify([
        good,
        { ...good, id: 'x', kind: 'planet' },
        { ...good, id: 'y', route: '//evil.example/' },
        { ...good, id: 'z', route: 'https://evil.example' },
        42,
      ]),
    )
    expect(loadRecents(storage, 'p').map((r) => r.id)).toEqual(['ok'])
    expect(loadRecents(null, 'p')).toEqual([])
  })
})
