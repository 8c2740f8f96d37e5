import { AppError, isAppError } from '@shared/api/errors'
import { writeReason } from './writeReasons'

/**
 * A settings-style file (profiles, console history, tabs, saved queries) that
 * could not be written, as WRITE_FAILED naming what, where and why. The write
 * is atomic, so the previous version is still there: the message says so.
 */
export function saveFailed(e: unknown, what: string, path: string): AppError {
  if (isAppError(e)) return e
  return new AppError(
    'WRITE_FAILED',
    `Cannot save ${what} to ${path}: ${writeReason(e)}. The previous version of the file is unchanged; free space or fix permissions, then try again.`,
    {
      path,
    },
  )
}
