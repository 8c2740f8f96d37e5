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
import { appFailure, ARTIFACT_TREE, EMPTY_FOLDER, readAll, writeArtifactTree } from '../helpers/artifactTree'
import { startAzurite, type AzuriteServer } from '../helpers/azuriteServer'
import { readManifest } from '../helpers/fixtures'
import { describeRepositoryContract } from '../helpers/repositoryContract'

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
      artifactAccess({
        settings: artifactStoreSchema.parse({ azure: { blob_endpoint: azurite.blobEndpoint, ...azure } }),
        secrets: { azure_credential: secret },
        env,
      }),
    )
    open.push(r)
    return r
  }
  const byKey = (folder?: string) => repo({ auth: 'account_key' }, azurite.accountKey, {}, folder ? `${WASBS}/${folder}` : WASBS)
  const outside = { name: 'outside.txt', bytes: Buffer.from('beside the root, never inside it\n') }

  beforeAll(async () => {
    azurite = await startAzurite()
    dir = await mkdtemp(join(tmpdir(), 'desk-azure-tree-'))
    await writeArtifactTree(dir)
    oracle = openLocalRepository(dir)
    const key = new StorageSharedKeyCredential(azurite.account, azurite.accountKey)
    const container = new BlobServiceClient(azurite.blobEndpoint, key).getContainerClient(CONTAINER)
    await container.create()
    for (const [path, data] of Object.entries(ARTIFACT_TREE)) await container.getBlockBlobClient(`${ROOT}/${path}`).uploadData(data)
    // The empty folder as a marker blob (as Azure Storage Explorer makes one), and a file beside the root.
    await container.getBlockBlobClient(`${ROOT}/${EMPTY_FOLDER}/`).uploadData(Buffer.alloc(0))
    await container.getBlockBlobClient(`1/${RUN_ID}/${outside.name}`).uploadData(outside.bytes)
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
    expect(parseAzureUri(WASBS)).toEqual({
      container: CONTAINER,
      account: 'devstoreaccount1',
      endpoint: 'https://devstoreaccount1.blob.core.windows.net',
      prefix: ROOT,
    })
    expect(parseAzureUri('abfss://c@acct.dfs.core.chinacloudapi.cn/a/b/')).toEqual({
      container: 'c',
      account: 'acct',
      endpoint: 'https://acct.blob.core.chinacloudapi.cn',
      prefix: 'a/b',
    })
    expect(parseAzureUri('wasbs://c@acct.blob.core.windows.net').prefix).toBe('')
    const e = await appFailure(openArtifactRepository('wasbs://no-account-here/x', artifactAccess({ env: {} })))
    expect(e.code).toBe('BAD_REQUEST')
    expect(e.message).toContain('wasbs://no-account-here/x')
    expect((await byKey()).describe).toBe(WASBS)
  })

  describeRepositoryContract('Azure Blob (azurite)', () => ({ open: byKey, outside }), {
    emptyFolder: 'a folder held only by its marker blob lists as a folder, but stat() answers null, so its download is "root_not_found"',
    readFolder: 'reading a folder held only by its marker blob is NOT_FOUND',
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
      artifactAccess({
        settings: artifactStoreSchema.parse({ azure: { blob_endpoint: azurite.blobEndpoint, auth: 'account_key' } }),
        secrets: { azure_credential: azurite.accountKey },
        env: {},
      }),
    )
    const missing = await appFailure(other.list(''))
    expect(missing.code).toBe('NOT_FOUND')
    expect(missing.message).toContain('"nocontainer"')
    expect(await other.stat('MLmodel')).toBeNull()
    const dead = 'http://127.0.0.1:9/devstoreaccount1'
    const down = await openArtifactRepository(
      WASBS,
      artifactAccess({
        settings: artifactStoreSchema.parse({ azure: { blob_endpoint: dead, auth: 'account_key' } }),
        secrets: { azure_credential: azurite.accountKey },
        env: {},
      }),
    )
    const e = await appFailure(down.list(''))
    expect(e.code).toBe('ARTIFACT_UNAVAILABLE')
    expect(e.message).toContain(dead)
    expect(e.message).not.toContain(azurite.accountKey)
  })
})
