import { describe, expect, it } from 'vitest'
import { nextSort, parseOrderBy, sortStateOf, toOrderBy, type SortKey } from '@/utils/runOrder'

const metric = { entity: 'metrics', key: 'val acc' } as const
const name = { entity: 'attributes', key: 'run_name' } as const
const started = { entity: 'attributes', key: 'start_time' } as const

describe('runs table sort', () => {
  it('writes MLflow order_by entries, backticking keys, and reads them back', () => {
    const k: SortKey = { ref: metric, desc: true }
    expect(toOrderBy(k)).toBe('metrics.`val acc` DESC')
    expect(toOrderBy({ ref: name, desc: false })).toBe('attributes.run_name ASC')
    expect(toOrderBy({ ref: { entity: 'tags', key: 'has`tick' }, desc: false })).toBe('tags."has`tick" ASC')
    expect(parseOrderBy('metrics.`val acc` DESC')).toEqual(k)
    expect(parseOrderBy('param.lr')).toEqual({ ref: { entity: 'params', key: 'lr' }, desc: false })
    expect(parseOrderBy('tags."mlflow.user" asc')).toEqual({ ref: { entity: 'tags', key: 'mlflow.user' }, desc: false })
    expect(parseOrderBy('nonsense')).toBeNull()
    expect(parseOrderBy('foo.bar DESC')).toBeNull()
  })

  it('a click sorts by that column alone; clicking it again reverses, then returns to the default', () => {
    const once = nextSort([], metric, false)
    expect(once).toEqual([{ ref: metric, desc: true }])
    const twice = nextSort(once, metric, false)
    expect(twice).toEqual([{ ref: metric, desc: false }])
    expect(nextSort(twice, metric, false)).toEqual([])
    // Text sorts A→Z first.
    expect(nextSort(once, name, false)).toEqual([{ ref: name, desc: false }])
  })

  it('the default order (start_time DESC) reverses on the first click of its column', () => {
    expect(nextSort([], started, false)).toEqual([{ ref: started, desc: false }])
    expect(nextSort([{ ref: started, desc: false }], started, false)).toEqual([])
    expect(sortStateOf([], started)).toEqual({ desc: true, rank: 1 })
  })

  it('shift-click adds a key, reverses it, then removes it', () => {
    const one = [{ ref: metric, desc: true }]
    const two = nextSort(one, name, true)
    expect(two).toEqual([...one, { ref: name, desc: false }])
    expect(sortStateOf(two, name)).toEqual({ desc: false, rank: 2 })
    const reversed = nextSort(two, name, true)
    expect(reversed[1]).toEqual({ ref: name, desc: true })
    expect(nextSort(reversed, name, true)).toEqual(one)
    expect(nextSort([], name, true)).toEqual([
      { ref: started, desc: true },
      { ref: name, desc: false },
    ])
  })
})
