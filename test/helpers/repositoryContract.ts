import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ArtifactFile, ArtifactRepository } from '../../electron/services/artifacts/artifactRepository'
import { artifactPath } from '../../electron/services/artifacts/artifactRepository'
import { downloadArtifacts } from '../../electron/services/export/artifactDownload'
import { ExportJournal, JOURNAL_FILE } from '../../electron/services/export/exportJournal'
import { ProgressTracker } from '../../electron/services/export/exportProgress'
import { saveStream } from '../../electron/services/export/saveStream'
import { appFailure, ARTIFACT_FOLDERS, ARTIFACT_TREE, BIG_FILE, EMPTY_FOLDER, readAll, UNICODE_FILE } from './artifactTree'

/**
 * What a store's test hands the shared suite: ARTIFACT_TREE (and EMPTY_FOLDER) uploaded into the
 * store, and a way to open a repository rooted at it, or at one of its folders (as the download of
 * a folder does). Each call may open a new repository; the suite closes what it opened.
 */
export interface ContractStore {
  open(folder?: string): Promise<ArtifactRepository>
  /**
   * A file beside the tree's root with these bytes, at `../<name>` from it: a store that let a path
   * climb out of its root would serve them.
   */
  outside: { name: string; bytes: Buffer }
  /** Remove what the setup made (the server itself is the store test's to stop). */
  cleanup?(): Promise<void>
}

/** Contract cases a store may be marked as not keeping yet (see ContractStore.gaps). */
export type ContractGap = 'climbsOut' | 'earlyAbort' | 'emptyFolder' | 'readFolder'

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex')

/** Every folder of the tree: the parents of each file, and EMPTY_FOLDER. */
const FOLDERS = new Set([EMPTY_FOLDER, ...ARTIFACT_FOLDERS])

/** A folder's children as every store must list them, worked out from ARTIFACT_TREE alone: folders first, then files, each by name in code-point order. */
export function treeListing(folder: string): ArtifactFile[] {
  const prefix = folder ? `${folder}/` : ''
  const child = (p: string) => p.startsWith(prefix) && !p.slice(prefix.length).includes('/')
  const dirs = [...FOLDERS].filter(child).map((path) => ({ path, is_dir: true, file_size: null }))
  const files = Object.keys(ARTIFACT_TREE)
    .filter(child)
    .map((path) => ({ path, is_dir: false, file_size: ARTIFACT_TREE[path]!.length }))
  const byName = (a: ArtifactFile, b: ArtifactFile) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)
  return [...dirs.sort(byName), ...files.sort(byName)]
}

/** Every file under a local folder, '/'-separated and relative to it, with its bytes. */
async function filesUnder(dir: string, rel = ''): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>()
  for (const e of await readdir(join(dir, rel), { withFileTypes: true })) {
    const path = rel ? `${rel}/${e.name}` : e.name
    if (e.isDirectory()) for (const [p, b] of await filesUnder(dir, path)) out.set(p, b)
    else out.set(path, await readFile(join(dir, path)))
  }
  return out
}

/**
 * The behaviour every artifact store shares, run by each store's integration test against its
 * real server (as a database driver's common suite): listing, stat, whole and ranged reads,
 * errors, paths that climb out, cancellation, and downloads of a file and of a folder through the
 * app's own downloader. What is particular to a store (its URI forms, credentials, its own errors)
 * stays in that store's test.
 */
export function describeRepositoryContract(
  name: string,
  setup: () => Promise<ContractStore> | ContractStore,
  /**
   * Where this store does not (yet) keep the contract, with why: that case then runs as it.fails,
   * so it pins today's behaviour and fails once the store is fixed (drop the entry then).
   */
  gaps: Partial<Record<ContractGap, string>> = {},
): void {
  const unless = (gap: ContractGap) => (gaps[gap] ? it.fails : it)
  const title = (gap: ContractGap, what: string) => (gaps[gap] ? `${what} [not yet: ${gaps[gap]}]` : what)
  describe(`${name}: the artifact repository contract`, () => {
    let store: ContractStore
    let repo: ArtifactRepository
    const opened: ArtifactRepository[] = []
    const open = async (folder?: string) => {
      const r = await store.open(folder)
      opened.push(r)
      return r
    }
    let out: string
    /** A folder download as artifacts:download runs one: the export's downloader into dir/tree. */
    const downloadTree = async (r: ArtifactRepository, dir: string) => {
      await mkdir(dir, { recursive: true })
      const journal = await ExportJournal.open(dir, false, Date.now())
      const result = await downloadArtifacts(dir, [{ runId: 'contract', repo: r, relDir: 'tree' }], {
        journal,
        progress: new ProgressTracker(undefined),
        concurrency: 3,
      })
      await rm(join(dir, JOURNAL_FILE), { force: true })
      return result
    }

    beforeAll(async () => {
      store = await setup()
      repo = await open()
      out = await mkdtemp(join(tmpdir(), 'desk-contract-'))
    })
    afterAll(async () => {
      for (const r of opened) await r.close()
      if (out) await rm(out, { recursive: true, force: true })
      await store?.cleanup?.()
    })

    it('lists the root and every folder: folders first, then files, by name, with sizes (the empty file 0, folders null)', async () => {
      const root = await repo.list('')
      expect(root).toEqual(treeListing(''))
      expect(root.find((f) => f.path === 'empty.txt')).toEqual({ path: 'empty.txt', is_dir: false, file_size: 0 })
      // "model" (a folder) and "model.txt" (a file) sort apart: the folder with the folders.
      expect(root.findIndex((f) => f.path === 'model')).toBeLessThan(root.findIndex((f) => f.path === 'model.txt'))
      let entries = 0
      const walk = async (folder: string): Promise<void> => {
        for (const f of await repo.list(folder)) {
          entries++
          if (f.is_dir) {
            expect(await repo.list(f.path), `listing of "${f.path}"`).toEqual(treeListing(f.path))
            await walk(f.path)
          }
        }
      }
      await walk('')
      expect(entries).toBe(Object.keys(ARTIFACT_TREE).length + FOLDERS.size)
    })

    it('an empty folder, a missing folder and a file list empty', async () => {
      expect(await repo.list(EMPTY_FOLDER)).toEqual([])
      expect(await repo.list('no/such/folder')).toEqual([])
      expect(await repo.list('model.txt')).toEqual([])
    })

    it('unicode and spaces in names list, stat and read as they are', async () => {
      const folder = UNICODE_FILE.slice(0, UNICODE_FILE.lastIndexOf('/'))
      expect(await repo.list(folder)).toEqual([{ path: UNICODE_FILE, is_dir: false, file_size: ARTIFACT_TREE[UNICODE_FILE]!.length }])
      expect(await repo.stat(UNICODE_FILE)).toEqual({ path: UNICODE_FILE, is_dir: false, file_size: ARTIFACT_TREE[UNICODE_FILE]!.length })
      expect((await readAll(await repo.read(UNICODE_FILE))).toString('utf8')).toBe('unicode name\n')
    })

    it('stats files, folders, the root; null for a missing path, a name prefix and a path below a file', async () => {
      expect(await repo.stat(BIG_FILE)).toEqual({ path: BIG_FILE, is_dir: false, file_size: ARTIFACT_TREE[BIG_FILE]!.length })
      expect(await repo.stat('empty.txt')).toEqual({ path: 'empty.txt', is_dir: false, file_size: 0 })
      expect(await repo.stat('metrics/deep')).toEqual({ path: 'metrics/deep', is_dir: true, file_size: null })
      expect(await repo.stat('')).toEqual({ path: '', is_dir: true, file_size: null })
      expect(await repo.stat('nope.txt')).toBeNull()
      expect(await repo.stat('model/nope.txt')).toBeNull()
      expect(await repo.stat('metrics/dee')).toBeNull()
      expect(await repo.stat('mod')).toBeNull()
      expect(await repo.stat('empty.txt/below')).toBeNull()
    })

    it('reads every file byte for byte, text and binary', async () => {
      for (const [path, bytes] of Object.entries(ARTIFACT_TREE)) expect((await readAll(await repo.read(path))).equals(bytes), path).toBe(true)
      expect((await readAll(await repo.read('MLmodel'))).toString('utf8')).toMatch(/^artifact_path: model\n/)
    })

    it('reads byte ranges: middle, head, tail, empty, past the end, of an empty file', async () => {
      const big = ARTIFACT_TREE[BIG_FILE]!
      const range = async (start: number | undefined, end: number | undefined) => readAll(await repo.read(BIG_FILE, { start, end }))
      const mid = 3 * 1024 * 1024 + 3
      expect((await range(mid, mid + 10)).equals(big.subarray(mid, mid + 10))).toBe(true)
      expect((await range(1_000_000, 1_000_100)).equals(big.subarray(1_000_000, 1_000_100))).toBe(true)
      expect((await range(65_530, 65_545)).equals(big.subarray(65_530, 65_545))).toBe(true)
      expect((await range(undefined, 5)).equals(big.subarray(0, 5))).toBe(true)
      expect((await range(big.length - 4, undefined)).equals(big.subarray(-4))).toBe(true)
      expect((await range(big.length - 1, big.length + 100)).equals(big.subarray(-1))).toBe(true)
      expect((await range(9, 9)).length).toBe(0)
      expect((await range(big.length, undefined)).length).toBe(0)
      expect((await range(big.length + 10, undefined)).length).toBe(0)
      expect((await readAll(await repo.read('empty.txt', { start: 0, end: 10 }))).length).toBe(0)
      // Several ranges of one file at once (a preview and a download side by side).
      const parallel = await Promise.all([0, 1, 2, 3].map((i) => range(i * 700_000, i * 700_000 + 1000)))
      parallel.forEach((got, i) => expect(got.equals(big.subarray(i * 700_000, i * 700_000 + 1000))).toBe(true))
    })

    it('streams a large file in pieces, never as one buffer', async () => {
      const big = ARTIFACT_TREE[BIG_FILE]!
      const hash = createHash('sha256')
      let chunks = 0
      let largest = 0
      let size = 0
      for await (const c of await repo.read(BIG_FILE)) {
        const b = c as Buffer
        chunks++
        largest = Math.max(largest, b.length)
        size += b.length
        hash.update(b)
      }
      expect(size).toBe(big.length)
      expect(hash.digest('hex')).toBe(sha(big))
      expect(chunks).toBeGreaterThan(1)
      expect(largest).toBeLessThan(big.length)
    })

    it('a missing file is NOT_FOUND naming it and the store', async () => {
      const e = await appFailure(repo.read('model/missing.bin'))
      expect(e.code).toBe('NOT_FOUND')
      expect(e.message).toContain('"model/missing.bin"')
      expect(e.message).toContain(repo.describe)
      expect(e.details?.path).toBe('model/missing.bin')
    })

    unless('readFolder')(title('readFolder', 'reading a folder, even an empty one, is BAD_REQUEST: a folder is not a file'), async () => {
      const dir = await appFailure(repo.read('model'))
      expect(dir.code).toBe('BAD_REQUEST')
      expect(dir.message).toContain('model')
      expect((await appFailure(repo.read(EMPTY_FOLDER))).code).toBe('BAD_REQUEST')
    })

    unless('emptyFolder')(title('emptyFolder', 'the empty folder it lists is a folder to stat, and downloads as nothing, not as missing'), async () => {
      expect((await repo.list('')).find((f) => f.path === EMPTY_FOLDER)).toEqual({ path: EMPTY_FOLDER, is_dir: true, file_size: null })
      expect(await repo.stat(EMPTY_FOLDER)).toEqual({ path: EMPTY_FOLDER, is_dir: true, file_size: null })
      const empty = await downloadTree(await open(EMPTY_FOLDER), join(out, 'empty'))
      expect(empty.files).toEqual([])
      expect(empty.missing).toEqual([])
      expect(
        await stat(join(out, 'empty', 'tree')).then(
          () => 'exists',
          () => 'absent',
        ),
      ).toBe('absent')
    })

    it('a path that climbs out of the root is refused by the app before it reaches any store', () => {
      for (const path of ['../x', 'model/../../x', '..', 'a\\b', './MLmodel']) {
        expect(() => artifactPath(path), path).toThrow(expect.objectContaining({ code: 'BAD_REQUEST' }))
      }
    })

    unless('climbsOut')(title('climbsOut', 'a path that climbs out of the root is refused by the store itself'), async () => {
      const escape = `../${store.outside.name}`
      const read = await repo.read(escape).then(readAll, (err: unknown) => err)
      expect(Buffer.isBuffer(read) && read.equals(store.outside.bytes), `read("${escape}") served the file outside the root`).toBe(false)
      expect(read, `read("${escape}")`).toMatchObject({ code: expect.stringMatching(/^(BAD_REQUEST|NOT_FOUND)$/) })
      const listed = await repo.list('..').catch((err: unknown) => err)
      expect(Array.isArray(listed) && listed.some((f) => f.path.endsWith(store.outside.name)), 'list("..") showed the outside file').toBe(false)
      const stat = await repo.stat(escape).catch((err: unknown) => err)
      expect(stat === null || (stat as { code?: string }).code === 'BAD_REQUEST', `stat("${escape}")`).toBe(true)
    })

    unless('earlyAbort')(title('earlyAbort', 'a call with an aborted signal is CANCELLED'), async () => {
      const early = new AbortController()
      early.abort()
      expect((await appFailure(repo.list('', early.signal))).code).toBe('CANCELLED')
    })

    it('an abort in the middle of a read ends the stream with an AbortError', async () => {
      const ctl = new AbortController()
      const stream = await repo.read(BIG_FILE, { signal: ctl.signal })
      let got = 0
      const reading = (async () => {
        for await (const c of stream) {
          got += (c as Buffer).length
          ctl.abort()
        }
      })()
      await expect(reading).rejects.toMatchObject({ name: 'AbortError' })
      expect(got).toBeLessThan(ARTIFACT_TREE[BIG_FILE]!.length)
    })

    it('downloads a file to a destination, byte for byte (as artifacts:download saves one)', async () => {
      const dest = join(out, 'weights.bin')
      const saved = await saveStream(await repo.read(BIG_FILE), dest, BIG_FILE)
      expect(saved).toEqual({ size: ARTIFACT_TREE[BIG_FILE]!.length, sha256: sha(ARTIFACT_TREE[BIG_FILE]!) })
      expect((await readFile(dest)).equals(ARTIFACT_TREE[BIG_FILE]!)).toBe(true)
    })

    it("downloads the whole tree and a folder of it through the app's downloader: the same files, the same bytes", async () => {
      const whole = await downloadTree(repo, join(out, 'whole'))
      expect(whole.missing).toEqual([])
      const got = await filesUnder(join(out, 'whole', 'tree'))
      expect([...got.keys()].sort()).toEqual(Object.keys(ARTIFACT_TREE).sort())
      for (const [path, bytes] of got) expect(bytes.equals(ARTIFACT_TREE[path]!), path).toBe(true)
      expect(whole.downloaded).toEqual({ files: got.size, bytes: Object.values(ARTIFACT_TREE).reduce((n, b) => n + b.length, 0) })
      const manifest = new Map(whole.files.map((f) => [f.path, f]))
      for (const [path, bytes] of Object.entries(ARTIFACT_TREE))
        expect(manifest.get(`tree/${path}`)).toEqual({ path: `tree/${path}`, size: bytes.length, sha256: sha(bytes) })

      const model = await downloadTree(await open('model'), join(out, 'model'))
      const under = Object.keys(ARTIFACT_TREE).filter((p) => p.startsWith('model/'))
      expect(model.files.map((f) => f.path).sort()).toEqual(under.map((p) => `tree/${p.slice('model/'.length)}`).sort())
      for (const p of under)
        expect((await readFile(join(out, 'model', 'tree', ...p.slice('model/'.length).split('/')))).equals(ARTIFACT_TREE[p]!), p).toBe(true)
    })
  })
}
