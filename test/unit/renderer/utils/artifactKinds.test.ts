import { describe, expect, it } from 'vitest'
import {
  artifactAncestors,
  artifactKind,
  artifactLanguage,
  artifactName,
  artifactParent,
  nextPreviewBytes,
  prettyJsonPreview,
} from '../../../../renderer/src/utils/artifactKinds'

describe('artifact kinds', () => {
  it('reads the kind from the extension, any case', () => {
    expect(artifactKind('plots/loss.PNG')).toBe('image')
    expect(artifactKind('a/b/c.webp')).toBe('image')
    expect(artifactKind('metrics.json')).toBe('json')
    expect(artifactKind('config.yml')).toBe('yaml')
    expect(artifactKind('eval/predictions.csv')).toBe('csv')
    expect(artifactKind('eval/predictions.tsv')).toBe('tsv')
    expect(artifactKind('README.md')).toBe('markdown')
    expect(artifactKind('report.html')).toBe('html')
    expect(artifactKind('train.py')).toBe('code')
    expect(artifactKind('training.log')).toBe('log')
    expect(artifactKind('notes.txt')).toBe('text')
    expect(artifactKind('model/model.pkl')).toBe('other')
  })

  it('knows the files MLflow writes by name', () => {
    expect(artifactKind('model/MLmodel')).toBe('yaml')
    expect(artifactKind('MLproject')).toBe('yaml')
    expect(artifactKind('model/requirements.txt')).toBe('text')
    expect(artifactKind('model/conda.yaml')).toBe('yaml')
    expect(artifactKind('model/python_env.yaml')).toBe('yaml')
  })

  it('treats names without an extension, dotfiles and folders-with-dots sanely', () => {
    expect(artifactKind('LICENSE')).toBe('other')
    expect(artifactKind('.gitignore')).toBe('other')
    expect(artifactKind('v1.2/data')).toBe('other')
  })

  it('colours only JSON and YAML', () => {
    expect(artifactLanguage('json')).toBe('json')
    expect(artifactLanguage('yaml')).toBe('yaml')
    expect(artifactLanguage('log')).toBeNull()
  })

  it('splits paths into name, parent and ancestors', () => {
    expect(artifactName('a/b/c.txt')).toBe('c.txt')
    expect(artifactName('c.txt')).toBe('c.txt')
    expect(artifactParent('a/b/c.txt')).toBe('a/b')
    expect(artifactParent('c.txt')).toBe('')
    expect(artifactAncestors('a/b/c.txt')).toEqual(['a', 'a/b'])
    expect(artifactAncestors('c.txt')).toEqual([])
  })

  it('indents whole JSON and leaves cut, broken or huge JSON raw', () => {
    expect(prettyJsonPreview('{"a":[1,2]}', false)).toBe('{\n  "a": [\n    1,\n    2\n  ]\n}')
    expect(prettyJsonPreview('{"a":[1,2]}', true)).toBeNull()
    expect(prettyJsonPreview('{"a": NaN}', false)).toBeNull()
    expect(prettyJsonPreview(`[${'1,'.repeat(1_100_000)}1]`, false)).toBeNull()
  })

  it('asks for four times more text each time, never past the file or the cap', () => {
    const MiB = 1024 * 1024
    expect(nextPreviewBytes(MiB, 100 * MiB, 50 * MiB)).toBe(4 * MiB)
    expect(nextPreviewBytes(16 * MiB, 100 * MiB, 50 * MiB)).toBe(50 * MiB)
    expect(nextPreviewBytes(MiB, 2 * MiB, 50 * MiB)).toBe(2 * MiB)
  })
})
