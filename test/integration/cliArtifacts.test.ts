import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../electron/services/connections/storeConnection'
import { cli } from '../helpers/cliRunner'
import { createDatabase, targetFor, urlFor } from '../helpers/databases'
import { FIXTURES, readManifest } from '../helpers/fixtures'

const ROOT_URI = readManifest('small').artifact_root_uri as string
let db: string
let tmp: string
let run: { run_uuid: string; dir: string }
const args = (...a: string[]) => ['--url', urlFor(db), '--artifact-map', `${ROOT_URI}=${FIXTURES.small.artifacts}`, ...a]

beforeAll(async () => {
  db = await createDatabase('cli_artifacts', FIXTURES.small.template)
  tmp = await mkdtemp(join(tmpdir(), 'desk-artifacts-'))
  const store = await openStore(targetFor(db))
  try {
    const rows = await store.select<{ run_uuid: string; artifact_uri: string }>('SELECT run_uuid, artifact_uri FROM runs ORDER BY run_uuid')
    run = rows.map((r) => ({ run_uuid: r.run_uuid, dir: r.artifact_uri.replace(ROOT_URI, FIXTURES.small.artifacts) })).find((r) => existsSync(r.dir))!
  } finally {
    await store.close()
  }
})
afterAll(async () => rm(tmp, { recursive: true, force: true }))

describe('artifacts list / get', () => {
  it('lists a folder, folders first, with sizes (--json in MLflow FileInfo shape)', async () => {
    const res = await cli(['artifacts', 'list', ...args('--run-id', run.run_uuid, '--json')])
    expect(res.code).toBe(0)
    const { files } = JSON.parse(res.stdout) as { files: Array<{ path: string; is_dir: boolean; file_size?: number }> }
    const names = (await readdir(run.dir, { withFileTypes: true })).map((d) => d.name)
    expect(files.map((f) => f.path).sort()).toEqual(names.sort())
    const firstFile = files.findIndex((f) => !f.is_dir)
    expect(files.slice(firstFile).every((f) => !f.is_dir)).toBe(true)
    const dir = files.find((f) => f.is_dir)
    if (dir) {
      const sub = await cli(['artifacts', 'list', ...args('--run-id', run.run_uuid, '--path', dir.path)])
      expect(sub.code).toBe(0)
      expect(sub.stdout).toContain(`${dir.path}/`)
    }
    const bad = await cli(['artifacts', 'list', ...args('--run-id', run.run_uuid, '--path', '../etc')])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('"../etc"')
  })

  it('gets a file to --out (no .part left) and prints its sha256', async () => {
    const list = JSON.parse((await cli(['artifacts', 'list', ...args('--run-id', run.run_uuid, '--json')])).stdout) as {
      files: Array<{ path: string; is_dir: boolean }>
    }
    const file = list.files.find((f) => !f.is_dir)!
    const out = join(tmp, 'got', file.path)
    const res = await cli(['artifacts', 'get', ...args('--run-id', run.run_uuid, '--path', file.path, '--out', out)])
    expect(res.code).toBe(0)
    const bytes = await readFile(out)
    expect(bytes.equals(await readFile(join(run.dir, file.path)))).toBe(true)
    expect(res.stdout).toBe(`${createHash('sha256').update(bytes).digest('hex')}  ${out}`)
    expect(existsSync(`${out}.part`)).toBe(false)
    const missing = await cli(['artifacts', 'get', ...args('--run-id', run.run_uuid, '--path', 'no/such.file', '--out', join(tmp, 'x'))])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toContain('no/such.file')
  })
})
