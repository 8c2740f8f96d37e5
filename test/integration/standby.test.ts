import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../electron/services/connections/connectionUrl'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { migrateStore } from '../../electron/services/tracking/migrate'
import { cli } from '../helpers/cliRunner'
import { pgInfo } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { binDirFor } from '../helpers/pgVersions'
import { startReplicaPair, type ReplicaPair } from '../helpers/standby'
import { storeFacingSuite } from '../helpers/storeFacing'

/**
 * A hot standby (read replica) streaming from a primary, both started here.
 * Conflicts are made immediate (max_standby_streaming_delay = 0): a read in
 * the way of replay is cancelled at once, as on a busy replica.
 */
describe('on a hot standby', () => {
  let pair: ReplicaPair

  beforeAll(async () => {
    pair = await startReplicaPair({ binDir: await binDirFor(pgInfo().major), dump: FIXTURES.small.dump, standbyFlags: ['-c', 'max_standby_streaming_delay=0'] })
  }, 120_000)
  afterAll(() => pair?.stop())

  describe('the app reads as on the primary', () => {
    storeFacingSuite(async () => ({ url: pair.url(pair.standby), major: pgInfo().major, standby: true }))
  })

  it('indexes status reads; migrate and indexes create say the server is a standby, changing nothing', async () => {
    const status = await cli(['indexes', 'status', '--json', '--url', pair.url(pair.standby)])
    expect(status.code, status.stderr).toBe(0)
    const created = await cli(['indexes', 'create', '--url', pair.url(pair.standby)])
    expect(created.code).toBe(1)
    expect(created.stderr).toMatch(/is a hot standby \(a read replica\).*indexes create cannot run there.*primary/)
    const migrated = await migrateStore(parseConnectionUrl(pair.url(pair.standby, 'postgres'))).catch((e) => e)
    expect(migrated).toMatchObject({ code: 'SERVER_IS_STANDBY', message: expect.stringMatching(/hot standby .* migrate cannot run there/) })
  })

  describe('a read that conflicts with recovery', () => {
    let store: StoreHandle
    let primary: pg.Client
    let standby: pg.Client
    beforeAll(async () => {
      store = await openStore(parseConnectionUrl(pair.url(pair.standby)))
      primary = await pair.client(pair.primary)
      standby = await pair.client(pair.standby)
    })
    afterAll(async () => {
      await store?.close()
      await primary?.end()
      await standby?.end()
    })

    const lockConflicts = async () =>
      Number((await standby.query(`SELECT confl_lock FROM pg_stat_database_conflicts WHERE datname = current_database()`)).rows[0].confl_lock)

    it('is cancelled by the standby and run again: the caller gets its rows', async () => {
      const before = await lockConflicts()
      // Holds runs' AccessShareLock for a second, while the primary takes (and logs) an AccessExclusiveLock on it.
      const read = store.select<{ n: number }>('SELECT count(*)::int AS n FROM runs, pg_sleep(1)')
      await new Promise((r) => setTimeout(r, 300))
      await primary.query('BEGIN')
      await primary.query('LOCK TABLE runs IN ACCESS EXCLUSIVE MODE')
      await new Promise((r) => setTimeout(r, 500))
      await primary.query('COMMIT')
      const rows = await read
      expect(rows).toEqual([{ n: Number((await standby.query('SELECT count(*) FROM runs')).rows[0].count) }])
      expect(await lockConflicts()).toBeGreaterThan(before)
    })

    it('cancelled again on every retry: a clear error naming the conflict and what to do', async () => {
      let stop = false
      const locker = (async () => {
        while (!stop) {
          await primary.query('BEGIN')
          await primary.query('LOCK TABLE runs IN ACCESS EXCLUSIVE MODE')
          await primary.query('COMMIT')
          await new Promise((r) => setTimeout(r, 50))
        }
      })()
      try {
        const err = await store.select('SELECT count(*) FROM runs, pg_sleep(3)').catch((e) => e)
        expect(err).toMatchObject({ code: 'RECOVERY_CONFLICT' })
        expect(err.message).toMatch(/standby at .* cancelled the read 3 times because it conflicted with replaying the primary's changes/)
        expect(err.message).toMatch(/Try again; .*read from the primary.*max_standby_streaming_delay or hot_standby_feedback/)
      } finally {
        stop = true
        await locker
      }
      // And the store stays usable.
      expect(await store.select<{ one: number }>('SELECT 1 AS one')).toEqual([{ one: 1 }])
    })
  })
})
