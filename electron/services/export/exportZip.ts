import { createWriteStream } from 'node:fs'
import { open, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import yazl from 'yazl'
import { writing } from './writeErrors'

/**
 * Zip a finished export folder (the files named, '/'-separated paths) to `zipPath`,
 * through "<zip>.part" renamed when complete, so a half-written zip never looks whole.
 * Entries are stored under the same relative paths, so unzipping gives the folder back.
 */
export async function zipExport(dir: string, paths: string[], zipPath: string, signal?: AbortSignal): Promise<{ path: string; bytes: number }> {
  const part = `${zipPath}.part`
  const zip = new yazl.ZipFile()
  for (const p of paths) zip.addFile(join(dir, ...p.split('/')), p)
  zip.end()
  try {
    await writing(part, () => pipeline(zip.outputStream, createWriteStream(part), { signal }))
    await writing(part, async () => {
      const fh = await open(part, 'r+')
      try {
        await fh.sync()
      } finally {
        await fh.close()
      }
    })
  } catch (e) {
    await rm(part, { force: true })
    throw e
  }
  await writing(zipPath, () => rename(part, zipPath))
  return { path: zipPath, bytes: (await stat(zipPath)).size }
}
