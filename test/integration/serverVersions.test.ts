import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseConnectionUrl } from '../../electron/services/connections/connectionUrl'
import { openStore } from '../../electron/services/connections/storeConnection'
import { binaryMajor } from '../../electron/services/demo/postgresServer'
import { MLFLOW_HEAD_REVISION } from '../../electron/services/mlflowSchema/revisions'
import { migrateStore } from '../../electron/services/tracking/migrate'
import { SEARCH_INDEXES } from '../../electron/services/tracking/searchIndexes'
import { catalogSnapshot, checksInDump, withDumpChecks } from '../helpers/catalog'
import { cli } from '../helpers/cliRunner'
import { pgInfo } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { loadPlainDump } from '../helpers/pgDump'
import { SUPPORTED_MAJORS, binDirFor, startTestServer, type TestServer } from '../helpers/pgVersions'
import { storeFacingSuite } from '../helpers/storeFacing'

/**
 * The smoke set on every other PostgreSQL users run (the full suite runs on one
 * version; `npm run test:pg-matrix` runs all of it on each): each server is
 * started here from its own binaries, the MLflow-written store restored into
 * it, and the app's store-facing work, migrate and the optional indexes tried.
 */
describe('the binaries are the versions they claim', () => {
  it.each(SUPPORTED_MAJORS.map((m) => [m]))('PostgreSQL %i', async (major) => {
    expect(await binaryMajor(await binDirFor(major))).toBe(major)
  })
})

for (const major of SUPPORTED_MAJORS.filter((m) => m !== pgInfo().major)) {
  describe(`PostgreSQL ${major}`, () => {
    let s: TestServer

    beforeAll(async () => {
      s = await startTestServer(major)
      const admin = await s.client('postgres')
      await admin.query('CREATE DATABASE store')
      await admin.query('CREATE DATABASE empty')
      await admin.end()
      const c = await s.client('store')
      await loadPlainDump(c, FIXTURES.small.dump)
      await c.end()
    }, 120_000)
    afterAll(() => s?.stop())

    storeFacingSuite(async () => ({ url: s.url('store'), major }))

    it("migrate turns an empty database into MLflow's exact schema", async () => {
      expect((await migrateStore(parseConnectionUrl(s.url('empty')))).revision).toBe(MLFLOW_HEAD_REVISION)
      const [migrated, restored] = await Promise.all(
        ['empty', 'store'].map(async (db) => {
          const c = await s.client(db)
          try {
            return await catalogSnapshot(c)
          } finally {
            await c.end()
          }
        }),
      )
      const checks = checksInDump(readFileSync(FIXTURES.small.dump, 'utf8'))
      expect(withDumpChecks(migrated, checks)).toEqual(withDumpChecks(restored, checks))
    })

    it('the optional search indexes: built, present, dropped', async () => {
      const url = s.url('store')
      const created = await cli(['indexes', 'create', '--metric-history', '--url', url])
      expect(created.code, created.stderr).toBe(0)
      const store = await openStore(parseConnectionUrl(url))
      try {
        const { searchIndexStatus } = await import('../../electron/services/tracking/searchIndexes')
        expect((await searchIndexStatus(store)).map((i) => i.state)).toEqual(SEARCH_INDEXES.map(() => 'present'))
      } finally {
        await store.close()
      }
      expect((await cli(['indexes', 'drop', '--url', url])).code).toBe(0)
    })
  })
}

describe('PostgreSQL 11, which the app does not support', () => {
  let s: TestServer
  beforeAll(async () => {
    s = await startTestServer(11)
  }, 120_000)
  afterAll(() => s?.stop())

  it('is refused on connect, naming the version found and the minimum', async () => {
    const err = await openStore(parseConnectionUrl(s.url('postgres'))).catch((e) => e)
    expect(err).toMatchObject({
      code: 'UNSUPPORTED_SERVER',
      message: expect.stringMatching(/runs PostgreSQL 11\.\d+; MLflow Desk needs PostgreSQL 12 or newer/),
    })
  })

  it('is refused by migrate and the CLI alike, before anything is written', async () => {
    const err = await migrateStore(parseConnectionUrl(s.url('postgres'))).catch((e) => e)
    expect(err).toMatchObject({ code: 'UNSUPPORTED_SERVER' })
    const r = await cli(['experiments', 'list', '--url', s.url('postgres')])
    expect(r.code).toBe(1)
    expect(r.stderr).toMatch(/PostgreSQL 11\.\d+; MLflow Desk needs PostgreSQL 12 or newer/)
    const c = await s.client('postgres')
    try {
      expect((await c.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`)).rows[0].n).toBe(0)
    } finally {
      await c.end()
    }
  })
})
