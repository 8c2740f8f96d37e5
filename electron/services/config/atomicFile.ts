import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * Write a file atomically: a private temp file beside the target, flushed to
 * disk, then renamed over it, so a crash leaves either the old file or the new
 * one. With `backup`, the previous version is kept as <file>.bak.
 */
export async function writeFileAtomic(file: string, text: string, opts: { backup?: boolean } = {}): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  const fh = await open(tmp, 'wx', 0o600)
  try {
    await fh.writeFile(text)
    await fh.sync()
  } catch (e) {
    await fh.close()
    await rm(tmp, { force: true })
    throw e
  }
  await fh.close()
  if (opts.backup && existsSync(file)) await copyFile(file, `${file}.bak`)
  await rename(tmp, file)
}
