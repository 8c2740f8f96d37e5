import { createHash } from 'node:crypto'
import { open, rm } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { AppError, isAppError } from '@shared/api/errors'
import { writing } from './writeErrors'

/**
 * Stream an artifact into `part` while computing its sha256, then fsync it. On any failure
 * the part file is removed. Write failures are WRITE_FAILED naming the file; read failures
 * are ARTIFACT_UNAVAILABLE naming `what` (the artifact and its store).
 */
export async function saveStream(stream: Readable, part: string, what: string, opts: { onBytes?: (n: number) => void; signal?: AbortSignal } = {}): Promise<{ size: number; sha256: string }> {
  const fh = await writing(part, () => open(part, 'w'))
  const hash = createHash('sha256')
  let size = 0
  try {
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        hash.update(chunk)
        let off = 0
        while (off < chunk.length) off += (await writing(part, () => fh.write(chunk, off, chunk.length - off))).bytesWritten
        size += chunk.length
        opts.onBytes?.(chunk.length)
      }
    } catch (e) {
      if (isAppError(e) || opts.signal?.aborted) throw e
      throw new AppError('ARTIFACT_UNAVAILABLE', `Reading ${what} failed: ${e instanceof Error ? e.message : String(e)}.`)
    }
    await writing(part, () => fh.sync())
  } catch (e) {
    await fh.close().catch(() => undefined)
    await rm(part, { force: true })
    throw Object.assign(e as object, { bytesWritten: size })
  }
  await writing(part, () => fh.close())
  return { size, sha256: hash.digest('hex') }
}
