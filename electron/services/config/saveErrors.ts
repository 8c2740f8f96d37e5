import { AppError, isAppError } from '@shared/api/errors'

const WHY: Record<string, string> = {
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exceeded',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'a folder is in the way',
  EMFILE: 'too many open files',
  EIO: 'an input/output error',
}

/**
 * A settings-style file (profiles, console history, tabs, saved queries) that
 * could not be written, as WRITE_FAILED naming what, where and why. The write
 * is atomic, so the previous version is still there: the message says so.
 */
export function saveFailed(e: unknown, what: string, path: string): AppError {
  if (isAppError(e)) return e
  const code = (e as NodeJS.ErrnoException)?.code
  const why = (code && WHY[code]) ?? (e instanceof Error ? e.message : String(e))
  return new AppError('WRITE_FAILED', `Cannot save ${what} to ${path}: ${why}${code ? ` (${code})` : ''}. The previous version of the file is unchanged; free space or fix permissions, then try again.`, {
    path,
  })
}
