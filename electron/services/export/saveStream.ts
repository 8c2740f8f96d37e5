import { createHash } from 'node:crypto'
import { open, rm } from 'node:fs/promises'
import pLimit from 'p-limit'
import type { Readable } from 'node:stream'
import { AppError, isAppError } from '@shared/api/errors'
import { writing } from './writeErrors'

/**
 * Stream an artifact into `part` while computing its sha256, then (unless `sync` is false)
 * fsync it. On any failure the part file is removed. Write failures are WRITE_FAILED naming the file; read failures
 * are ARTIFACT_UNAVAILABLE naming `what` (the artifact and its store).
 */
export async function saveStream(
  stream: Readable,
  part: string,
  what: string,
  opts: { onBytes?: (n: number) => void; signal?: AbortSignal; sync?: boolean } = {},
): Promise<{ size: number; sha256: string }> {
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
    if (opts.sync !== false) await writing(part, () => fh.sync())
  } catch (e) {
    await fh.close().catch(() => undefined)
    await rm(part, { force: true })
    throw Object.assign(e as object, { bytesWritten: size })
  }
  await writing(part, () => fh.close())
  return { size, sha256: hash.digest('hex') }
}

/**
 * fsync files written without it (their data reaches the disk in the background meanwhile), a
 * few at a time: what a manifest vouches for must be on the disk before the manifest is.
 */
export async function syncFiles(paths: readonly string[], concurrency = 8): Promise<void> {
  const limit = pLimit(concurrency)
  await Promise.all(
    paths.map((p) =>
      limit(() =>
        writing(p, async () => {
          const fh = await open(p, 'r')
          try {
            await fh.sync()
          } finally {
            await fh.close()
          }
        }),
      ),
    ),
  )
}
