import { randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { expect } from 'vitest'
import { AppError } from '@shared/api/errors'
import type { ArtifactRepository } from '../../electron/services/artifacts/artifactRepository'

/**
 * A run's artifacts as the store tests upload them: nested folders, an empty file, a few-MB
 * file, unicode and space in names, a file and a folder that sort next to each other.
 */
export const BIG_FILE = 'model/data/weights.bin'
export const UNICODE_FILE = 'données/résumé 📈 ü.txt'
export const ARTIFACT_TREE: Record<string, Buffer> = {
  MLmodel: Buffer.from('artifact_path: model\nflavors:\n  python_function: {}\n'),
  'model/conda.yaml': Buffer.from('name: mlflow-env\ndependencies:\n  - python=3.11\n'),
  [BIG_FILE]: randomBytes(3 * 1024 * 1024 + 17),
  'model.txt': Buffer.from('a file beside the folder "model"\n'),
  'empty.txt': Buffer.alloc(0),
  'metrics/deep/nested/values.csv': Buffer.from('step,value\n0,0.5\n1,0.75\n'),
  [UNICODE_FILE]: Buffer.from('unicode name\n'),
}

/** Every folder of ARTIFACT_TREE (each file's parents), without EMPTY_FOLDER. */
export const ARTIFACT_FOLDERS: readonly string[] = [
  ...new Set(
    Object.keys(ARTIFACT_TREE).flatMap((p) =>
      p
        .split('/')
        .slice(0, -1)
        .map((_, i, segs) => segs.slice(0, i + 1).join('/')),
    ),
  ),
].sort()

/**
 * A folder with nothing in it. A file system holds it as a folder; an object store as a marker
 * object "empty-folder/" (as the S3 console and Azure tools write one): each store's setup makes it.
 */
export const EMPTY_FOLDER = 'empty-folder'

/** The tree written under a local folder (with EMPTY_FOLDER): the oracle the store's answers are compared with. */
export async function writeArtifactTree(dir: string): Promise<void> {
  for (const [path, data] of Object.entries(ARTIFACT_TREE)) {
    await mkdir(dirname(join(dir, path)), { recursive: true })
    await writeFile(join(dir, path), data)
  }
  await mkdir(join(dir, EMPTY_FOLDER), { recursive: true })
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

/** Every folder of the tree (and the root) listed by both repositories, recursively. */
export async function expectSameListing(repo: ArtifactRepository, oracle: ArtifactRepository, path = ''): Promise<number> {
  const [got, want] = await Promise.all([repo.list(path), oracle.list(path)])
  expect(got, `listing of "${path}"`).toEqual(want)
  let count = got.length
  for (const f of got) if (f.is_dir) count += await expectSameListing(repo, oracle, f.path)
  return count
}

/** The AppError a promise rejects with (failing the test when it resolves or throws anything else). */
export async function appFailure(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(AppError)
  return e as AppError
}
