import { createHash } from 'node:crypto'
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../electron/services/api/dispatch'
import type { CallContext } from '../../electron/services/api/handlers'
import { createAppContext, type AppSetup } from '../../electron/services/appContext'
import { exportsDir } from '../../electron/services/config/appPaths'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import type { ExportProgress, ExportReport } from '@shared/domain/exports'
import { createDatabase, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'

const FIXTURE_ARTIFACTS = FIXTURES.small.artifacts
const manifest = JSON.parse(readFileSync(FIXTURES.small.manifest, 'utf8')) as { artifact_root_uri: string }
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

async function tree(dir: string, base = ''): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = base ? `${base}/${e.name}` : e.name
    if (e.isDirectory()) for (const [k, v] of await tree(join(dir, e.name), rel)) out.set(k, v)
    else out.set(rel, sha(await readFile(join(dir, e.name))))
  }
  return out
}

describe('artifacts:download, export:run and export:cancel through dispatch (HTTP transport: into <app data>/exports)', () => {
  let app: AppSetup
  let call: CallContext
  let home: string
  let runId: string
  let localRoot: string
  const events: Array<{ job_id: string; progress: ExportProgress }> = []

  beforeAll(async () => {
    const url = urlFor(await createDatabase('export_api', FIXTURES.small.template))
    home = await mkdtemp(join(tmpdir(), 'desk-export-api-'))
    app = await createAppContext({
      home,
      env: {},
      cipher: aesGcmCipher(Buffer.alloc(32, 9), 'a test key'),
      choice: { url, artifactMaps: [`${manifest.artifact_root_uri}=${FIXTURE_ARTIFACTS}`] },
      transport: 'http',
    })
    app.events.subscribe((event, payload) => event === 'export:progress' && events.push(payload as (typeof events)[number]))
    call = { window: await app.workspace.window('export'), signal: new AbortController().signal, openWindow: async () => null }
    const store = await call.window.store()
    const rows = await store.select<{ run_uuid: string; artifact_uri: string }>('SELECT run_uuid, artifact_uri FROM runs ORDER BY run_uuid')
    const found = rows.find((r) => {
      try {
        readFileSync(join(r.artifact_uri.replace(manifest.artifact_root_uri, FIXTURE_ARTIFACTS), 'model', 'MLmodel'))
        return true
      } catch {
        return false
      }
    })!
    runId = found.run_uuid
    localRoot = found.artifact_uri.replace(manifest.artifact_root_uri, FIXTURE_ARTIFACTS)
  })
  afterAll(() => app?.workspace.dispose())

  it('downloads a file and a folder into the exports folder, verified, never over an earlier download', async () => {
    const exports = exportsDir(home)
    const file = await dispatch(app.handlers, 'artifacts:download', { job_id: 'dl-1', run_id: runId, path: 'model/MLmodel' }, call)
    expect(file).toMatchObject({ ok: true, data: { saved_to: join(exports, 'MLmodel'), files: 1 } })
    expect(await readFile(join(exports, 'MLmodel'))).toEqual(await readFile(join(localRoot, 'model', 'MLmodel')))
    const again = await dispatch(app.handlers, 'artifacts:download', { job_id: 'dl-2', run_id: runId, path: 'model/MLmodel' }, call)
    expect(again).toMatchObject({ ok: true, data: { saved_to: join(exports, 'MLmodel (2)') } })
    const folder = await dispatch(app.handlers, 'artifacts:download', { job_id: 'dl-3', run_id: runId, path: 'model' }, call)
    expect(folder.ok, JSON.stringify(folder)).toBe(true)
    const saved = (folder as { data: { saved_to: string; files: number } }).data
    expect(await tree(saved.saved_to)).toEqual(await tree(join(localRoot, 'model')))
    expect(saved.files).toBe((await tree(join(localRoot, 'model'))).size)
    expect(events.some((e) => e.job_id === 'dl-3' && e.progress.phase === 'done')).toBe(true)
    expect(await dispatch(app.handlers, 'artifacts:download', { job_id: 'dl-4', run_id: runId, path: 'model/../..' }, call)).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    })
    expect(await dispatch(app.handlers, 'artifacts:download', { job_id: 'dl-5', run_id: runId, path: 'no-such-file' }, call)).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
  })

  it('exports a run in the export-import layout with a manifest, reports progress, and refuses a name with a folder in it', async () => {
    const r = await dispatch(app.handlers, 'export:run', { job_id: 'ex-1', selection: { kind: 'runs', run_ids: [runId] }, name: 'one-run' }, call)
    expect(r.ok, JSON.stringify(r)).toBe(true)
    const report = (r as { data: { report: ExportReport } }).data.report
    expect(report.out).toBe(join(exportsDir(home), 'one-run'))
    expect(report.layout).toBe('run')
    // Python's json writes NaN as a bare literal, which JSON.parse does not take.
    const run = JSON.parse((await readFile(join(report.out, 'run.json'), 'utf8')).replace(/\bNaN\b/g, 'null'))
    expect(run.mlflow.info.run_id).toBe(runId)
    const files = JSON.parse(await readFile(join(report.out, 'manifest.json'), 'utf8')).files as Array<{ path: string; sha256: string; size: number }>
    for (const f of files) expect(sha(await readFile(join(report.out, f.path))), f.path).toBe(f.sha256)
    expect(files.some((f) => f.path === 'artifacts/model/MLmodel')).toBe(true)
    expect(events.filter((e) => e.job_id === 'ex-1').map((e) => e.progress.phase)).toEqual(expect.arrayContaining(['metadata', 'artifacts', 'done']))
    expect(
      await dispatch(app.handlers, 'export:run', { job_id: 'ex-2', selection: { kind: 'runs', run_ids: [runId] }, name: '../escape' }, call),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', details: { field: 'name' } },
    })
    expect(
      await dispatch(app.handlers, 'export:run', { job_id: 'ex-3', selection: { kind: 'runs', run_ids: [runId] }, name: 'never-started', resume: true }, call),
    ).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
  })

  it('cancels a running export, which a resume then completes', async () => {
    const running = dispatch(
      app.handlers,
      'export:run',
      { job_id: 'ex-c', selection: { kind: 'experiment', experiment_id: '1' }, name: 'whole-experiment' },
      call,
    )
    // Cancel as soon as the export is under way (its first progress event).
    await new Promise<void>((done) => {
      const t = setInterval(() => {
        if (events.some((e) => e.job_id === 'ex-c')) {
          clearInterval(t)
          done()
        }
      }, 5)
    })
    expect(await dispatch(app.handlers, 'export:cancel', { job_id: 'ex-c' }, call)).toEqual({ ok: true, data: { cancelled: true } })
    const cancelled = await running
    const out = join(exportsDir(home), 'whole-experiment')
    // The folder it was writing comes back, so the renderer resumes that one (over HTTP a taken name gets " (2)").
    expect(cancelled).toMatchObject({ ok: false, error: { code: 'CANCELLED', details: { out } } })
    await expect(stat(join(out, 'manifest.json'))).rejects.toThrow()
    const resumed = await dispatch(
      app.handlers,
      'export:run',
      { job_id: 'ex-r', selection: { kind: 'experiment', experiment_id: '1' }, name: 'whole-experiment', resume: true },
      call,
    )
    expect(resumed.ok, JSON.stringify(resumed)).toBe(true)
    expect((await stat(join(out, 'manifest.json'))).isFile()).toBe(true)
    expect(await dispatch(app.handlers, 'export:cancel', { job_id: 'ex-c' }, call)).toEqual({ ok: true, data: { cancelled: false } })
  })
})
