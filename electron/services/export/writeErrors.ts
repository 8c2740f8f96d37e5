import { AppError, isAppError } from '@shared/api/errors'
import { writeReason } from '../config/writeReasons'

/**
 * A failed write as WRITE_FAILED naming the path and the reason. What was written
 * before stays valid: a rerun with --resume completes the export.
 */
export function writeFailed(e: unknown, path: string): AppError {
  if (isAppError(e)) return e
  return new AppError(
    'WRITE_FAILED',
    `Cannot write ${path}: ${writeReason(e)}. Free space or fix permissions, then rerun with --resume to complete the export.`,
    { path },
  )
}

/** Run a file-system step, turning its failure into WRITE_FAILED for `path`. */
export async function writing<T>(path: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (e) {
    throw writeFailed(e, path)
  }
}
