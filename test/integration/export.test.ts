import { execFileSync, spawn } from 'node:child_process'
import { Transform, pipeline } from 'node:stream'
import { cp, mkdtemp, readFile, readdir, rm, writeFile, stat } from 'node:fs/promises'
import { existsSync, mkdirSync } from 'node:fs'
import { createHash, randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import yauzl from 'yauzl'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parsePythonJson } from '../helpers/pythonJson'
import { artifactAccess } from '../../electron/services/artifacts/artifactAccess'
import { openArtifactRepository } from '../../electron/services/artifacts/openRepository'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { runExport, type ExportReport } from '../../electron/services/export/exportRunner'
import { cli } from '../helpers/cliRunner'
import { createDatabase, targetFor, urlFor } from '../helpers/databases'
import { FIXTURES, readManifest } from '../helpers/fixtures'

const ROOT_URI = readManifest('small').artifact_root_uri as string
let db: string
let store: StoreHandle
let tmp: string
let artifacts: string
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

async function tree(dir: string, skip = new Set<string>()): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue
    const rel = join(e.parentPath, e.name).slice(dir.length + 1)
    if (!skip.has(rel)) out[rel] = sha(await readFile(join(dir, rel)))
  }
  return out
}
const args = (...a: string[]) => ['--url', urlFor(db), '--artifact-map', `${ROOT_URI}=${artifacts}`, ...a]
const access = () => artifactAccess({ mappings: [{ prefix: ROOT_URI, path: artifacts }], env: {} })

/** Runs whose artifact folder exists in the fixture, biggest first. */
async function runsWithArtifacts(): Promise<Array<{ run_uuid: string; experiment_id: number; dir: string }>> {
  const rows = await store.select<{ run_uuid: string; experiment_id: number; artifact_uri: string }>(
    `SELECT run_uuid, experiment_id, artifact_uri FROM runs WHERE lifecycle_stage = 'active' ORDER BY run_uuid`,
  )
  return rows.map((r) => ({ ...r, dir: r.artifact_uri.replace(ROOT_URI, artifacts) })).filter((r) => existsSync(r.dir))
}

beforeAll(async () => {
  db = await createDatabase('export', FIXTURES.small.template)
  store = await openStore(targetFor(db))
  tmp = await mkdtemp(join(tmpdir(), 'desk-export-'))
  artifacts = join(tmp, 'store')
  await cp(FIXTURES.small.artifacts, artifacts, { recursive: true })
})
afterAll(async () => {
  await store?.close()
  await rm(tmp, { recursive: true, force: true })
})

describe('export layouts', () => {
  it('one run: run.json with every key the importer reads, artifacts/, a manifest that matches the files', async () => {
    const [r] = await runsWithArtifacts()
    const out = join(tmp, 'one')
    const res = await cli(['export', ...args('--run-ids', r.run_uuid, '--out', out, '--json')])
    expect(res.stderr).toBe('')
    expect(res.code).toBe(0)
    const report = parsePythonJson(res.stdout) as ExportReport
    expect(report.layout).toBe('run')
    const doc = parsePythonJson(await readFile(join(out, 'run.json'), 'utf8'))
    expect(Object.keys(doc)).toEqual(['system', 'mlflow'])
    for (const k of ['user_id', 'lifecycle_stage', 'run_id', 'experiment_id', 'artifact_uri', '_start_time']) expect(doc.mlflow.info).toHaveProperty(k)
    for (const k of ['params', 'metrics', 'tags', 'inputs']) expect(doc.mlflow).toHaveProperty(k)
    expect(Array.isArray(doc.mlflow.inputs.dataset_inputs)).toBe(true)
    const tagKeys = Object.keys(doc.mlflow.tags)
    expect(tagKeys).toEqual([...tagKeys].sort())
    expect(Object.values(doc.mlflow.tags).every((v) => typeof v === 'string')).toBe(true)
    // Every metric's full history, as get_metric_history has it.
    const [{ n }] = await store.select<{ n: number }>('SELECT count(*)::int AS n FROM metrics WHERE run_uuid = $1', [r.run_uuid])
    expect(Object.values(doc.mlflow.metrics as Record<string, unknown[]>).reduce((s, h) => s + h.length, 0)).toBe(n)
    // Artifacts byte for byte, and the manifest lists each file with its size and sha256.
    const source = await tree(r.dir)
    const exported = await tree(join(out, 'artifacts'))
    expect(exported).toEqual(source)
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8'))
    expect(manifest.source.alembic_revision).toBe(readManifest('small').alembic_head)
    expect(JSON.stringify(manifest)).not.toContain(targetFor(db).password)
    const onDisk = await tree(out, new Set(['manifest.json']))
    expect(Object.fromEntries(manifest.files.map((f: { path: string; sha256: string }) => [f.path, f.sha256]))).toEqual(onDisk)
    for (const f of manifest.files) expect((await stat(join(out, f.path))).size).toBe(f.size)
    expect(existsSync(join(out, '.mlflow-desk-export.journal'))).toBe(false)
    // "Files" and "Checksums verified" count the same files: the artifacts, each hashed from its bytes.
    const artifactEntries = manifest.files.filter((f: { path: string }) => f.path.startsWith('artifacts/'))
    expect(report.files).toBe(Object.keys(source).length)
    expect(report.files).toBe(artifactEntries.length)
    expect(report.checksums_verified).toBe(report.files)
  })

  it('an experiment: experiment.json (info.failed_runs, mlflow.runs, mlflow.experiment.tags) and runs/<run_id>/', async () => {
    const [r] = await runsWithArtifacts()
    const out = join(tmp, 'exp')
    const res = await cli(['export', ...args('--experiment-id', String(r.experiment_id), '--out', out)])
    expect(res.code).toBe(0)
    const doc = parsePythonJson(await readFile(join(out, 'experiment.json'), 'utf8'))
    expect(doc.info.failed_runs).toEqual([])
    expect(doc.mlflow.experiment.tags).toBeTypeOf('object')
    const active = await store.select<{ run_uuid: string }>(`SELECT run_uuid FROM runs WHERE experiment_id = $1 AND lifecycle_stage = 'active'`, [
      r.experiment_id,
    ])
    expect([...doc.mlflow.runs].sort()).toEqual(active.map((a) => a.run_uuid).sort())
    for (const id of doc.mlflow.runs) expect(existsSync(join(out, 'runs', id, 'run.json'))).toBe(true)
    expect(await tree(join(out, 'runs', r.run_uuid, 'artifacts'))).toEqual(await tree(r.dir))
    expect(res.stdout).toContain('no artifacts:')
  })

  it('several run ids of one experiment use the experiment layout; of two experiments they are refused (exit 2)', async () => {
    const runs = await runsWithArtifacts()
    const same = runs.filter((x) => x.experiment_id === runs[0].experiment_id).slice(0, 2)
    const res = await cli(['export', ...args('--run-ids', same.map((x) => x.run_uuid).join(','), '--out', join(tmp, 'two'))])
    expect(res.code).toBe(0)
    expect(JSON.parse(await readFile(join(tmp, 'two', 'experiment.json'), 'utf8')).mlflow.runs.sort()).toEqual(same.map((x) => x.run_uuid).sort())
    const other = runs.find((x) => x.experiment_id !== runs[0].experiment_id)!
    const bad = await cli(['export', ...args('--run-ids', `${runs[0].run_uuid},${other.run_uuid}`, '--out', join(tmp, 'mixed'))])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('2 experiments')
    expect((await cli(['export', ...args('--out', join(tmp, 'none'))])).code).toBe(2)
  })

  it('a registered model: model.json with its versions, and <run_id>/ per source run', async () => {
    const model = (readManifest('small').registered_models as Array<{ name: string; versions: number[] }>)[0]
    const out = join(tmp, 'model')
    const res = await cli(['export', ...args('--model', model.name, '--out', out)])
    expect(res.code).toBe(0)
    const doc = JSON.parse(await readFile(join(out, 'model.json'), 'utf8'))
    expect(doc.mlflow.registered_model.name).toBe(model.name)
    expect(doc.mlflow.registered_model.versions.map((v: { version: string }) => Number(v.version))).toEqual(model.versions)
    for (const v of doc.mlflow.registered_model.versions) {
      expect(existsSync(join(out, v.run_id, 'run.json'))).toBe(true)
      expect(existsSync(join(out, v.run_id, 'artifacts', 'model'))).toBe(true)
    }
    const one = await cli(['export', ...args('--model', `${model.name}/${model.versions[0]}`, '--out', join(tmp, 'model-v'))])
    expect(one.code).toBe(0)
    expect(JSON.parse(await readFile(join(tmp, 'model-v', 'model.json'), 'utf8')).mlflow.registered_model.versions).toHaveLength(1)
  })

  it('NaN metric values are the bare literal NaN, not null', async () => {
    const [nan] = await store.select<{ run_uuid: string; key: string }>('SELECT run_uuid, key FROM metrics WHERE is_nan LIMIT 1')
    const out = join(tmp, 'nan')
    expect((await cli(['export', ...args('--run-ids', nan.run_uuid, '--out', out)])).code).toBe(0)
    const text = await readFile(join(out, 'run.json'), 'utf8')
    expect(text).toMatch(/"value": NaN,/)
    expect(text).not.toMatch(/"value": null/)
    expect(text.endsWith('}\n')).toBe(true)
    const history = parsePythonJson(text).mlflow.metrics[nan.key] as Array<{ value: unknown }>
    expect(history.some((m) => m.value === 'NaN')).toBe(true)
  })

  it('--zip holds the same files as the folder', async () => {
    const [r] = await runsWithArtifacts()
    const out = join(tmp, 'zipped')
    const res = await cli(['export', ...args('--run-ids', r.run_uuid, '--out', out, '--zip')])
    expect(res.code).toBe(0)
    const entries: Record<string, string> = {}
    await new Promise<void>((done, fail) =>
      yauzl.open(`${out}.zip`, { lazyEntries: true }, (err, zip) => {
        if (err || !zip) return fail(err)
        zip.on('entry', (e: yauzl.Entry) =>
          zip.openReadStream(e, (e2, s) => {
            if (e2 || !s) return fail(e2)
            const chunks: Buffer[] = []
            s.on('data', (c: Buffer) => chunks.push(c))
            s.on('end', () => ((entries[e.fileName] = sha(Buffer.concat(chunks))), zip.readEntry()))
          }),
        )
        zip.on('end', () => done())
        zip.readEntry()
      }),
    )
    expect(entries).toEqual(await tree(out))
  })
})

describe('interruptions', () => {
  let big: { run_uuid: string; dir: string }
  beforeAll(async () => {
    ;[big] = await runsWithArtifacts()
    // A file big enough that an interruption lands inside it.
    await writeFile(join(big.dir, 'big.bin'), randomBytes(48 * 1024 * 1024))
  })
  afterAll(async () => rm(join(big.dir, 'big.bin'), { force: true }))

  it('cancelled after some bytes, then resumed: verified files are kept and the tree equals a clean export', async () => {
    const clean = join(tmp, 'clean')
    await runExport(store, { selection: { kind: 'runs', run_ids: [big.run_uuid] }, out: clean, access: access(), profileName: 'test' })
    const out = join(tmp, 'cancelled')
    const ctrl = new AbortController()
    // Abort once 4 MB have been read (counted in the stream itself: progress events are throttled,
    // and a local copy of 48 MB can finish between two of them).
    let read = 0
    const first = runExport(store, {
      selection: { kind: 'runs', run_ids: [big.run_uuid] },
      out,
      access: access(),
      profileName: 'test',
      concurrency: 1,
      signal: ctrl.signal,
      openRepository: async (uri, a) => {
        const repo = await openArtifactRepository(uri, a)
        return {
          ...repo,
          describe: repo.describe,
          read: async (p, o) => {
            const counter = new Transform({
              transform(chunk: Buffer, _enc, done) {
                read += chunk.length
                if (read > 4 * 1024 * 1024) ctrl.abort()
                done(null, chunk)
              },
            })
            pipeline(await repo.read(p, o), counter, () => undefined)
            return counter
          },
        }
      },
    })
    await expect(first).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(existsSync(join(out, 'manifest.json'))).toBe(false)
    expect(existsSync(join(out, 'artifacts', 'big.bin'))).toBe(false)
    const report = await runExport(store, {
      selection: { kind: 'runs', run_ids: [big.run_uuid] },
      out,
      resume: true,
      access: access(),
      profileName: 'test',
      concurrency: 1,
    })
    expect(report.skipped_verified.files).toBeGreaterThan(0)
    expect(report.downloaded.bytes + report.skipped_verified.bytes).toBe(report.bytes)
    expect(report.downloaded.bytes).toBeLessThan(report.bytes)
    // Kept files were re-read and matched: they count as verified, once.
    expect(report.downloaded.files + report.skipped_verified.files).toBe(report.files)
    expect(report.checksums_verified).toBe(report.files)
    expect(await tree(join(out, 'artifacts'))).toEqual(await tree(join(clean, 'artifacts')))
    expect((await readdir(out, { recursive: true })).filter((f) => String(f).endsWith('.part'))).toEqual([])
  })

  it('a CLI killed with SIGKILL mid-file leaves only a .part file; --resume completes it byte-identical', async () => {
    const out = join(tmp, 'killed')
    const root = resolve(__dirname, '../..')
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'electron/cli/index.ts'), 'export', ...args('--run-ids', big.run_uuid, '--out', out)],
      { cwd: root, stdio: 'ignore', env: { ...process.env, MLFLOW_DESK_HOME: join(tmp, 'home') } },
    )
    const exited = new Promise((done) => child.on('exit', done))
    const part = join(out, 'artifacts', 'big.bin.part')
    for (let i = 0; i < 600 && !((await stat(part).catch(() => null))?.size ?? 0); i++) await new Promise((r) => setTimeout(r, 50))
    child.kill('SIGKILL')
    await exited
    expect(existsSync(part)).toBe(true)
    expect(existsSync(join(out, 'artifacts', 'big.bin'))).toBe(false)
    expect(existsSync(join(out, 'manifest.json'))).toBe(false)
    const res = await cli(['export', ...args('--run-ids', big.run_uuid, '--out', out, '--resume', '--json')])
    expect(res.code).toBe(0)
    const report = parsePythonJson(res.stdout) as ExportReport
    expect(report.downloaded.bytes).toBeGreaterThanOrEqual(48 * 1024 * 1024)
    expect(await tree(join(out, 'artifacts'))).toEqual(await tree(big.dir))
    expect(existsSync(part)).toBe(false)
  })

  it('a file listed but gone when read is reported as missing, not fatal', async () => {
    const out = join(tmp, 'gone')
    const victim = join(big.dir, 'vanishing.txt')
    await writeFile(victim, 'here when listed')
    const report = await runExport(store, {
      selection: { kind: 'runs', run_ids: [big.run_uuid] },
      out,
      access: access(),
      profileName: 'test',
      // The real local repository; the file disappears between its listing and its read, as on a live store.
      openRepository: async (uri, a) => {
        const repo = await openArtifactRepository(uri, a)
        return {
          ...repo,
          describe: repo.describe,
          list: async (p, s) => {
            const l = await repo.list(p, s)
            await rm(victim, { force: true })
            return l
          },
        }
      },
    })
    expect(report.missing).toContainEqual(expect.objectContaining({ path: 'vanishing.txt', reason: 'not_found' }))
    expect(existsSync(join(out, 'manifest.json'))).toBe(true)
    expect(report.files).toBeGreaterThan(0)
  })

  it('an unwritable folder fails with WRITE_FAILED naming the path; the partial export completes on a rerun', async () => {
    const out = join(tmp, 'readonly')
    // A partial export: the big file and the manifest not written yet.
    await cp(join(tmp, 'clean'), out, { recursive: true })
    await rm(join(out, 'manifest.json'))
    await rm(join(out, 'artifacts', 'big.bin'))
    // The tests run as root, which ignores file modes: a regular file where the export folder should go cannot be written either.
    const blocked = join(tmp, 'blocker')
    await writeFile(blocked, 'a file where a folder should be')
    const res = await cli(['export', ...args('--run-ids', big.run_uuid, '--out', join(blocked, 'sub'))])
    expect(res.code).toBe(1)
    expect(res.stderr).toMatch(/Cannot write .*blocker\/sub/)
    const done = await cli(['export', ...args('--run-ids', big.run_uuid, '--out', out, '--resume', '--json')])
    expect(done.code).toBe(0)
    expect(await tree(join(out, 'artifacts'))).toEqual(await tree(big.dir))
  })

  it('a full disk fails with WRITE_FAILED naming the file; what was written is a valid partial export that --resume completes', async () => {
    // A real full disk: a 1 MB tmpfs (the tests run as root, as CI does); the run's big.bin is 48 MB.
    const small = join(tmp, 'small-disk')
    mkdirSync(small)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small])
    const moved = join(tmp, 'from-small-disk')
    try {
      const res = await cli(['export', ...args('--run-ids', big.run_uuid, '--out', join(small, 'out'))])
      expect(res.code).toBe(1)
      expect(res.stderr).toMatch(/Cannot write .*small-disk\/out\/.*the disk is full \(ENOSPC\)/)
      expect(existsSync(join(small, 'out', 'manifest.json'))).toBe(false)
      const left = (await readdir(join(small, 'out'), { recursive: true })).map(String)
      expect(left.filter((f) => f.endsWith('.part'))).toEqual([])
      await cp(join(small, 'out'), moved, { recursive: true })
    } finally {
      execFileSync('umount', [small])
    }
    // Moved to a disk with room, the partial export completes.
    const done = await cli(['export', ...args('--run-ids', big.run_uuid, '--out', moved, '--resume', '--json')])
    expect(done.code, done.stderr).toBe(0)
    expect(await tree(join(moved, 'artifacts'))).toEqual(await tree(big.dir))
  })
})
