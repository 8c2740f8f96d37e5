import { generateKeyPairSync } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { artifactStoreSchema } from '@shared/api/artifactSchemas'
import type { SecretName } from '@shared/api/profileSchemas'
import { artifactAccess } from '../../electron/services/artifacts/artifactAccess'
import { gcsClientOptions, parseGcsUri } from '../../electron/services/artifacts/gcsRepository'
import { openArtifactRepository } from '../../electron/services/artifacts/openRepository'
import { freePort } from '../../electron/services/demo/embeddedCluster'
import { appFailure } from '../helpers/artifactTree'

/**
 * Google Cloud Storage. No GCS emulator can run on these machines (npm and Debian only: the
 * Firebase Storage emulator needs a rules-runtime jar it downloads from Google; fake-gcs-server
 * and Google's testbench are not packaged there), and a hand-written fake would only test itself.
 * So this covers what needs no server: location parsing, which credentials are chosen, and the
 * error a dead endpoint gives through the real SDK. Nothing here reaches beyond loopback: the
 * endpoint is always overridden, and no credentials are sent to an override unless configured.
 */
describe('Google Cloud Storage artifact repository (no server: see above)', () => {
  let dir: string
  let keyFile: string
  const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const serviceAccount = { type: 'service_account', client_email: 'desk-test@example-project.iam.gserviceaccount.com', private_key: privateKey }

  const access = (gcs: Record<string, unknown>, secrets: Partial<Record<SecretName, string>> = {}, env: NodeJS.ProcessEnv = {}) =>
    artifactAccess({ settings: artifactStoreSchema.parse({ gcs }), secrets, env })

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'desk-gcs-'))
    keyFile = join(dir, 'sa.json')
    await writeFile(keyFile, JSON.stringify(serviceAccount))
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('parses gs:// locations and refuses others by name', async () => {
    expect(parseGcsUri('gs://mlflow-bucket/1/abc/artifacts/')).toEqual({ bucket: 'mlflow-bucket', prefix: '1/abc/artifacts' })
    expect(parseGcsUri('gs://mlflow-bucket')).toEqual({ bucket: 'mlflow-bucket', prefix: '' })
    const e = await appFailure(openArtifactRepository('gs:///no-bucket', access({})))
    expect(e.code).toBe('BAD_REQUEST')
    expect(e.message).toContain('gs:///no-bucket')
  })

  it('chooses credentials: gcs.credentials_path, then the gcs_credentials_json secret, then GOOGLE_APPLICATION_CREDENTIALS', () => {
    const json = JSON.stringify(serviceAccount)
    const fromPath = gcsClientOptions(
      access({ credentials_path: keyFile, project_id: 'p1' }, { gcs_credentials_json: json }, { GOOGLE_APPLICATION_CREDENTIALS: '/nope.json' }),
    )
    expect(fromPath.options).toMatchObject({ keyFilename: keyFile, projectId: 'p1' })
    expect(fromPath.options.credentials).toBeUndefined()
    expect(fromPath.source).toContain('gcs.credentials_path')
    const fromSecret = gcsClientOptions(access({}, { gcs_credentials_json: json }, { GOOGLE_APPLICATION_CREDENTIALS: '/nope.json' }))
    expect(fromSecret.options.credentials).toEqual({ client_email: serviceAccount.client_email, private_key: privateKey })
    expect(fromSecret.options.keyFilename).toBeUndefined()
    expect(fromSecret.source).toContain('gcs_credentials_json')
    expect(fromSecret.source).not.toContain(privateKey)
    const fromEnv = gcsClientOptions(access({}, {}, { GOOGLE_APPLICATION_CREDENTIALS: keyFile, GOOGLE_CLOUD_PROJECT: 'p2' }))
    expect(fromEnv.options).toMatchObject({ keyFilename: keyFile, projectId: 'p2' })
    expect(fromEnv.source).toContain('GOOGLE_APPLICATION_CREDENTIALS')
    const none = gcsClientOptions(access({ api_endpoint: 'http://127.0.0.1:4443/' }))
    expect(none.options).toMatchObject({ apiEndpoint: 'http://127.0.0.1:4443' })
    // An emulator endpoint without configured credentials is called without any.
    expect(none.options.useAuthWithCustomEndpoint).toBeUndefined()
    expect(none.options.keyFilename).toBeUndefined()
    expect(none.source).toContain('GOOGLE_APPLICATION_CREDENTIALS')
  })

  it('refuses unusable credentials with ARTIFACT_AUTH_FAILED naming the setting, never the secret', async () => {
    const missing = await appFailure(openArtifactRepository('gs://bkt/x', access({ credentials_path: join(dir, 'absent.json') })))
    expect(missing).toMatchObject({ code: 'ARTIFACT_AUTH_FAILED', message: expect.stringContaining('gcs.credentials_path') })
    const missingEnv = await appFailure(openArtifactRepository('gs://bkt/x', access({}, {}, { GOOGLE_APPLICATION_CREDENTIALS: join(dir, 'absent.json') })))
    expect(missingEnv.message).toContain('GOOGLE_APPLICATION_CREDENTIALS')
    const garbage = 'not-json-secret-value-1234'
    const bad = await appFailure(openArtifactRepository('gs://bkt/x', access({}, { gcs_credentials_json: garbage })))
    expect(bad).toMatchObject({ code: 'ARTIFACT_AUTH_FAILED', message: expect.stringContaining('gcs_credentials_json') })
    expect(bad.message).not.toContain(garbage)
    const partial = await appFailure(openArtifactRepository('gs://bkt/x', access({}, { gcs_credentials_json: JSON.stringify({ private_key: privateKey }) })))
    expect(partial.message).toContain('client_email')
    expect(partial.message).not.toContain(privateKey)
  })

  it('an endpoint nobody listens on is ARTIFACT_UNAVAILABLE naming it, through the real SDK', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`
    const repo = await openArtifactRepository('gs://mlflow-bucket/1/abc/artifacts', access({ api_endpoint: endpoint }))
    expect(repo.describe).toBe('gs://mlflow-bucket/1/abc/artifacts')
    for (const e of await Promise.all([repo.list('model'), repo.stat('MLmodel'), repo.read('MLmodel')].map(appFailure))) {
      expect(e.code).toBe('ARTIFACT_UNAVAILABLE')
      expect(e.message).toContain(endpoint)
      expect(e.message).toContain('gs://mlflow-bucket/1/abc/artifacts')
    }
    await repo.close()
  })
})
