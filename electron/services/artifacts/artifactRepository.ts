import type { Readable } from 'node:stream'
import { AppError } from '@shared/api/errors'
import type { ArtifactFile } from '@shared/domain/artifacts'

export type { ArtifactFile }

export interface ReadOptions {
  /** First byte (inclusive); 0 when absent. */
  start?: number
  /** Last byte (exclusive); the end of the file when absent. */
  end?: number
  signal?: AbortSignal
}

/**
 * One artifact store, rooted at a run's (or any) artifact location. Every implementation (local
 * files, S3, Azure Blob, GCS, MLflow's artifact proxy, SFTP) answers the same four questions, so
 * the browser, the downloads and the export never know which store they read.
 *
 * Paths are relative to the root, '/'-separated, without leading '/' ('' is the root itself);
 * pass them through artifactPath() first. Errors are AppErrors: NOT_FOUND for a missing file,
 * ARTIFACT_AUTH_FAILED / ARTIFACT_UNAVAILABLE naming the store (describe), never a secret.
 */
export interface ArtifactRepository {
  /** Where it reads, for messages and reports: e.g. "s3://bucket/1/abc/artifacts" (never credentials). */
  readonly describe: string
  /** A folder's direct children, folders first, then files, each by name. A missing folder lists empty, as MLflow does. */
  list(path: string, signal?: AbortSignal): Promise<ArtifactFile[]>
  /** A file or folder, or null when there is none at that path. */
  stat(path: string, signal?: AbortSignal): Promise<ArtifactFile | null>
  /** A file's bytes (or a range of them) as a stream; NOT_FOUND when it does not exist. */
  read(path: string, opts?: ReadOptions): Promise<Readable>
  /** Release connections (SFTP sessions, HTTP agents). */
  close(): Promise<void>
}

/**
 * A path inside an artifact root as repositories take it: '/'-separated, no leading or trailing
 * '/', no empty, '.' or '..' segments, no backslashes or NUL. Anything else is refused with a
 * message naming the path, so no request can climb out of the run's root.
 */
export function artifactPath(path: string, field = 'path'): string {
  const trimmed = path.replace(/^\/+|\/+$/g, '')
  if (trimmed === '') return ''
  const bad = trimmed.split('/').find((seg) => seg === '' || seg === '.' || seg === '..' || seg.includes('\\') || seg.includes('\0'))
  if (bad !== undefined) {
    throw new AppError(
      'BAD_REQUEST',
      `Artifact path "${path}" is not a plain relative path (segment "${bad}"): use names separated by "/", without "." or "..".`,
      { field },
    )
  }
  return trimmed
}

/** Join a root and a relative artifact path with exactly one '/'. */
export function joinArtifactPath(root: string, path: string): string {
  if (!path) return root
  return root.endsWith('/') ? `${root}${path}` : `${root}/${path}`
}

/** Folders first, then files, each by name (code point order, as MLflow's listing). */
export function sortArtifactFiles(files: ArtifactFile[]): ArtifactFile[] {
  return files.sort((a, b) => Number(b.is_dir) - Number(a.is_dir) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/**
 * The rules every store keeps, applied before the store sees the call: a path that is not a plain
 * relative path is refused (BAD_REQUEST, see artifactPath), so no store is ever asked for
 * `<root>/../x`, whatever it would make of it; a call whose signal is already aborted is
 * CANCELLED without a request. Each opener returns its repository through this.
 */
export function guardedRepository(repo: ArtifactRepository): ArtifactRepository {
  const checked = (path: string, signal: AbortSignal | undefined): string => {
    if (signal?.aborted) throw new AppError('CANCELLED', `Reading "${path}" in ${repo.describe} was cancelled.`, { path })
    return artifactPath(path)
  }
  return {
    describe: repo.describe,
    list: async (path, signal) => repo.list(checked(path, signal), signal),
    stat: async (path, signal) => repo.stat(checked(path, signal), signal),
    read: async (path, opts) => repo.read(checked(path, opts?.signal), opts),
    close: () => repo.close(),
  }
}
