import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import type { Command } from 'commander'
import { AppError } from '@shared/api/errors'
import { artifactPath } from '../../services/artifacts/artifactRepository'
import { openArtifactRepository } from '../../services/artifacts/openRepository'
import { saveStream } from '../../services/export/saveStream'
import { writing } from '../../services/export/writeErrors'
import { getRun } from '../../services/tracking/runs'
import type { CliIO } from '../io'
import { formatBytes, printTable } from '../output'
import { withStoreAndArtifacts } from '../storeOptions'

export interface ListOptions {
  runId: string
  path: string
  json?: boolean
}

export interface GetOptions {
  runId: string
  path: string
  out: string
}

/** The run's artifact repository for one command, always closed. */
function withRunArtifacts<T>(cmd: Command, io: CliIO, runId: string, fn: (repo: Awaited<ReturnType<typeof openArtifactRepository>>) => Promise<T>): Promise<T> {
  return withStoreAndArtifacts(cmd, io, async (store, access) => {
    const run = await getRun(store, runId)
    if (!run.info.artifact_uri) throw new AppError('NOT_FOUND', `Run '${runId}' has no artifact location.`)
    const repo = await openArtifactRepository(run.info.artifact_uri, access)
    try {
      return await fn(repo)
    } finally {
      await repo.close()
    }
  })
}

export async function list(io: CliIO, opts: ListOptions, cmd: Command): Promise<void> {
  const path = artifactPath(opts.path, 'path')
  const { root, files } = await withRunArtifacts(cmd, io, opts.runId, async (repo) => ({ root: repo.describe, files: await repo.list(path) }))
  if (opts.json) {
    io.out(JSON.stringify({ root_uri: root, files: files.map((f) => (f.is_dir ? { path: f.path, is_dir: true } : { path: f.path, is_dir: false, file_size: f.file_size })) }, null, 2))
    return
  }
  printTable(io, ['PATH', 'SIZE'], files.map((f) => [f.is_dir ? `${f.path}/` : f.path, f.is_dir ? '' : f.file_size === null ? '?' : formatBytes(f.file_size)]))
  io.err(`${files.length} item(s) in ${path || '(root)'} of ${root}`)
}

export async function get(io: CliIO, opts: GetOptions, cmd: Command): Promise<void> {
  const path = artifactPath(opts.path, 'path')
  if (!path) throw new AppError('BAD_REQUEST', '--path: give a file below the artifact root.', { field: 'path' })
  const out = resolve(opts.out)
  if ((await stat(out).catch(() => null))?.isDirectory()) throw new AppError('BAD_REQUEST', `--out ${out} is a folder; give a file name.`, { field: 'out' })
  const saved = await withRunArtifacts(cmd, io, opts.runId, async (repo) => {
    const info = await repo.stat(path)
    if (!info) throw new AppError('NOT_FOUND', `No artifact "${path}" in ${repo.describe}.`, { path })
    if (info.is_dir) throw new AppError('BAD_REQUEST', `--path: "${path}" is a folder in ${repo.describe}; use export to fetch folders.`, { field: 'path' })
    await writing(dirname(out), () => mkdir(dirname(out), { recursive: true }))
    const result = await saveStream(await repo.read(path), `${out}.part`, `artifact "${path}" from ${repo.describe}`)
    if (info.file_size !== null && result.size !== info.file_size) {
      await rm(`${out}.part`, { force: true })
      throw new AppError('ARTIFACT_UNAVAILABLE', `Artifact "${path}" in ${repo.describe} gave ${result.size} bytes where the store says ${info.file_size}; try again.`, { path })
    }
    await writing(out, () => rename(`${out}.part`, out))
    return result
  })
  io.out(`${saved.sha256}  ${out}`)
  io.err(`${formatBytes(saved.size)} written to ${out}`)
}
