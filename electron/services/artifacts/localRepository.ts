import { open, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { addAbortSignal, Readable } from 'node:stream'
import { AppError } from '@shared/api/errors'
import { sortArtifactFiles, type ArtifactFile, type ArtifactRepository, type ReadOptions, guardedRepository } from './artifactRepository'

/** A local folder (a file:// location, a plain path, or a mapped server prefix) as an artifact repository. */
export function openLocalRepository(location: string): ArtifactRepository {
  const root = location.startsWith('file:') ? fileURLToPath(location.replace(/^file:(?!\/\/)/, 'file://')) : location
  const abs = (p: string) => (p ? join(root, ...p.split('/')) : root)
  const missing = (p: string) => new AppError('NOT_FOUND', `No artifact "${p}" in ${root}.`, { path: p })
  const failed = (p: string, e: NodeJS.ErrnoException) =>
    e.code === 'ENOENT' || e.code === 'ENOTDIR'
      ? missing(p)
      : new AppError(
          'ARTIFACT_UNAVAILABLE',
          `Cannot read artifact "${p}" in ${root}: ${e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : (e.code ?? e.message)}.`,
          { path: p },
        )
  return guardedRepository({
    describe: root,
    async list(path) {
      let entries
      try {
        entries = await readdir(abs(path), { withFileTypes: true })
      } catch (e) {
        const err = e as NodeJS.ErrnoException
        if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return []
        throw failed(path, err)
      }
      const files: ArtifactFile[] = []
      for (const d of entries) {
        const rel = path ? `${path}/${d.name}` : d.name
        // Follow symlinks as MLflow's LocalArtifactRepository does; a dangling one is left out.
        const s = await stat(join(abs(path), d.name)).catch(() => null)
        if (s) files.push({ path: rel, is_dir: s.isDirectory(), file_size: s.isDirectory() ? null : s.size })
      }
      return sortArtifactFiles(files)
    },
    async stat(path) {
      const s = await stat(abs(path)).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return null
        throw failed(path, e)
      })
      return s ? { path, is_dir: s.isDirectory(), file_size: s.isDirectory() ? null : s.size } : null
    },
    async read(path, opts: ReadOptions = {}): Promise<Readable> {
      const s = await stat(abs(path)).catch((e: NodeJS.ErrnoException) => {
        throw failed(path, e)
      })
      if (s.isDirectory()) throw new AppError('BAD_REQUEST', `Artifact "${path}" in ${root} is a folder, not a file.`, { path })
      if (opts.end !== undefined && opts.end <= (opts.start ?? 0)) return Readable.from([])
      // Open before returning, so an unreadable file fails here as an AppError, not later inside the stream.
      const handle = await open(abs(path), 'r').catch((e: NodeJS.ErrnoException) => {
        throw failed(path, e)
      })
      const stream = handle.createReadStream({ start: opts.start, end: opts.end === undefined ? undefined : opts.end - 1 })
      return opts.signal ? addAbortSignal(opts.signal, stream) : stream
    },
    async close() {},
  })
}
