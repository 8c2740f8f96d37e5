import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../electron/services/api/dispatch'
import type { CallContext } from '../../electron/services/api/handlers'
import { createAppContext, type AppSetup } from '../../electron/services/appContext'
import { queryPaths } from '../../electron/services/query/jsonStore'
import { QueryHistory } from '../../electron/services/query/queryHistory'
import { QueryTabs } from '../../electron/services/query/queryTabs'
import { SavedQueries } from '../../electron/services/query/savedQueries'
import { ProfileService } from '../../electron/services/profiles/profileService'
import { profilesFilePath } from '../../electron/services/profiles/profileFile'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import { createDatabase, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import type { Envelope } from '../helpers/envelope'

const FILLER = 'filler.bin'

/** Take every free byte of the disk at `dir` (a 1 MB tmpfs): writes fail with ENOSPC from here on. */
function fill(dir: string): void {
  try {
    writeFileSync(join(dir, FILLER), Buffer.alloc(2 * 1024 * 1024, 1))
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e
  }
}

const free = (dir: string) => rmSync(join(dir, FILLER), { force: true })
/** Every file under `dir` with its bytes, but the filler: what a failed save must leave as it was. */
function snapshot(dir: string): Record<string, string> {
  const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name !== FILLER)
  return Object.fromEntries(files.map((e) => [relative(dir, join(e.parentPath, e.name)), readFileSync(join(e.parentPath, e.name), 'utf8')]))
}
const leftovers = (dir: string) => (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.tmp'))

/**
 * Part 7 of #13 on a real full disk (a 1 MB tmpfs; the tests run as root, as
 * CI does): console history, tabs, saved queries and profiles. The user is
 * told (WRITE_FAILED naming the file and "the disk is full"), the previous file
 * stays byte for byte, no temp file is left, and no history entry is dropped.
 */
describe('a full disk under the app’s own files', () => {
  let root: string
  let disk: string

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'desk-full-'))
    disk = join(root, 'small-disk')
    mkdirSync(disk)
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', disk])
  })
  afterEach(() => free(disk))
  afterAll(() => {
    if (disk) execFileSync('umount', [disk])
  })

  it('console history: the entry is kept in memory, listed, reported, and written with the next one once there is room', async () => {
    const home = join(disk, 'history-home')
    const history = new QueryHistory(home)
    const entry = (sql: string) => ({ sql, at: Date.now(), duration_ms: 1, rows: 1, ok: true, error: null, action: 'run' as const })
    await history.append('p1', entry('SELECT 1'))
    const file = queryPaths(home).history('p1')
    const before = readFileSync(file, 'utf8')

    fill(disk)
    await expect(history.append('p1', entry('SELECT 2'))).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      details: { path: file },
      message: expect.stringMatching(
        /^Cannot save the console history to .*history\/p1\.json: the disk is full \(ENOSPC\)\. The previous version of the file is unchanged/,
      ),
    })
    await expect(history.append('p1', entry('SELECT 3'))).rejects.toMatchObject({ code: 'WRITE_FAILED' })
    expect(readFileSync(file, 'utf8')).toBe(before)
    expect(leftovers(home)).toEqual([])
    // Nothing dropped: listed newest first, and the user is told why they are not saved.
    expect((await history.list('p1', { limit: 10 })).map((e) => e.sql)).toEqual(['SELECT 3', 'SELECT 2', 'SELECT 1'])
    expect(history.unsavedWarning('p1')).toMatch(
      /^2 history entries are not saved: Cannot save the console history .* the disk is full \(ENOSPC\).* kept in memory and saved with the next query/,
    )

    free(disk)
    await history.append('p1', entry('SELECT 4'))
    expect(history.unsavedWarning('p1')).toBeNull()
    const onDisk = JSON.parse(readFileSync(file, 'utf8')).entries.map((e: { sql: string }) => e.sql)
    expect(onDisk).toEqual(['SELECT 4', 'SELECT 3', 'SELECT 2', 'SELECT 1'])
    expect((await history.list('p1', { limit: 10 })).map((e) => e.sql)).toEqual(onDisk)
  })

  it('console tabs and saved queries: WRITE_FAILED naming the file, the previous file intact', async () => {
    const home = join(disk, 'tabs-home')
    const tabs = new QueryTabs(home)
    const saved = new SavedQueries(home)
    await tabs.save('p1', { tabs: [{ id: 't1', title: 'Query 1', sql: 'SELECT 1', params: {} }], active_tab_id: 't1' })
    await saved.save({ name: 'first', sql: 'SELECT 1' })
    const before = snapshot(home)

    fill(disk)
    await expect(
      tabs.save('p1', { tabs: [{ id: 't1', title: 'Query 1', sql: 'SELECT 2 -- ' + 'x'.repeat(10_000), params: {} }], active_tab_id: 't1' }),
    ).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      message: expect.stringMatching(/^Cannot save the console tabs to .*tabs\/p1\.json: the disk is full \(ENOSPC\)/),
    })
    await expect(saved.save({ name: 'second', sql: 'SELECT 2 -- ' + 'x'.repeat(10_000) })).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      message: expect.stringMatching(/^Cannot save the saved queries to .*saved-queries\.json: the disk is full \(ENOSPC\)/),
    })
    expect(snapshot(home)).toEqual(before)
    expect(leftovers(home)).toEqual([])
    expect((await tabs.get('p1')).tabs[0].sql).toBe('SELECT 1')
    expect((await saved.list()).map((q) => q.name)).toEqual(['first'])
  })

  it('profiles: WRITE_FAILED (not a generic 500), profiles.json and its .bak intact, no temp file', async () => {
    const home = join(disk, 'profiles-home')
    const profiles = new ProfileService(home, aesGcmCipher(Buffer.alloc(32, 4), 'a test key'))
    await profiles.save({ settings: { name: 'a', host: 'h', database: 'db', user: 'u' } })
    await profiles.save({ settings: { name: 'b', host: 'h', database: 'db', user: 'u' } })
    const before = snapshot(home)
    expect(Object.keys(before).sort()).toEqual(['profiles.json', 'profiles.json.bak'])

    fill(disk)
    await expect(profiles.save({ settings: { name: 'c'.repeat(100), host: 'h'.repeat(200), database: 'db', user: 'u' } })).rejects.toMatchObject({
      code: 'WRITE_FAILED',
      details: { path: profilesFilePath(home) },
      message: expect.stringMatching(
        /^Cannot save the profiles to .*profiles\.json: the disk is full \(ENOSPC\)\. The previous version of the file is unchanged/,
      ),
    })
    expect(snapshot(home)).toEqual(before)
    expect(leftovers(home)).toEqual([])
    free(disk)
    expect((await profiles.list()).map((p) => p.name)).toEqual(['a', 'b'])
  })

  it('an unreadable profiles file on a full disk: the error still names the line, and says no copy could be made', async () => {
    const home = join(disk, 'broken-home')
    mkdirSync(home, { recursive: true })
    const file = profilesFilePath(home)
    writeFileSync(file, '{\n  "version": 1,,\n}\n')
    fill(disk)
    await expect(new ProfileService(home, aesGcmCipher(Buffer.alloc(32, 4), 'k')).list()).rejects.toMatchObject({
      code: 'PROFILES_FILE_INVALID',
      details: { line: 2 },
      message: expect.stringMatching(/line 2, column \d+: not valid JSON .*no copy could be made beside it \(the disk is full\); the file itself is untouched/),
    })
    expect(readFileSync(file, 'utf8')).toBe('{\n  "version": 1,,\n}\n')
    expect(readdirSync(home)).toEqual(['profiles.json'])
  })

  describe('through the API, as the app sees it', () => {
    let app: AppSetup
    let call: CallContext
    let home: string
    const api = async (channel: string, body: unknown) => (await dispatch(app.handlers, channel, body, call)) as Envelope

    beforeAll(async () => {
      home = join(disk, 'app-home')
      const db = await createDatabase('disk_full', FIXTURES.small.template)
      app = await createAppContext({
        home,
        env: {},
        cipher: aesGcmCipher(Buffer.alloc(32, 6), 'a test key'),
        choice: { url: `${urlFor(db)}?sslmode=disable` },
        transport: 'http',
      })
      call = { window: await app.workspace.window('full-tab'), signal: new AbortController().signal, openWindow: async () => null }
    })
    afterAll(async () => {
      await app?.workspace.dispose()
    })

    it('query:run on a full disk answers; query:history lists the run and says it is not saved; profiles:save is WRITE_FAILED', async () => {
      expect((await api('query:run', { tab_id: 'tab-1', sql: 'SELECT 1 AS one', params: {} })).ok).toBe(true)
      await api('query:history', {})
      fill(disk)
      const run = await api('query:run', { tab_id: 'tab-1', sql: 'SELECT 2 AS two', params: {} })
      expect(run.ok).toBe(true)
      const h = await api('query:history', {})
      expect(h.data.entries.map((e: { sql: string }) => e.sql)).toEqual(['SELECT 2 AS two', 'SELECT 1 AS one'])
      expect(h.data.unsaved).toMatch(/^1 history entry is not saved: .*the disk is full \(ENOSPC\)/)
      const tabs = await api('query:tabs-save', { tabs: [{ id: 'tab-1', title: 'Q', sql: 'x'.repeat(20_000), params: {} }], active_tab_id: 'tab-1' })
      expect(tabs.error).toMatchObject({ code: 'WRITE_FAILED', message: expect.stringMatching(/console tabs .*the disk is full/) })
      const saved = await api('profiles:save', { settings: { name: 'x'.repeat(100), host: 'h'.repeat(200), database: 'd', user: 'u' } })
      expect(saved.error).toMatchObject({ code: 'WRITE_FAILED', message: expect.stringMatching(/Cannot save the profiles .*the disk is full \(ENOSPC\)/) })
      free(disk)
      await api('query:run', { tab_id: 'tab-1', sql: 'SELECT 3 AS three', params: {} })
      const after = await api('query:history', {})
      expect(after.data.unsaved).toBeNull()
      expect(after.data.entries.map((e: { sql: string }) => e.sql)).toEqual(['SELECT 3 AS three', 'SELECT 2 AS two', 'SELECT 1 AS one'])
    })
  })
})
