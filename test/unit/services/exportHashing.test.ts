import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashFile } from '../../../electron/services/export/exportJournal'
import { saveStream } from '../../../electron/services/export/saveStream'

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')
const MiB = 1024 * 1024

/**
 * Sizes around a 1 MiB read (empty, one byte, a MiB less one, exactly one, one more) and files of
 * many MiB, saved several at once: what any way of hashing while saving must get right.
 */
const SIZES = [0, 1, MiB - 1, MiB, MiB + 1, 3 * MiB + 17, 9 * MiB + 5]

let tmp: string
const sources: Array<{ path: string; bytes: Buffer }> = []

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'desk-hash-'))
  await mkdir(join(tmp, 'src'))
  for (const [i, size] of SIZES.entries()) {
    const path = join(tmp, 'src', `f${i}.bin`)
    const bytes = randomBytes(size)
    await writeFile(path, bytes)
    sources.push({ path, bytes })
  }
})
afterAll(async () => rm(tmp, { recursive: true, force: true }))

/** The same bytes in uneven chunks, one of them bigger than a batch, so batches and chunks never line up. */
function oddChunks(bytes: Buffer): Readable {
  const cuts = [7, 65_536, 3, 2 * MiB + 11, 1000]
  const chunks: Buffer[] = []
  for (let off = 0, i = 0; off < bytes.length; i++) {
    const n = Math.min(cuts[i % cuts.length], bytes.length - off)
    chunks.push(bytes.subarray(off, off + n))
    off += n
  }
  return Readable.from(chunks)
}

describe('sha256 in worker threads', () => {
  it('saveStream: every file saved at once has the sha256 node computes of its bytes, and its bytes', async () => {
    const saved = await Promise.all(
      sources.flatMap(({ path, bytes }, i) => [
        saveStream(createReadStream(path), join(tmp, `a${i}.part`), `file ${i}`, { sync: false }),
        saveStream(oddChunks(bytes), join(tmp, `b${i}.part`), `file ${i}`, { sync: false }),
      ]),
    )
    sources.forEach(({ bytes }, i) => {
      expect(saved[2 * i]).toEqual({ size: bytes.length, sha256: sha(bytes) })
      expect(saved[2 * i + 1]).toEqual({ size: bytes.length, sha256: sha(bytes) })
    })
    for (const [i, { bytes }] of sources.entries()) {
      expect((await readFile(join(tmp, `a${i}.part`))).equals(bytes)).toBe(true)
      expect((await readFile(join(tmp, `b${i}.part`))).equals(bytes)).toBe(true)
    }
    // The same bytes hash the same whichever way they arrive; different bytes never share a digest.
    expect(new Set(saved.map((s) => s.sha256)).size).toBe(SIZES.length)
  })

  it('hashFile: files hashed at once match node, a missing file or a folder is null', async () => {
    const got = await Promise.all([...sources.map((s) => hashFile(s.path)), hashFile(join(tmp, 'nope')), hashFile(join(tmp, 'src'))])
    expect(got).toEqual([...sources.map((s) => ({ sha256: sha(s.bytes), size: s.bytes.length })), null, null])
  })

  it('hashFile: a cancelled check rejects as aborted', async () => {
    const ctrl = new AbortController()
    ctrl.abort()
    await expect(hashFile(sources[6].path, ctrl.signal)).rejects.toMatchObject({ name: 'AbortError' })
    const late = new AbortController()
    const pending = hashFile(sources[6].path, late.signal)
    late.abort()
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' })
    // The pool still answers after a dropped job.
    expect(await hashFile(sources[5].path)).toEqual({ sha256: sha(sources[5].bytes), size: sources[5].bytes.length })
  })

  it('a stream that fails midway: ARTIFACT_UNAVAILABLE naming it, no part file left, the next file still hashes right', async () => {
    const big = sources[6].bytes
    const failing = new Readable({
      read() {
        this.push(big.subarray(0, 5 * MiB))
        this.destroy(new Error('connection reset'))
      },
    })
    const part = join(tmp, 'fails.part')
    await expect(saveStream(failing, part, 'artifact "x.bin" of run r1')).rejects.toMatchObject({
      code: 'ARTIFACT_UNAVAILABLE',
      message: expect.stringContaining('artifact "x.bin" of run r1'),
    })
    expect((await readdir(tmp)).includes('fails.part')).toBe(false)
    expect(await saveStream(oddChunks(big), join(tmp, 'after.part'), 'after')).toEqual({ size: big.length, sha256: sha(big) })
  })
})
