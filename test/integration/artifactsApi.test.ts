import { mkdtemp } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../electron/services/api/dispatch'
import type { CallContext } from '../../electron/services/api/handlers'
import { createAppContext, type AppSetup } from '../../electron/services/appContext'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import type { ArtifactsListResponse } from '@shared/api/contract'
import type { ArtifactPreview } from '@shared/domain/artifacts'
import { createDatabase, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'

const FIXTURE_ARTIFACTS = FIXTURES.small.artifacts
const manifest = JSON.parse(readFileSync(FIXTURES.small.manifest, 'utf8')) as { artifact_root_uri: string }

describe('artifacts:list and artifacts:preview, through dispatch, over the fixture artifacts mapped from the server path', () => {
  let app: AppSetup
  let call: CallContext
  let runId: string
  const ok = async <T>(channel: 'artifacts:list' | 'artifacts:preview', req: object): Promise<T> => {
    const r = await dispatch(app.handlers, channel, req, call)
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
    return r.data as T
  }

  beforeAll(async () => {
    const url = urlFor(await createDatabase('artifacts_api', FIXTURES.small.template))
    const home = await mkdtemp(join(tmpdir(), 'desk-artifacts-'))
    app = await createAppContext({
      home,
      env: {},
      cipher: aesGcmCipher(Buffer.alloc(32, 7), 'a test key'),
      choice: { url, artifactMaps: [`${manifest.artifact_root_uri}=${FIXTURE_ARTIFACTS}`] },
      transport: 'http',
    })
    call = { window: await app.workspace.window('artifacts'), signal: new AbortController().signal, openWindow: async () => null }
    // A run whose artifacts hold a model folder (MLmodel), files at its root, plots.
    const store = await call.window.store()
    const rows = await store.select<{ run_uuid: string; artifact_uri: string }>('SELECT run_uuid, artifact_uri FROM runs ORDER BY run_uuid')
    const withModel = rows.find((r) => {
      const local = r.artifact_uri.replace(manifest.artifact_root_uri, FIXTURE_ARTIFACTS)
      try {
        readFileSync(join(local, 'model', 'MLmodel'))
        readFileSync(join(local, 'README.md'))
        return true
      } catch {
        return false
      }
    })
    expect(withModel).toBeDefined()
    runId = withModel!.run_uuid
  })
  afterAll(() => app?.workspace.dispose())

  it('lists the root folders first, sizes for files, and a subfolder by its path', async () => {
    const root = await ok<ArtifactsListResponse>('artifacts:list', { run_id: runId })
    expect(root.root_uri.startsWith(manifest.artifact_root_uri), JSON.stringify(root).slice(0, 800)).toBe(true)
    expect(root.location.startsWith(FIXTURE_ARTIFACTS)).toBe(true)
    const firstFile = root.files.findIndex((f) => !f.is_dir)
    expect(firstFile).toBeGreaterThan(0)
    expect(root.files.slice(0, firstFile).every((f) => f.is_dir)).toBe(true)
    expect(
      root.files.slice(firstFile).every((f) => !f.is_dir && typeof f.file_size === 'number'),
      JSON.stringify(root.files),
    ).toBe(true)
    expect(root.files.map((f) => f.path)).toContain('model')
    const model = await ok<ArtifactsListResponse>('artifacts:list', { run_id: runId, path: 'model' })
    expect(model.files.map((f) => f.path)).toContain('model/MLmodel')
    expect((await ok<ArtifactsListResponse>('artifacts:list', { run_id: runId, path: 'no/such/folder' })).files).toEqual([])
  })

  it('previews text (whole or cut at max_bytes), images as base64, and refuses paths that climb out', async () => {
    const mlmodel = await ok<ArtifactPreview>('artifacts:preview', { run_id: runId, path: 'model/MLmodel' })
    expect(mlmodel).toMatchObject({ kind: 'text', truncated: false })
    expect(mlmodel.text).toMatch(/flavors:/)
    const cut = await ok<ArtifactPreview>('artifacts:preview', { run_id: runId, path: 'model/MLmodel', max_bytes: 10 })
    expect(cut).toMatchObject({ kind: 'text', truncated: true, size: mlmodel.size })
    expect(cut.text).toBe(mlmodel.text!.slice(0, 10))
    const plots = await ok<ArtifactsListResponse>('artifacts:list', { run_id: runId, path: 'plots' })
    const png = plots.files.find((f) => f.path.endsWith('.png'))
    expect(png, JSON.stringify(plots.files)).toBeDefined()
    {
      const image = await ok<ArtifactPreview>('artifacts:preview', { run_id: runId, path: png!.path })
      expect(image.kind).toBe('image')
      expect(Buffer.from(image.data_base64!, 'base64').subarray(1, 4).toString()).toBe('PNG')
      expect(Buffer.from(image.data_base64!, 'base64').length).toBe(png!.file_size)
    }
    for (const path of ['../../../etc/passwd', 'model/../../x', 'a\\b']) {
      const r = await dispatch(app.handlers, 'artifacts:preview', { run_id: runId, path }, call)
      expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    }
    expect(await dispatch(app.handlers, 'artifacts:preview', { run_id: runId, path: 'nope.txt' }, call)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
    expect(await dispatch(app.handlers, 'artifacts:list', { run_id: 'f'.repeat(32) }, call)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
  })
})
