import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppError } from '@shared/api/errors'
import { artifactAccess } from '../../electron/services/artifacts/artifactAccess'
import type { ArtifactFile, ArtifactRepository } from '../../electron/services/artifacts/artifactRepository'
import { openLocalRepository } from '../../electron/services/artifacts/localRepository'
import { openArtifactRepository } from '../../electron/services/artifacts/openRepository'
import { writeArtifactTree } from '../helpers/artifactTree'
import { FIXTURES } from '../helpers/fixtures'
import { describeRepositoryContract } from '../helpers/repositoryContract'

const manifest = JSON.parse(readFileSync(FIXTURES.small.manifest, 'utf8')) as {
  artifact_root_uri: string
  runs: { run_id: string; kind: string }[]
}
const ARTIFACTS = FIXTURES.small.artifacts
/** A run whose artifacts hold nested folders, an empty file and a binary (found, not hard-coded). */
const run = manifest.runs.find(
  (r) =>
    existsSync(join(ARTIFACTS, r.kind, r.run_id, 'artifacts', 'empty.txt')) && existsSync(join(ARTIFACTS, r.kind, r.run_id, 'artifacts', 'data', 'blob.bin')),
)!
const RUN_DIR = join(ARTIFACTS, run.kind, run.run_id, 'artifacts')
const RUN_URI = `${manifest.artifact_root_uri}/${run.kind}/${run.run_id}/artifacts`

/** What a folder holds, read independently with fs, in the repository's order. */
function expected(rel: string): ArtifactFile[] {
  const abs = rel ? join(RUN_DIR, rel) : RUN_DIR
  const files = readdirSync(abs).map((name) => {
    const s = statSync(join(abs, name))
    return { path: rel ? `${rel}/${name}` : name, is_dir: s.isDirectory(), file_size: s.isDirectory() ? null : s.size }
  })
  return [...files.filter((f) => f.is_dir), ...files.filter((f) => !f.is_dir)].sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || (a.path < b.path ? -1 : 1))
}

let repo: ArtifactRepository

beforeAll(async () => {
  expect(run, 'the fixture has a run with data/blob.bin and empty.txt').toBeDefined()
  // The analyst's situation: the store recorded the server's path, a prefix mapping points it here.
  const access = artifactAccess({ env: {}, mappings: [{ prefix: manifest.artifact_root_uri, path: ARTIFACTS }] })
  repo = await openArtifactRepository(RUN_URI, access)
})

describe('local artifact repository over the MLflow-written fixture', () => {
  it('opens the mapped folder and lists the root and every subfolder as fs sees them', async () => {
    expect(repo.describe).toBe(RUN_DIR)
    const root = await repo.list('')
    expect(root).toEqual(expected(''))
    expect(root.find((f) => f.path === 'empty.txt')).toEqual({ path: 'empty.txt', is_dir: false, file_size: 0 })
    const walk = async (rel: string): Promise<number> => {
      let n = 0
      for (const f of await repo.list(rel)) {
        n++
        if (f.is_dir) {
          expect(await repo.list(f.path)).toEqual(expected(f.path))
          n += await walk(f.path)
        }
      }
      return n
    }
    expect(await walk('')).toBeGreaterThan(5)
    expect(await repo.list('no/such/folder')).toEqual([])
  })
})

describeRepositoryContract('local folder', async () => {
  const base = await mkdtemp(join(tmpdir(), 'desk-local-contract-'))
  const root = join(base, 'artifacts')
  await writeArtifactTree(root)
  const outside = { name: 'outside.txt', bytes: Buffer.from('beside the root, never inside it\n') }
  await writeFile(join(base, outside.name), outside.bytes)
  return {
    open: async (folder) => openLocalRepository(folder ? join(root, ...folder.split('/')) : root),
    outside,
    cleanup: () => rm(base, { recursive: true, force: true }),
  }
})

describe('local artifact repository: permission denied', () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'desk-local-perm-'))
    await chmod(dir, 0o755)
    await writeFile(join(dir, 'locked.txt'), 'secret bytes')
    await chmod(join(dir, 'locked.txt'), 0o000)
  })
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
  })

  it('an unreadable file is ARTIFACT_UNAVAILABLE saying "permission denied", before any byte is streamed', async () => {
    // Root reads any file: as root, the read runs with the unprivileged "nobody" (uid 65534) as the
    // effective user, in this process (a child process as nobody could not reach a checkout under a 0700 home).
    const asRoot = process.getuid?.() === 0
    if (asRoot) {
      process.setegid!(65534)
      process.seteuid!(65534)
    }
    let e: unknown
    try {
      e = await openLocalRepository(dir)
        .read('locked.txt')
        .then(async (stream) => {
          for await (const _ of stream);
          return 'read'
        })
        .catch((err: unknown) => err)
    } finally {
      if (asRoot) {
        process.seteuid!(0)
        process.setegid!(0)
      }
    }
    expect((e as AppError).code).toBe('ARTIFACT_UNAVAILABLE')
    expect((e as AppError).message).toBe(`Cannot read artifact "locked.txt" in ${dir}: permission denied.`)
  })
})
