/** What a failed file-system write means, in words (the code kept for searching). One table for every writer. */
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
  EIO: 'an input/output error',
}

/** "the disk is full (ENOSPC)", or the error's own message when its code is not one of ours. */
export function writeReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code
  const why = (code && WHY[code]) ?? (e instanceof Error ? e.message : String(e))
  return `${why}${code ? ` (${code})` : ''}`
}
