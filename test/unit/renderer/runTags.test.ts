import { describe, expect, it } from 'vitest'
import { isSystemTag, matchesQuery, prettyJson, runSource, shortCommit, splitTags } from '@/utils/runTags'

describe('splitTags', () => {
  it('puts mlflow.* tags apart from user tags, each sorted by key', () => {
    const { user, system } = splitTags([
      { key: 'team', value: 'vision' },
      { key: 'mlflow.user', value: 'ana' },
      { key: 'Owner', value: 'x' },
      { key: 'mlflow.runName', value: 'r' },
      { key: 'mlflowish', value: 'not system' },
    ])
    expect(user.map((t) => t.key)).toEqual(['mlflowish', 'Owner', 'team'])
    expect(system.map((t) => t.key)).toEqual(['mlflow.runName', 'mlflow.user'])
  })

  it('treats only the mlflow. prefix as system', () => {
    expect(isSystemTag('mlflow.source.git.commit')).toBe(true)
    expect(isSystemTag('mlflow')).toBe(false)
    expect(isSystemTag('my.mlflow.tag')).toBe(false)
  })
})

describe('matchesQuery', () => {
  it('matches key or value without regard to case; blank matches all', () => {
    const kv = { key: 'learning_rate', value: '0.001 Adam' }
    expect(matchesQuery(kv, 'LEARNING')).toBe(true)
    expect(matchesQuery(kv, 'adam')).toBe(true)
    expect(matchesQuery(kv, 'sgd')).toBe(false)
    expect(matchesQuery(kv, '  ')).toBe(true)
  })
})

describe('runSource', () => {
  it('reads source and git info from the system tags', () => {
    const s = runSource([
      { key: 'mlflow.source.name', value: '/home/ana/train.py' },
      { key: 'mlflow.source.type', value: 'LOCAL' },
      { key: 'mlflow.source.git.commit', value: 'a'.repeat(40) },
      { key: 'mlflow.source.git.branch', value: 'main' },
      { key: 'mlflow.source.git.dirty', value: 'True' },
    ])
    expect(s).toMatchObject({ name: '/home/ana/train.py', type: 'LOCAL', git: { commit: 'a'.repeat(40), branch: 'main', dirty: true } })
  })

  it('has no git part when no git tag exists, and ignores empty values', () => {
    const s = runSource([{ key: 'mlflow.source.name', value: '' }])
    expect(s.name).toBeUndefined()
    expect(s.git).toBeUndefined()
  })
})

describe('shortCommit / prettyJson', () => {
  it('shortens a sha, leaves other text alone', () => {
    expect(shortCommit('0123456789abcdef0123456789abcdef01234567')).toBe('01234567')
    expect(shortCommit('v1.2')).toBe('v1.2')
  })

  it('indents JSON and returns other text unchanged', () => {
    expect(prettyJson('{"uri":"file:///d","n":[1,2]}')).toBe('{\n  "uri": "file:///d",\n  "n": [\n    1,\n    2\n  ]\n}')
    expect(prettyJson('not json {')).toBe('not json {')
    expect(prettyJson(null)).toBe('')
  })
})
