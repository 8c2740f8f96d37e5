import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../electron/services/api/dispatch'
import type { CallContext } from '../../electron/services/api/handlers'
import { createAppContext, type AppSetup } from '../../electron/services/appContext'
import { runQuery } from '../../electron/services/query/queryRunner'
import { openStore } from '../../electron/services/connections/storeConnection'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import { adminClient, createDatabase, targetFor, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import type { Envelope } from '../helpers/envelope'

/** Settled yet? Without waiting for it. */
function watch<T>(p: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let done = false
  const promise = p.finally(() => (done = true))
  return { promise, settled: () => done }
}

describe('the SQL console does not starve browsing', () => {
  let app: AppSetup
  let call: CallContext
  let admin: pg.Client
  let locker: pg.Client
  let db: string

  beforeAll(async () => {
    db = await createDatabase('console_pool', FIXTURES.small.template)
    admin = adminClient(db)
    await admin.connect()
    locker = adminClient(db)
    await locker.connect()
    const home = await mkdtemp(join(tmpdir(), 'desk-console-pool-'))
    app = await createAppContext({
      home,
      env: {},
      cipher: aesGcmCipher(Buffer.alloc(32, 5), 'a test key'),
      choice: { url: `${urlFor(db)}?sslmode=disable`, statementTimeoutSeconds: 60 },
      transport: 'http',
    })
    call = { window: await app.workspace.window('console-pool'), signal: new AbortController().signal, openWindow: async () => null }
  })
  afterAll(async () => {
    await app?.workspace.dispose()
    await locker?.end().catch(() => undefined)
    await admin?.end()
  })

  const api = async (channel: string, body: unknown) => (await dispatch(app.handlers, channel, body, call)) as Envelope
  const search = async () => {
    const started = performance.now()
    const r = await api('runs:search', { experiment_ids: [], max_results: 50 })
    expect(r.ok, r.error?.message).toBe(true)
    return { ms: performance.now() - started, runs: r.data.runs.length as number }
  }
  const consoleBackends = async (state?: string) =>
    (
      await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = 'mlflow-desk console' AND ($1::text IS NULL OR state = $1)`,
        [state ?? null],
      )
    ).rows[0].n

  it('two console queries and an export held for seconds, and a third query waiting its turn, leave runs:search answering at once', async () => {
    const idle = [await search(), await search(), await search()].map((s) => s.ms).sort((a, b) => a - b)[1]
    // The console's statements wait for a lock another session holds (no CPU spent): they run as long as the test wants.
    await locker.query('BEGIN')
    await locker.query('LOCK TABLE model_versions IN ACCESS EXCLUSIVE MODE')
    const jobs = [
      watch(api('query:run', { tab_id: 'a', sql: 'SELECT count(*) AS n FROM model_versions' })),
      watch(api('query:run', { tab_id: 'b', sql: 'SELECT count(*) AS n FROM model_versions WHERE version > 0' })),
      watch(api('query:export', { export_id: 'e', sql: 'SELECT * FROM model_versions', format: 'csv', file_name: 'versions' })),
      watch(api('query:run', { tab_id: 'c', sql: 'SELECT name FROM model_versions ORDER BY 1' })),
    ]
    try {
      // The console holds its two connections, both waiting on the lock; the other jobs wait their turn.
      for (let i = 0; i < 200 && (await consoleBackends('active')) < 2; i++) await new Promise((r) => setTimeout(r, 25))
      await new Promise((r) => setTimeout(r, 200))
      const during = await search()
      console.log(`runs:search: ${idle.toFixed(1)} ms idle, ${during.ms.toFixed(1)} ms with the console's connections all busy`)
      expect(during.runs).toBeGreaterThan(0)
      // It answered while every console job was still running or waiting: it never queued behind them.
      expect(jobs.map((j) => j.settled())).toEqual([false, false, false, false])
      // The console held two connections, no more: the third query and the export waited their turn.
      expect(await consoleBackends('active')).toBe(2)
      expect(await consoleBackends()).toBe(2)
    } finally {
      await locker.query('ROLLBACK')
    }
    const done = await Promise.all(jobs.map((j) => j.promise))
    expect(done.map((r) => r.ok)).toEqual([true, true, true, true])
    expect(done[2].data.rows).toBeGreaterThan(0)
  }, 60_000)

  it('a wait for a console turn can be cancelled, and the turn passes on', async () => {
    const store = await openStore(targetFor(db), { consolePoolMax: 1 })
    try {
      const held = await store.checkout()
      const abort = new AbortController()
      const waiting = store.checkout(abort.signal).catch((e) => e)
      const next = store.checkout()
      abort.abort()
      expect(await waiting).toMatchObject({ code: 'CANCELLED' })
      await held.release()
      const got = await next
      expect(got.pid).toBeGreaterThan(0)
      await got.release()
      // Browsing is untouched by the console's single connection.
      expect(await store.select<{ n: number }>('SELECT 1 AS n')).toEqual([{ n: 1 }])
    } finally {
      await store.close()
    }
  })

  it('work_mem: 64MB in console transactions, or the profile’s; never on browsing’s reads or on the session', async () => {
    const workMem = async (consoleWorkMem?: string, options?: string) => {
      const store = await openStore({ ...targetFor(db), options }, { consoleWorkMem })
      try {
        const inConsole = (await runQuery(store, { sql: 'SHOW work_mem', params: {}, max_rows: 1 })).rows[0][0]
        const browsing = (await store.select<{ work_mem: string }>('SHOW work_mem'))[0].work_mem
        // The same pooled connection outside any transaction: the console's setting ended with its transaction.
        const c = await store.checkout()
        const session = (await c.client.query<{ work_mem: string }>('SHOW work_mem')).rows[0].work_mem
        await c.release()
        return { inConsole, browsing, session }
      } finally {
        await store.close()
      }
    }
    expect(await workMem()).toEqual({ inConsole: '64MB', browsing: '4MB', session: '4MB' })
    expect(await workMem('256MB')).toEqual({ inConsole: '256MB', browsing: '4MB', session: '4MB' })
    // A connection's own -c work_mem=... applies to every read; the console keeps it unless the profile says otherwise.
    expect(await workMem(undefined, '-c work_mem=16MB')).toEqual({ inConsole: '16MB', browsing: '16MB', session: '4MB' })
    await expect(openStore(targetFor(db), { consoleWorkMem: '64mb' })).rejects.toMatchObject({
      code: 'INVALID_CONNECTION',
      details: { field: 'sql_console.work_mem' },
    })
    await expect(openStore(targetFor(db), { consoleWorkMem: '10kB' })).rejects.toMatchObject({ message: expect.stringContaining('minimum of 64kB') })
  })
})
