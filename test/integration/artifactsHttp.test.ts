import { createHash, randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifactStoreSchema } from '@shared/api/artifactSchemas'
import { AppError } from '@shared/api/errors'
import { artifactAccess } from '../../electron/services/artifacts/artifactAccess'
import type { ArtifactRepository } from '../../electron/services/artifacts/artifactRepository'
import { resolveMlflowArtifactsUri } from '../../electron/services/artifacts/httpRepository'
import { openArtifactRepository } from '../../electron/services/artifacts/openRepository'
import { writeArtifactTree } from '../helpers/artifactTree'
import { startMlflowArtifactServer, type MlflowArtifactServer } from '../helpers/mlflowArtifactServer'
import { describeRepositoryContract } from '../helpers/repositoryContract'
import { makeTestCerts } from '../helpers/tlsCerts'

const RUN = '1/0a1b2c3d/artifacts'
/** The contract suite's tree, and a file beside its root. */
const CONTRACT_RUN = '2/contract/artifacts'
const OUTSIDE = { name: 'outside.txt', bytes: Buffer.from('beside the root, never inside it\n') }
/** Where the artifact proxy repository differs from the contract (see repositoryContract.ts). */
const HTTP_GAPS = {
  readFolder: "a GET of a folder is the server's 404, passed on as NOT_FOUND",
  emptyFolder:
    'a repository rooted at an empty folder lists nothing, so stat("") is null and its download "root_not_found" (MLflow lists a missing folder as empty too)',
}
const BIG = randomBytes(1024 * 1024 + 3)
const UNICODE = 'with space/naïve 文件 ü.txt'
const TREE: Record<string, Buffer | string> = {
  'model/MLmodel': 'artifact_path: model\n',
  'model/data/weights.bin': randomBytes(300),
  'empty.txt': '',
  'big.bin': BIG,
  [UNICODE]: 'unicode name\n',
}
const USER = 'analyst'
const PASSWORD = 'pw-' + randomBytes(9).toString('hex')
const TOKEN = 'tok-' + randomBytes(12).toString('hex')
const WRONG = 'wrong-' + randomBytes(9).toString('hex')

let dir: string
let server: MlflowArtifactServer
let rangeless: MlflowArtifactServer
const messages: string[] = []

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
async function bytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}
async function failure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(AppError)
  messages.push((e as AppError).message)
  return e as AppError
}
const settings = (http: Record<string, unknown>) => artifactStoreSchema.parse({ http })
const open = (uri: string, opts: Parameters<typeof artifactAccess>[0]): Promise<ArtifactRepository> =>
  openArtifactRepository(uri, artifactAccess({ env: {}, ...opts }))
/** The usual profile: tracking URI and basic auth in the profile, the password sealed. */
const basicRepo = (tracking = server.trackingUri, uri = `mlflow-artifacts:/${RUN}`) =>
  open(uri, { settings: settings({ tracking_uri: tracking, auth: 'basic', username: USER }), secrets: { http_credential: PASSWORD } })

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'desk-mlflow-artifacts-'))
  for (const [path, body] of Object.entries(TREE)) {
    await mkdir(dirname(join(dir, RUN, path)), { recursive: true })
    await writeFile(join(dir, RUN, path), body)
  }
  await writeFile(join(dir, '1', 'other-run.txt'), 'not in the run')
  await writeArtifactTree(join(dir, CONTRACT_RUN))
  await writeFile(join(dir, '2', 'contract', OUTSIDE.name), OUTSIDE.bytes)
  server = await startMlflowArtifactServer({ root: dir, users: { [USER]: PASSWORD }, token: TOKEN, prefix: '/mlflow' })
  rangeless = await startMlflowArtifactServer({ root: dir, users: { [USER]: PASSWORD }, ignoreRange: true })
})

afterAll(async () => {
  await server?.stop()
  await rangeless?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

describe('mlflow-artifacts URI resolution (as MlflowArtifactsRepository.resolve_uri)', () => {
  const base = '/api/2.0/mlflow-artifacts/artifacts'
  it.each([
    ['mlflow-artifacts://myhostname:4242/my/artifact/path/hostport', `http://myhostname:4242${base}/my/artifact/path/hostport`],
    ['mlflow-artifacts://myhostname/my/artifact/path/host', `http://myhostname${base}/my/artifact/path/host`],
    ['mlflow-artifacts:/my/artifact/path/nohost', `http://localhost:5000${base}/my/artifact/path/nohost`],
    ['mlflow-artifacts:///my/artifact/path/redundant', `http://localhost:5000${base}/my/artifact/path/redundant`],
    ['mlflow-artifacts:/', `http://localhost:5000${base}/`],
  ])('%s', (uri, resolved) => {
    expect(resolveMlflowArtifactsUri(uri, 'http://localhost:5000')).toBe(resolved)
    expect(resolveMlflowArtifactsUri(uri, 'http://localhost:5000/')).toBe(resolved)
  })
  it('keeps a tracking URI path prefix and scheme; refuses a port without a host', () => {
    expect(resolveMlflowArtifactsUri('mlflow-artifacts:/1/x', 'https://h.example/mlflow')).toBe(`https://h.example/mlflow${base}/1/x`)
    expect(() => resolveMlflowArtifactsUri('mlflow-artifacts://5000/1/x', 'http://localhost:5000')).toThrow(/port number/)
  })
})

describe('MLflow artifact proxy repository (HTTP server with basic auth)', () => {
  it('resolves mlflow-artifacts:/ against the profile tracking URI (with its path prefix) and lists', async () => {
    const repo = await basicRepo()
    expect(repo.describe).toBe(`${server.trackingUri}/api/2.0/mlflow-artifacts/artifacts/${RUN}`)
    expect(await repo.list('')).toEqual([
      { path: 'model', is_dir: true, file_size: null },
      { path: 'with space', is_dir: true, file_size: null },
      { path: 'big.bin', is_dir: false, file_size: BIG.length },
      { path: 'empty.txt', is_dir: false, file_size: 0 },
    ])
    expect(await repo.list('model')).toEqual([
      { path: 'model/data', is_dir: true, file_size: null },
      { path: 'model/MLmodel', is_dir: false, file_size: 21 },
    ])
    expect(await repo.list('with space')).toEqual([{ path: UNICODE, is_dir: false, file_size: 13 }])
    expect(await repo.list('missing')).toEqual([])
    expect(await repo.list('big.bin')).toEqual([])
    const listed = server.requests.find((r) => r.url.includes('path=1%2F0a1b2c3d%2Fartifacts%2Fmodel'))
    expect(listed?.url.startsWith('/mlflow/api/2.0/mlflow-artifacts/artifacts?')).toBe(true)
    await repo.close()
  })

  it('reads whole files and ranges with a Range header the server honours', async () => {
    const repo = await basicRepo()
    expect(sha(await bytes(await repo.read('big.bin')))).toBe(sha(BIG))
    expect(await text(await repo.read(UNICODE))).toBe('unicode name\n')
    expect((await bytes(await repo.read('empty.txt'))).length).toBe(0)
    const before = server.requests.length
    expect((await bytes(await repo.read('big.bin', { start: 70_000, end: 70_100 }))).equals(BIG.subarray(70_000, 70_100))).toBe(true)
    expect(server.requests.slice(before).map((r) => r.range)).toEqual(['bytes=70000-70099'])
    expect((await bytes(await repo.read('big.bin', { start: BIG.length - 3 }))).equals(BIG.subarray(-3))).toBe(true)
    expect((await bytes(await repo.read('big.bin', { start: BIG.length + 5 }))).length).toBe(0)
    await repo.close()
  })

  it('cuts ranges itself when the server streams whole files', async () => {
    const repo = await open(`${rangeless.trackingUri}/api/2.0/mlflow-artifacts/artifacts/${RUN}`, {
      settings: settings({ auth: 'basic', username: USER }),
      secrets: { http_credential: PASSWORD },
    })
    for (const [start, end] of [
      [0, 10],
      [65_530, 65_545],
      [1000, undefined],
      [BIG.length - 1, BIG.length + 100],
    ] as const) {
      const got = await bytes(await repo.read('big.bin', { start, end }))
      expect(got.equals(BIG.subarray(start, end))).toBe(true)
    }
    await repo.close()
  })

  it('401 is ARTIFACT_AUTH_FAILED naming the server and what to check; no secret in the message', async () => {
    const wrong = await open(`mlflow-artifacts:/${RUN}`, {
      settings: settings({ tracking_uri: server.trackingUri, auth: 'basic', username: USER }),
      secrets: { http_credential: WRONG },
    })
    for (const e of [await failure(wrong.list('')), await failure(wrong.read('big.bin')), await failure(wrong.stat('big.bin'))]) {
      expect(e.code).toBe('ARTIFACT_AUTH_FAILED')
      expect(e.message).toContain(new URL(server.trackingUri).origin)
      expect(e.message).toContain("profile's HTTP username and password")
    }
    const none = await open(`mlflow-artifacts:/${RUN}`, { settings: settings({ tracking_uri: server.trackingUri }) })
    const e = await failure(none.list(''))
    expect(e.code).toBe('ARTIFACT_AUTH_FAILED')
    expect(e.message).toContain('MLFLOW_TRACKING_USERNAME')
    const badToken = await open(`mlflow-artifacts:/${RUN}`, {
      settings: settings({ tracking_uri: server.trackingUri, auth: 'bearer' }),
      secrets: { http_credential: WRONG },
    })
    expect((await failure(badToken.list(''))).code).toBe('ARTIFACT_AUTH_FAILED')
  })

  it("MLflow's environment variables are the defaults; the profile wins over them", async () => {
    const env = { MLFLOW_TRACKING_URI: server.trackingUri, MLFLOW_TRACKING_USERNAME: USER, MLFLOW_TRACKING_PASSWORD: PASSWORD }
    const fromEnv = await open(`mlflow-artifacts:/${RUN}`, { env })
    expect((await fromEnv.stat('big.bin'))?.file_size).toBe(BIG.length)
    const token = await open(`mlflow-artifacts:/${RUN}`, { env: { MLFLOW_TRACKING_URI: server.trackingUri, MLFLOW_TRACKING_TOKEN: TOKEN } })
    expect((await token.stat('empty.txt'))?.file_size).toBe(0)
    const bearer = await open(`mlflow-artifacts:/${RUN}`, {
      settings: settings({ auth: 'bearer' }),
      secrets: { http_credential: TOKEN },
      env: { MLFLOW_TRACKING_URI: server.trackingUri },
    })
    expect((await bearer.stat('empty.txt'))?.file_size).toBe(0)
    // The profile's tracking URI and password win over the environment's.
    const profileWins = await open(`mlflow-artifacts:/${RUN}`, {
      settings: settings({ tracking_uri: server.trackingUri, auth: 'basic', username: USER }),
      secrets: { http_credential: PASSWORD },
      env: { MLFLOW_TRACKING_URI: 'http://127.0.0.1:9', MLFLOW_TRACKING_USERNAME: USER, MLFLOW_TRACKING_PASSWORD: WRONG },
    })
    expect((await profileWins.stat('big.bin'))?.file_size).toBe(BIG.length)
    // A database tracking URI is no artifact server: mlflow-artifacts:/ then needs one named.
    const e = await failure(open(`mlflow-artifacts:/${RUN}`, { env: { MLFLOW_TRACKING_URI: 'postgresql://u@db/mlflow' } }))
    expect(e.code).toBe('ARTIFACT_UNAVAILABLE')
    expect(e.message).toContain('MLFLOW_TRACKING_URI')
  })

  it('mlflow-artifacts://host:port/ names its own server; http(s) locations are used as they are', async () => {
    const hostPort = new URL(rangeless.trackingUri).host
    const own = await open(`mlflow-artifacts://${hostPort}/${RUN}`, { env: { MLFLOW_TRACKING_USERNAME: USER, MLFLOW_TRACKING_PASSWORD: PASSWORD } })
    expect(own.describe).toBe(`http://${hostPort}/api/2.0/mlflow-artifacts/artifacts/${RUN}`)
    expect((await own.stat('model/MLmodel'))?.file_size).toBe(21)
    const e = await failure(open('https://example.invalid/files/run1', {}))
    expect(e.code).toBe('ARTIFACT_UNSUPPORTED')
  })

  it('an unreachable server is ARTIFACT_UNAVAILABLE naming it', async () => {
    const dead = await open(`mlflow-artifacts:/${RUN}`, { settings: settings({ tracking_uri: 'http://127.0.0.1:9' }) })
    const e = await failure(dead.list(''))
    expect(e.code).toBe('ARTIFACT_UNAVAILABLE')
    expect(e.message).toContain('http://127.0.0.1:9')
  })

  it('https: an untrusted certificate is ARTIFACT_UNAVAILABLE with the fix; a CA file or ignore_tls lets it through', async () => {
    const certs = makeTestCerts(await mkdtemp(join(dir, 'tls-')))
    const tls = await startMlflowArtifactServer({ root: dir, tls: { cert: certs.serverCert, key: certs.serverKey } })
    try {
      const uri = `mlflow-artifacts:/${RUN}`
      const untrusted = await open(uri, { settings: settings({ tracking_uri: tls.trackingUri }) })
      const e = await failure(untrusted.list(''))
      expect(e.code).toBe('ARTIFACT_UNAVAILABLE')
      expect(e.message).toContain(new URL(tls.trackingUri).origin)
      expect(e.message).toContain('MLFLOW_TRACKING_INSECURE_TLS')
      const ignored = await open(uri, { settings: settings({ tracking_uri: tls.trackingUri, ignore_tls: true }) })
      expect((await ignored.stat('big.bin'))?.file_size).toBe(BIG.length)
      const viaEnv = await open(uri, { env: { MLFLOW_TRACKING_URI: tls.trackingUri, MLFLOW_TRACKING_INSECURE_TLS: 'true' } })
      expect((await viaEnv.stat('big.bin'))?.file_size).toBe(BIG.length)
      const withCa = await open(uri, { env: { MLFLOW_TRACKING_URI: tls.trackingUri, MLFLOW_TRACKING_SERVER_CERT_PATH: certs.caCert } })
      expect(sha(await bytes(await withCa.read('big.bin')))).toBe(sha(BIG))
      for (const r of [untrusted, ignored, viaEnv, withCa]) await r.close()
    } finally {
      await tls.stop()
    }
  })

  it('no error message carried a secret', () => {
    expect(messages.length).toBeGreaterThan(8)
    for (const m of messages) for (const s of [PASSWORD, TOKEN, WRONG, Buffer.from(`${USER}:${PASSWORD}`).toString('base64')]) expect(m).not.toContain(s)
  })
})

describeRepositoryContract(
  'MLflow artifact proxy (mlflow-artifacts:/, Range honoured)',
  () => ({
    open: (folder) => basicRepo(server.trackingUri, `mlflow-artifacts:/${CONTRACT_RUN}${folder ? `/${folder}` : ''}`),
    outside: OUTSIDE,
  }),
  HTTP_GAPS,
)

describeRepositoryContract(
  'MLflow artifact proxy (a server that ignores Range)',
  () => ({
    open: (folder) =>
      open(`${rangeless.trackingUri}/api/2.0/mlflow-artifacts/artifacts/${CONTRACT_RUN}${folder ? `/${folder}` : ''}`, {
        settings: settings({ auth: 'basic', username: USER }),
        secrets: { http_credential: PASSWORD },
      }),
    outside: OUTSIDE,
  }),
  HTTP_GAPS,
)
