import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { copyFile, link, mkdir, open, rename, rm } from 'node:fs/promises'
import { dirname } from 'node:path'

/**
 * Write a file atomically: a private temp file beside the target, flushed to
 * disk, then renamed over it, so a crash leaves either the old file or the new
 * one. With `backup`, the previous version is kept as <file>.bak.
 *
 * On any failure (a full disk above all) the target is untouched, the temp file
 * is removed, and the error is thrown as the file system gave it.
 */
export async function writeFileAtomic(file: string, text: string, opts: { backup?: boolean } = {}): Promise<void> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 })
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  const fh = await open(tmp, 'wx', 0o600)
  try {
    try {
      await fh.writeFile(text)
      await fh.sync()
    } finally {
      await fh.close()
    }
    if (opts.backup && existsSync(file)) await keepPrevious(file, `${file}.bak`)
    await rename(tmp, file)
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined)
    throw e
  }
}

/**
 * <file>.bak as a second name of the current file (a hard link takes no space,
 * so it works on a full disk too); where links are not possible, a copy that is
 * renamed into place only when whole.
 */
async function keepPrevious(file: string, bak: string): Promise<void> {
  const next = `${bak}.${randomBytes(4).toString('hex')}.tmp`
  try {
    try {
      await link(file, next)
    } catch {
      await copyFile(file, next)
    }
    await rename(next, bak)
  } catch (e) {
    await rm(next, { force: true }).catch(() => undefined)
    throw e
  }
}
