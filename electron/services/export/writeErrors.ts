import { AppError, isAppError } from '@shared/api/errors'

const WHY: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOENT: 'the folder does not exist',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'a folder is in the way',
  EMFILE: 'too many open files',
}

/**
 * A failed write as WRITE_FAILED naming the path and the reason. What was written
 * before stays valid: a rerun with --resume completes the export.
 */
export function writeFailed(e: unknown, path: string): AppError {
  if (isAppError(e)) return e
  const code = (e as NodeJS.ErrnoException)?.code
  const why = (code && WHY[code]) ?? (e instanceof Error ? e.message : String(e))
  return new AppError('WRITE_FAILED', `Cannot write ${path}: ${why}${code ? ` (${code})` : ''}. Free space or fix permissions, then rerun with --resume to complete the export.`, { path })
}

/** Run a file-system step, turning its failure into WRITE_FAILED for `path`. */
export async function writing<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    throw writeFailed(e, path)
  }
}
