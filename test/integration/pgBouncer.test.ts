import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore } from '../../electron/services/connections/storeConnection'
import { parseConnectionUrl } from '../../electron/services/connections/connectionUrl'
import { migrateStore } from '../../electron/services/tracking/migrate'
import { createDatabase, pgInfo, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { startPgBouncer, type Bouncer } from '../helpers/pgBouncer'
import { storeFacingSuite } from '../helpers/storeFacing'

/**
 * Behind PgBouncer in transaction mode with ONE server connection per database,
 * every client (the app, MLflow's tracking server, a DBA's psql) takes turns on
 * the same server session after each transaction. Whatever the app set on a
 * session would land on the next client's work; nothing may, and nothing may
 * rely on a session of its own.
 */
describe('through PgBouncer in transaction mode (one shared server connection)', () => {
  let bouncer: Bouncer
  let database: string

  beforeAll(async () => {
    bouncer = await startPgBouncer({ server: pgInfo(), poolMode: 'transaction', poolSize: 1 })
    database = await createDatabase('bouncer', FIXTURES.small.template)
  })
  afterAll(() => bouncer?.stop())

  describe('the app works as on a direct connection', () => {
    storeFacingSuite(async () => ({ url: bouncer.url(database), referenceUrl: urlFor(database), major: pgInfo().major }))
  })

  /** A plain client on the same pool, as MLflow's tracking server would be. */
  async function sessionOfOthers(): Promise<Record<string, string>> {
    const c = new pg.Client({ connectionString: bouncer.url(database).replace(/\?.*$/, '') })
    await c.connect()
    try {
      const { rows } = await c.query(
        `SELECT current_setting('default_transaction_read_only') AS default_transaction_read_only, current_setting('transaction_read_only') AS transaction_read_only,
                current_setting('statement_timeout') AS statement_timeout, current_setting('lock_timeout') AS lock_timeout,
                current_setting('idle_in_transaction_session_timeout') AS idle_in_transaction_session_timeout,
                current_setting('search_path') AS search_path, current_setting('TimeZone') AS timezone, current_setting('client_min_messages') AS client_min_messages`,
      )
      // It can write: a tracking server logging a metric.
      await c.query(`INSERT INTO experiment_tags (key, value, experiment_id) VALUES ('written-through-pool-' || md5(random()::text), 'yes', 0)`)
      return rows[0]
    } finally {
      await c.end()
    }
  }

  it('leaves the shared server session as it found it: writable, no timeouts, default search_path and time zone', async () => {
    const before = await sessionOfOthers()
    const store = await openStore({ ...parseConnectionUrl(bouncer.url(database)), schema: 'public' }, { statementTimeoutMs: 1234 })
    try {
      // Our settings hold inside our transactions…
      expect(await store.read((r) => r.select("SELECT current_setting('transaction_read_only') AS ro, current_setting('statement_timeout') AS st"))).toEqual([
        { ro: 'on', st: '1234ms' },
      ])
      await store.select('SELECT count(*) FROM metrics')
      await expect(store.select('SELECT pg_sleep(3)')).rejects.toMatchObject({ code: 'TIMEOUT' })
      // …and not outside them, even while our pool keeps its connection to the pooler open.
      expect(await sessionOfOthers()).toEqual(before)
    } finally {
      await store.close()
    }
    expect(before).toMatchObject({
      default_transaction_read_only: 'off',
      transaction_read_only: 'off',
      statement_timeout: '0',
      lock_timeout: '0',
      idle_in_transaction_session_timeout: '0',
    })
    expect(await sessionOfOthers()).toEqual(before)
  })

  it('migrates an empty database through the pooler, leaving nothing on the session', async () => {
    const empty = await createDatabase('bouncer_migrate')
    const before = await sessionOfOthers().catch(() => null)
    const result = await migrateStore(parseConnectionUrl(bouncer.url(empty)))
    expect(result.revision).toBe('bf29a5ff90ea')
    const c = new pg.Client({ connectionString: bouncer.url(empty).replace(/\?.*$/, '') })
    await c.connect()
    try {
      const { rows } = await c.query(
        `SELECT current_setting('TimeZone') AS tz, current_setting('client_min_messages') AS cmm, current_setting('default_transaction_read_only') AS ro`,
      )
      expect(rows[0]).toMatchObject({ ro: 'off', ...(before ? { tz: before.timezone, cmm: before.client_min_messages } : {}) })
    } finally {
      await c.end()
    }
  })

  it('cancels a console statement through the pooler, and the shared session stays usable', async () => {
    const store = await openStore(parseConnectionUrl(bouncer.url(database)))
    try {
      const { withReadTransaction } = await import('../../electron/services/query/readTransaction')
      const abort = new AbortController()
      const started = Date.now()
      setTimeout(() => abort.abort(), 300)
      const err = await withReadTransaction(store, { timeoutMs: 30_000, signal: abort.signal }, async (tx) => {
        await tx.cursor('SELECT pg_sleep(20)', []).read(1)
      }).catch((e) => e)
      expect(err).toMatchObject({ code: 'CANCELLED' })
      expect(Date.now() - started).toBeLessThan(10_000)
      expect(await store.select<{ n: number }>('SELECT 1 AS n')).toEqual([{ n: 1 }])
    } finally {
      await store.close()
    }
  })
})
