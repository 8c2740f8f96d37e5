import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BlobServiceClient, ContainerSASPermissions, generateBlobSASQueryParameters, StorageSharedKeyCredential } from '@azure/storage-blob'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifactStoreSchema } from '@shared/api/artifactSchemas'
import { artifactAccess } from '../../electron/services/artifacts/artifactAccess'
import type { ArtifactRepository } from '../../electron/services/artifacts/artifactRepository'
import { parseAzureUri } from '../../electron/services/artifacts/azureRepository'
import { openLocalRepository } from '../../electron/services/artifacts/localRepository'
import { openArtifactRepository } from '../../electron/services/artifacts/openRepository'
import { appFailure, ARTIFACT_TREE, BIG_FILE, expectSameListing, readAll, UNICODE_FILE, writeArtifactTree } from '../helpers/artifactTree'
import { startAzurite, type AzuriteServer } from '../helpers/azuriteServer'
import { readManifest } from '../helpers/fixtures'

const CONTAINER = 'mlflow'
const RUN_ID = (readManifest('small').runs as { run_id: string }[])[0]!.run_id
const ROOT = `1/${RUN_ID}/artifacts`
const WASBS = `wasbs://${CONTAINER}@devstoreaccount1.blob.core.windows.net/${ROOT}`
const ABFSS = `abfss://${CONTAINER}@devstoreaccount1.dfs.core.windows.net/${ROOT}`

/**
 * Azure Blob through Azure's own emulator (azurite, started on a loopback port by the test):
 * every answer of the Azure repository is compared with the local repository over the same tree.
 */
describe('Azure Blob artifact repository against azurite', () => {
  let azurite: AzuriteServer
  let dir: string
  let oracle: ArtifactRepository
  let sas: string
  const open: ArtifactRepository[] = []

  const repo = async (azure: Record<string, unknown>, secret?: string, env: NodeJS.ProcessEnv = {}, uri = WASBS) => {
    const r = await openArtifactRepository(
      uri,
      artifactAccess({ settings: artifactStoreSchema.parse({ azure: { blob_endpoint: azurite.blobEndpoint, ...azure } }), secrets: { azure_credential: secret }, env }),
    )
    open.push(r)
    return r
  }
  const byKey = () => repo({ auth: 'account_key' }, azurite.accountKey)

  beforeAll(async () => {
    azurite = await startAzurite()
    dir = await mkdtemp(join(tmpdir(), 'desk-azure-tree-'))
    await writeArtifactTree(dir)
    oracle = openLocalRepository(dir)
    const key = new StorageSharedKeyCredential(azurite.account, azurite.accountKey)
    const container = new BlobServiceClient(azurite.blobEndpoint, key).getContainerClient(CONTAINER)
    await container.create()
    for (const [path, data] of Object.entries(ARTIFACT_TREE)) await container.getBlockBlobClient(`${ROOT}/${path}`).uploadData(data)
    // Another run beside it: nothing of it may show up under ROOT.
    await container.getBlockBlobClient(`1/${RUN_ID}x/artifacts/other.txt`).uploadData(Buffer.from('other run'))
    sas = generateBlobSASQueryParameters(
      { containerName: CONTAINER, permissions: ContainerSASPermissions.parse('rl'), expiresOn: new Date(Date.now() + 3600_000) },
      key,
    ).toString()
  })
  afterAll(async () => {
    for (const r of open) await r.close()
    await azurite?.stop()
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('parses MLflow wasbs:// and abfss:// locations, and refuses anything else by name', async () => {
    expect(parseAzureUri(WASBS)).toEqual({ container: CONTAINER, account: 'devstoreaccount1', endpoint: 'https://devstoreaccount1.blob.core.windows.net', prefix: ROOT })
    expect(parseAzureUri('abfss://c@acct.dfs.core.chinacloudapi.cn/a/b/')).toEqual({ container: 'c', account: 'acct', endpoint: 'https://acct.blob.core.chinacloudapi.cn', prefix: 'a/b' })
    expect(parseAzureUri('wasbs://c@acct.blob.core.windows.net').prefix).toBe('')
    const e = await appFailure(openArtifactRepository('wasbs://no-account-here/x', artifactAccess({ env: {} })))
    expect(e.code).toBe('BAD_REQUEST')
    expect(e.message).toContain('wasbs://no-account-here/x')
  })

  it('lists every folder as the local repository lists the same tree (folders first, sizes, unicode)', async () => {
    const r = await byKey()
    expect(r.describe).toBe(WASBS)
    const entries = await expectSameListing(r, oracle)
    expect(entries).toBe(Object.keys(ARTIFACT_TREE).length + 6) // 7 files + model, model/data, metrics, metrics/deep, metrics/deep/nested, données
    expect((await r.list(''))[0]).toEqual({ path: 'données', is_dir: true, file_size: null })
    expect(await r.list('no/such/folder')).toEqual([])
  })

  it('stats files, folders, the root and missing paths', async () => {
    const r = await byKey()
    expect(await r.stat(BIG_FILE)).toEqual({ path: BIG_FILE, is_dir: false, file_size: ARTIFACT_TREE[BIG_FILE]!.length })
    expect(await r.stat('empty.txt')).toEqual({ path: 'empty.txt', is_dir: false, file_size: 0 })
    expect(await r.stat(UNICODE_FILE)).toEqual(await oracle.stat(UNICODE_FILE))
    expect(await r.stat('metrics/deep')).toEqual({ path: 'metrics/deep', is_dir: true, file_size: null })
    expect(await r.stat('')).toEqual({ path: '', is_dir: true, file_size: null })
    expect(await r.stat('metrics/dee')).toBeNull()
    expect(await r.stat('nope.txt')).toBeNull()
  })

  it('reads whole files and byte ranges, byte-identical', async () => {
    const r = await byKey()
    const big = ARTIFACT_TREE[BIG_FILE]!
    for (const path of Object.keys(ARTIFACT_TREE)) expect((await readAll(await r.read(path))).equals(ARTIFACT_TREE[path]!), path).toBe(true)
    expect((await readAll(await r.read(BIG_FILE, { start: 1_000_000, end: 1_000_100 }))).equals(big.subarray(1_000_000, 1_000_100))).toBe(true)
    expect((await readAll(await r.read(BIG_FILE, { start: big.length - 5 }))).equals(big.subarray(big.length - 5))).toBe(true)
    expect((await readAll(await r.read(BIG_FILE, { end: 3 }))).equals(big.subarray(0, 3))).toBe(true)
    expect((await readAll(await r.read(BIG_FILE, { start: big.length }))).length).toBe(0)
    expect((await readAll(await r.read('empty.txt', { start: 0, end: 10 }))).length).toBe(0)
  })

  it('a missing file is NOT_FOUND naming it; a folder is not a file', async () => {
    const r = await byKey()
    const e = await appFailure(r.read('model/missing.bin'))
    expect(e.code).toBe('NOT_FOUND')
    expect(e.message).toContain('model/missing.bin')
    expect(e.details?.path).toBe('model/missing.bin')
    expect((await appFailure(r.read('model'))).code).toBe('BAD_REQUEST')
  })

  it('a cancelled read stops the stream with an abort', async () => {
    const r = await byKey()
    const ctl = new AbortController()
    const stream = await r.read(BIG_FILE, { signal: ctl.signal })
    let got = 0
    const done = (async () => {
      for await (const c of stream) {
        got += (c as Buffer).length
        ctl.abort()
      }
    })()
    await expect(done).rejects.toMatchObject({ name: 'AbortError' })
    expect(got).toBeLessThan(ARTIFACT_TREE[BIG_FILE]!.length)
  })

  it('authenticates by connection string, SAS, and MLflow environment variables; abfss:// reads the same blobs', async () => {
    const cs = await repo({ auth: 'connection_string', blob_endpoint: null }, azurite.connectionString)
    expect(await cs.list('model')).toEqual(await oracle.list('model'))
    const viaSas = await repo({ auth: 'sas' }, `?${sas}`)
    expect((await readAll(await viaSas.read('MLmodel'))).equals(ARTIFACT_TREE.MLmodel!)).toBe(true)
    const envCs = await repo({ blob_endpoint: null }, undefined, { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString })
    expect(await envCs.stat('model.txt')).toEqual(await oracle.stat('model.txt'))
    const envKey = await repo({}, undefined, { AZURE_STORAGE_ACCESS_KEY: azurite.accountKey })
    expect(await envKey.list('metrics/deep/nested')).toEqual(await oracle.list('metrics/deep/nested'))
    const abfss = await repo({ auth: 'account_key' }, azurite.accountKey, {}, ABFSS)
    expect(await abfss.list('')).toEqual(await oracle.list(''))
  })

  it('a wrong key, a missing secret or no credential is ARTIFACT_AUTH_FAILED naming the source, never the key', async () => {
    const wrongKey = randomBytes(64).toString('base64')
    const wrong = await appFailure((await repo({ auth: 'account_key' }, wrongKey)).list(''))
    expect(wrong.code).toBe('ARTIFACT_AUTH_FAILED')
    expect(wrong.message).toContain(WASBS)
    expect(wrong.message).toContain('azure_credential')
    expect(wrong.message).not.toContain(wrongKey)
    const wrongEnv = await appFailure((await repo({}, undefined, { AZURE_STORAGE_ACCESS_KEY: wrongKey })).read('MLmodel'))
    expect(wrongEnv.code).toBe('ARTIFACT_AUTH_FAILED')
    expect(wrongEnv.message).toContain('AZURE_STORAGE_ACCESS_KEY')
    expect(wrongEnv.message).not.toContain(wrongKey)
    const noSecret = await appFailure(repo({ auth: 'sas' }))
    expect(noSecret.code).toBe('ARTIFACT_AUTH_FAILED')
    expect(noSecret.message).toContain('azure_credential')
    const anonymous = await appFailure((await repo({})).stat('MLmodel'))
    expect(anonymous.code).toBe('ARTIFACT_AUTH_FAILED')
    expect(anonymous.message).toContain('AZURE_STORAGE_CONNECTION_STRING')
  })

  it('a missing container is NOT_FOUND naming it; an endpoint nobody listens on is ARTIFACT_UNAVAILABLE naming it', async () => {
    const other = await openArtifactRepository(
      `wasbs://nocontainer@devstoreaccount1.blob.core.windows.net/${ROOT}`,
      artifactAccess({ settings: artifactStoreSchema.parse({ azure: { blob_endpoint: azurite.blobEndpoint, auth: 'account_key' } }), secrets: { azure_credential: azurite.accountKey }, env: {} }),
    )
    const missing = await appFailure(other.list(''))
    expect(missing.code).toBe('NOT_FOUND')
    expect(missing.message).toContain('"nocontainer"')
    expect(await other.stat('MLmodel')).toBeNull()
    const dead = 'http://127.0.0.1:9/devstoreaccount1'
    const down = await openArtifactRepository(
      WASBS,
      artifactAccess({ settings: artifactStoreSchema.parse({ azure: { blob_endpoint: dead, auth: 'account_key' } }), secrets: { azure_credential: azurite.accountKey }, env: {} }),
    )
    const e = await appFailure(down.list(''))
    expect(e.code).toBe('ARTIFACT_UNAVAILABLE')
    expect(e.message).toContain(dead)
    expect(e.message).not.toContain(azurite.accountKey)
  })
})
