import { describe, expect, it } from 'vitest'
import { AppError } from '@shared/api/errors'
import { artifactStoreSchema } from '@shared/api/artifactSchemas'
import { artifactAccess, mappedPath } from '../../../electron/services/artifacts/artifactAccess'
import { artifactPath, joinArtifactPath, sortArtifactFiles } from '../../../electron/services/artifacts/artifactRepository'
import { ARTIFACT_SCHEMES, openArtifactRepository } from '../../../electron/services/artifacts/openRepository'

function refusal(fn: () => unknown): AppError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(AppError)
    return e as AppError
  }
  throw new Error('expected a refusal')
}

describe('artifactPath', () => {
  it.each([
    ['..', '..'],
    ['a/../b', '..'],
    ['.', '.'],
    ['a/./b', '.'],
    ['a\\b', 'a\\b'],
    ['..\\etc', '..\\etc'],
    ['a\0b', 'a\0b'],
    ['a//b', ''],
  ])('refuses %j (segment %j), naming the path and the field', (path, segment) => {
    const e = refusal(() => artifactPath(path, 'request.path'))
    expect(e.code).toBe('BAD_REQUEST')
    expect(e.message).toContain(`"${path}"`)
    expect(e.message).toContain(`segment "${segment}"`)
    expect(e.details?.field).toBe('request.path')
  })

  it('normalises leading and trailing slashes and keeps names as they are', () => {
    expect(artifactPath('')).toBe('')
    expect(artifactPath('/')).toBe('')
    expect(artifactPath('///')).toBe('')
    expect(artifactPath('/model/data/')).toBe('model/data')
    expect(artifactPath('with space/naïve 文件.txt')).toBe('with space/naïve 文件.txt')
    expect(artifactPath('..hidden/a..b/.env')).toBe('..hidden/a..b/.env')
  })

  it('joins a root and a path with one slash; sorts folders first, then by code point', () => {
    expect(joinArtifactPath('s3://b/p', '')).toBe('s3://b/p')
    expect(joinArtifactPath('s3://b/p', 'x/y')).toBe('s3://b/p/x/y')
    expect(joinArtifactPath('s3://b/p/', 'x')).toBe('s3://b/p/x')
    const sorted = sortArtifactFiles([
      { path: 'b.txt', is_dir: false, file_size: 1 },
      { path: 'Z', is_dir: true, file_size: null },
      { path: 'B.txt', is_dir: false, file_size: 1 },
      { path: 'a', is_dir: true, file_size: null },
    ])
    expect(sorted.map((f) => f.path)).toEqual(['Z', 'a', 'B.txt', 'b.txt'])
  })
})

describe('mappedPath', () => {
  const access = artifactAccess({
    env: {},
    mappings: [
      { prefix: 'file:///srv/mlflow', path: '/data/short' },
      { prefix: 'file:///srv/mlflow/artifacts/', path: '/data/long/' },
    ],
  })

  it('uses the longest matching prefix, whatever order the profile lists them in', () => {
    expect(access.mappings.map((m) => m.prefix)).toEqual(['file:///srv/mlflow/artifacts/', 'file:///srv/mlflow'])
    expect(mappedPath('file:///srv/mlflow/artifacts/1/abc/artifacts', access.mappings)).toBe('/data/long/1/abc/artifacts')
    expect(mappedPath('file:///srv/mlflow/other/x', access.mappings)).toBe('/data/short/other/x')
    expect(mappedPath('file:///srv/mlflow/artifacts', access.mappings)).toBe('/data/long')
  })

  it('matches whole segments only, and nothing else', () => {
    expect(mappedPath('file:///srv/mlflowX/1', access.mappings)).toBeNull()
    expect(mappedPath('s3://bucket/srv/mlflow', access.mappings)).toBeNull()
    expect(mappedPath('file:///srv', access.mappings)).toBeNull()
  })
})

describe('openArtifactRepository dispatch', () => {
  const access = artifactAccess({
    env: {},
    settings: artifactStoreSchema.parse({ http: { tracking_uri: 'http://mlflow.example:5000' } }),
    mappings: [{ prefix: 's3://bucket/mounted', path: '/mnt/bucket' }],
  })

  it('plain paths, Windows drive paths and file: URIs are local folders', async () => {
    expect((await openArtifactRepository('/srv/mlruns/1', access)).describe).toBe('/srv/mlruns/1')
    expect((await openArtifactRepository('file:///srv/mlruns/1', access)).describe).toBe('/srv/mlruns/1')
    expect((await openArtifactRepository('C:/mlruns/1', access)).describe).toBe('C:/mlruns/1')
  })

  it('a prefix mapping wins over the scheme', async () => {
    expect((await openArtifactRepository('s3://bucket/mounted/1/abc', access)).describe).toBe('/mnt/bucket/1/abc')
  })

  it('each scheme opens its own store (no request is made on open)', async () => {
    const s3 = await openArtifactRepository('s3://bucket/1/abc/artifacts/', access)
    expect(s3.describe).toBe('s3://bucket/1/abc/artifacts')
    await s3.close()
    const proxy = await openArtifactRepository('mlflow-artifacts:/1/abc/artifacts', access)
    expect(proxy.describe).toBe('http://mlflow.example:5000/api/2.0/mlflow-artifacts/artifacts/1/abc/artifacts')
    await proxy.close()
    const http = await openArtifactRepository('https://mlflow.example/api/2.0/mlflow-artifacts/artifacts/1/abc', access)
    expect(http.describe).toBe('https://mlflow.example/api/2.0/mlflow-artifacts/artifacts/1/abc')
    await http.close()
  })

  it('an unknown scheme is ARTIFACT_UNSUPPORTED naming the URI, the scheme and what can be read', async () => {
    const e = await openArtifactRepository('hdfs://namenode/mlruns/1', access).catch((err: unknown) => err)
    expect(e).toBeInstanceOf(AppError)
    expect((e as AppError).code).toBe('ARTIFACT_UNSUPPORTED')
    expect((e as AppError).message).toContain('"hdfs://namenode/mlruns/1"')
    expect((e as AppError).message).toContain('"hdfs:"')
    for (const s of ARTIFACT_SCHEMES) expect((e as AppError).message).toContain(`${s}:`)
    expect((e as AppError).message).toContain('prefix mapping')
  })
})
