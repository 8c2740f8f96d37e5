import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifactStoreSchema } from '@shared/api/artifactSchemas'
import { AppError } from '@shared/api/errors'
import { artifactAccess } from '../../electron/services/artifacts/artifactAccess'
import type { ArtifactRepository } from '../../electron/services/artifacts/artifactRepository'
import { openArtifactRepository } from '../../electron/services/artifacts/openRepository'
import { ARTIFACT_FOLDERS, ARTIFACT_TREE, EMPTY_FOLDER } from '../helpers/artifactTree'
import { describeRepositoryContract } from '../helpers/repositoryContract'
import { startS3Server, type S3Server } from '../helpers/s3Server'

const ROOT = '1/0a1b2c3d/artifacts'
const CONTRACT_ROOT = '2/contract/artifacts'
const OUTSIDE = { name: 'outside.txt', bytes: Buffer.from('beside the root, never inside it\n') }
const BIG = randomBytes(5 * 1024 * 1024)
const MANY = 1_050
const UNICODE = 'with space/naïve 文件 ü.txt'
const TREE: Record<string, Buffer | string> = {
  'model/MLmodel': 'artifact_path: model\nflavors:\n  python_function: {}\n',
  'model/data/weights.bin': randomBytes(1024),
  'empty.txt': '',
  'big.bin': BIG,
  [UNICODE]: 'unicode name\n',
  'metrics.json': '{"acc": 0.9}',
  // A folder marker object as some tools write it: a folder, never a child of itself.
  'marked/': '',
  'marked/inside.txt': 'inside',
}

let s3: S3Server
let credsDir: string
const messages: string[] = []
const WRONG_SECRET = 'wrong-secret-' + randomBytes(9).toString('hex')

/** The AppError a promise rejects with, recorded for the no-secret check. */
async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(AppError)
  messages.push((e as AppError).message)
  return e as AppError
}

function settings(s3: Record<string, unknown> = {}) {
  return artifactStoreSchema.parse({ s3 })
}
function repoWith(opts: Parameters<typeof artifactAccess>[0], uri = `s3://${s3.bucket}/${ROOT}`): Promise<ArtifactRepository> {
  return openArtifactRepository(uri, artifactAccess({ env: {}, ...opts }))
}
/** The usual profile: endpoint, key id and sealed secret in the profile, nothing from the environment. */
const profileRepo = (uri?: string) =>
  repoWith({ settings: settings({ endpoint_url: s3.endpoint, access_key_id: s3.accessKeyId }), secrets: { s3_secret_access_key: s3.secretAccessKey } }, uri)

beforeAll(async () => {
  s3 = await startS3Server()
  credsDir = await mkdtemp(join(tmpdir(), 'desk-aws-'))
  await writeFile(join(credsDir, 'credentials'), `[desk-test]\naws_access_key_id = ${s3.accessKeyId}\naws_secret_access_key = ${s3.secretAccessKey}\n`)
  await writeFile(join(credsDir, 'config'), '')
  const up = new S3Client({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
  })
  const put = (key: string, body: Buffer | string) =>
    up.send(new PutObjectCommand({ Bucket: s3.bucket, Key: key, Body: body, ContentLength: Buffer.byteLength(body) }))
  for (const [path, body] of Object.entries(TREE)) await put(`${ROOT}/${path}`, body)
  // A sibling whose name starts like the root: must never show up under it.
  await put(`${ROOT}-other/x.txt`, 'not mine')
  // The shared tree for the contract suite, its empty folder as a marker object, a file beside its root.
  for (const [path, body] of Object.entries(ARTIFACT_TREE)) await put(`${CONTRACT_ROOT}/${path}`, body)
  await put(`${CONTRACT_ROOT}/${EMPTY_FOLDER}/`, '')
  // Folder markers too, as the S3 console writes them: s3rver 3.7 leaves a folder that holds only
  // folders ("metrics", "metrics/deep") out of a delimited listing unless a marker sits in it.
  for (const folder of ARTIFACT_FOLDERS) await put(`${CONTRACT_ROOT}/${folder}/`, '')
  await put(`2/contract/${OUTSIDE.name}`, OUTSIDE.bytes)
  const names = Array.from({ length: MANY }, (_, i) => `${ROOT}/many/f${String(i).padStart(4, '0')}.txt`)
  for (let i = 0; i < names.length; i += 50) await Promise.all(names.slice(i, i + 50).map((k) => put(k, 'x')))
  up.destroy()
}, 180_000)

afterAll(async () => {
  await s3?.stop()
  if (credsDir) await rm(credsDir, { recursive: true, force: true })
})

describe('S3 artifact repository (s3rver)', () => {
  it('lists the root: folders first, then files, with sizes; siblings and folder markers left out', async () => {
    const repo = await profileRepo()
    expect(repo.describe).toBe(`s3://${s3.bucket}/${ROOT}`)
    expect(await repo.list('')).toEqual([
      { path: 'many', is_dir: true, file_size: null },
      { path: 'marked', is_dir: true, file_size: null },
      { path: 'model', is_dir: true, file_size: null },
      { path: 'with space', is_dir: true, file_size: null },
      { path: 'big.bin', is_dir: false, file_size: BIG.length },
      { path: 'empty.txt', is_dir: false, file_size: 0 },
      { path: 'metrics.json', is_dir: false, file_size: 12 },
    ])
    await repo.close()
  })

  it('lists subfolders, unicode names, a marked folder, and pages past 1,000 keys', async () => {
    const repo = await profileRepo()
    expect(await repo.list('model')).toEqual([
      { path: 'model/data', is_dir: true, file_size: null },
      { path: 'model/MLmodel', is_dir: false, file_size: Buffer.byteLength(TREE['model/MLmodel'] as string) },
    ])
    expect(await repo.list('with space')).toEqual([{ path: UNICODE, is_dir: false, file_size: Buffer.byteLength('unicode name\n') }])
    expect(await repo.list('marked')).toEqual([{ path: 'marked/inside.txt', is_dir: false, file_size: 6 }])
    const many = await repo.list('many')
    expect(many).toHaveLength(MANY)
    expect(many[MANY - 1]!.path).toBe(`many/f${MANY - 1}.txt`)
    expect(await repo.list('no-such-folder')).toEqual([])
    await repo.close()
  })

  it('a wrong secret key is ARTIFACT_AUTH_FAILED naming the bucket and the setting, never the key', async () => {
    const before = s3.refused()
    const repo = await repoWith({
      settings: settings({ endpoint_url: s3.endpoint, access_key_id: s3.accessKeyId }),
      secrets: { s3_secret_access_key: WRONG_SECRET },
    })
    for (const e of [await failure(repo.list('')), await failure(repo.read('big.bin')), await failure(repo.stat('big.bin'))]) {
      expect(e.code).toBe('ARTIFACT_AUTH_FAILED')
      expect(e.message).toContain(`bucket "${s3.bucket}"`)
      expect(e.message).toContain("profile's S3 access key id and secret access key")
    }
    // The server really checked the signature (s3rver alone does not).
    expect(s3.refused()).toBeGreaterThan(before)
    const unknownId = await repoWith({
      settings: settings({ endpoint_url: s3.endpoint, access_key_id: 'AKIANOTAKEY' }),
      secrets: { s3_secret_access_key: s3.secretAccessKey },
    })
    const e = await failure(unknownId.list(''))
    expect(e.code).toBe('ARTIFACT_AUTH_FAILED')
    expect(e.message).toContain('InvalidAccessKeyId')
  })

  it('missing credentials are ARTIFACT_AUTH_FAILED saying what to set', async () => {
    const noFiles = { AWS_SHARED_CREDENTIALS_FILE: join(credsDir, 'none'), AWS_CONFIG_FILE: join(credsDir, 'none') }
    const noCreds = await repoWith({ settings: settings({ endpoint_url: s3.endpoint }), env: noFiles })
    const e = await failure(noCreds.list(''))
    expect(e.code).toBe('ARTIFACT_AUTH_FAILED')
    expect(e.message).toMatch(/AWS_ACCESS_KEY_ID.*AWS_PROFILE/)
    const idOnly = await repoWith({ settings: settings({ endpoint_url: s3.endpoint, access_key_id: s3.accessKeyId }), env: noFiles })
    const e2 = await failure(idOnly.list(''))
    expect(e2.code).toBe('ARTIFACT_AUTH_FAILED')
    expect(e2.message).toContain('secret access key')
    const badProfile = await repoWith({
      settings: settings({ endpoint_url: s3.endpoint, aws_profile: 'nope' }),
      env: { AWS_SHARED_CREDENTIALS_FILE: join(credsDir, 'credentials'), AWS_CONFIG_FILE: join(credsDir, 'config') },
    })
    const e3 = await failure(badProfile.list(''))
    expect(e3.code).toBe('ARTIFACT_AUTH_FAILED')
    expect(e3.message).toContain('"nope"')
  })

  it("MLflow's environment variables are the defaults: MLFLOW_S3_ENDPOINT_URL and AWS_* alone work", async () => {
    const repo = await repoWith({
      env: {
        MLFLOW_S3_ENDPOINT_URL: s3.endpoint,
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_DEFAULT_REGION: 'us-east-1',
      },
    })
    expect((await repo.stat('big.bin'))?.file_size).toBe(BIG.length)
    const viaProfile = await repoWith({
      env: {
        MLFLOW_S3_ENDPOINT_URL: s3.endpoint,
        AWS_PROFILE: 'desk-test',
        AWS_SHARED_CREDENTIALS_FILE: join(credsDir, 'credentials'),
        AWS_CONFIG_FILE: join(credsDir, 'config'),
      },
    })
    expect((await viaProfile.stat('big.bin'))?.file_size).toBe(BIG.length)
  })

  it('profile settings win over the environment (endpoint, keys, named AWS profile)', async () => {
    const deadEndpoint = 'http://127.0.0.1:9'
    const envWrong = { MLFLOW_S3_ENDPOINT_URL: deadEndpoint, AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: WRONG_SECRET }
    const good = await repoWith({
      settings: settings({ endpoint_url: s3.endpoint, access_key_id: s3.accessKeyId }),
      secrets: { s3_secret_access_key: s3.secretAccessKey },
      env: envWrong,
    })
    expect((await good.stat('metrics.json'))?.file_size).toBe(12)
    const namedProfile = await repoWith({
      settings: settings({ endpoint_url: s3.endpoint, aws_profile: 'desk-test' }),
      env: { ...envWrong, AWS_SHARED_CREDENTIALS_FILE: join(credsDir, 'credentials'), AWS_CONFIG_FILE: join(credsDir, 'config') },
    })
    expect((await namedProfile.stat('metrics.json'))?.file_size).toBe(12)
    // And the other way round: a wrong key in the profile is not rescued by a right one in the environment.
    const wrongInProfile = await repoWith({
      settings: settings({ endpoint_url: s3.endpoint, access_key_id: s3.accessKeyId }),
      secrets: { s3_secret_access_key: WRONG_SECRET },
      env: { AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey },
    })
    expect((await failure(wrongInProfile.stat('metrics.json'))).code).toBe('ARTIFACT_AUTH_FAILED')
  })

  it('an unreachable endpoint is ARTIFACT_UNAVAILABLE naming it; a missing bucket names the bucket', async () => {
    const dead = await repoWith({
      env: { MLFLOW_S3_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_ACCESS_KEY_ID: s3.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.secretAccessKey },
    })
    const e = await failure(dead.list(''))
    expect(e.code).toBe('ARTIFACT_UNAVAILABLE')
    expect(e.message).toContain('http://127.0.0.1:9')
    expect(e.message).toContain('MLFLOW_S3_ENDPOINT_URL')
    const noBucket = await profileRepo('s3://no-such-bucket/x')
    const e2 = await failure(noBucket.list(''))
    expect(e2.code).toBe('ARTIFACT_UNAVAILABLE')
    expect(e2.message).toContain('"no-such-bucket"')
  })

  it('no error message carried a secret', () => {
    expect(messages.length).toBeGreaterThanOrEqual(10)
    for (const m of messages) {
      expect(m).not.toContain(s3.secretAccessKey)
      expect(m).not.toContain(WRONG_SECRET)
    }
  })
})

describeRepositoryContract('S3 (s3rver)', () => ({
  open: (folder) => profileRepo(`s3://${s3.bucket}/${CONTRACT_ROOT}${folder ? `/${folder}` : ''}`),
  outside: OUTSIDE,
}))
