import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../electron/services/api/dispatch'
import type { CallContext } from '../../electron/services/api/handlers'
import { createAppContext, type AppSetup } from '../../electron/services/appContext'
import { freePort, startCluster, type EmbeddedCluster } from '../../electron/services/demo/embeddedCluster'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import { adminClient, createDatabase, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { loadPlainDump } from '../helpers/pgDump'
import { MAIN_MAJOR, binDirFor } from '../helpers/pgVersions'
import type { Envelope } from '../helpers/envelope'

/** Keeps a backend busy for many seconds with no function the console refuses. */
const long = (marker: string) => `SELECT '${marker}' AS marker, count(*) FROM generate_series(1, 400000000) AS g`

/** The backend running the statement with `marker`, once it runs. */
async function backendRunning(admin: pg.Client, marker: string): Promise<number> {
  for (let i = 0; i < 400; i++) {
    const { rows } = await admin.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()`,
      [`%${marker}%`],
    )
    if (rows[0]) return rows[0].pid
    await new Promise((r) => setTimeout(r, 25))
  }
  throw new Error(`never saw "${marker}" running`)
}

async function console_(home: string, url: string): Promise<{ app: AppSetup; api: (channel: string, body: unknown) => Promise<Envelope> }> {
  const app = await createAppContext({
    home,
    env: {},
    cipher: aesGcmCipher(Buffer.alloc(32, 5), 'a test key'),
    choice: { url, statementTimeoutSeconds: 120 },
    transport: 'http',
  })
  const call: CallContext = { window: await app.workspace.window('lost-tab'), signal: new AbortController().signal, openWindow: async () => null }
  return { app, api: async (channel, body) => (await dispatch(app.handlers, channel, body, call)) as Envelope }
}

/**
 * Part 7 of #13: a console query whose session the server ends is reported as
 * the connection closing (CONNECTION_LOST), not as "PostgreSQL refused the
 * statement", and the next query gets a fresh connection.
 */
describe('a console query whose connection the server closes', () => {
  // An 'error' event nobody listens to would end `mlflow-desk serve`: none may escape.
  const crashes: unknown[] = []
  const onCrash = (e: unknown) => crashes.push(e)
  beforeAll(() => void process.on('uncaughtException', onCrash))
  afterAll(() => void process.off('uncaughtException', onCrash))

  it('pg_terminate_backend from an admin session: CONNECTION_LOST, and the next query runs on a fresh connection', async () => {
    const db = await createDatabase('lost_terminate', FIXTURES.small.template)
    const admin = adminClient(db)
    await admin.connect()
    const { app, api } = await console_(await mkdtemp(join(tmpdir(), 'desk-lost-')), `${urlFor(db)}?sslmode=disable`)
    try {
      const running = api('query:run', { tab_id: 'tab-1', sql: long('terminate-me'), params: {} })
      const pid = await backendRunning(admin, 'terminate-me')
      expect((await admin.query('SELECT pg_terminate_backend($1) AS ok', [pid])).rows[0].ok).toBe(true)
      const res = await running
      expect(res.ok).toBe(false)
      expect(res.error).toMatchObject({
        code: 'CONNECTION_LOST',
        message: expect.stringMatching(/^The server closed the connection \(terminating connection due to administrator command: .*\); reconnecting/),
      })
      expect(res.error!.message).not.toMatch(/refused the statement/)

      const next = await api('query:run', { tab_id: 'tab-1', sql: 'SELECT pg_backend_pid() AS pid', params: {} })
      expect(next.ok, JSON.stringify(next.error)).toBe(true)
      expect(Number(next.data.rows[0][0])).not.toBe(pid)
      // Browsing on the same store goes on too.
      expect((await api('runs:search', { experiment_ids: ['1'], max_results: 1 })).ok).toBe(true)
      // The history says what happened.
      const { entries } = (await api('query:history', {})).data
      expect(entries.find((e: { sql: string }) => e.sql.includes('terminate-me'))).toMatchObject({
        ok: false,
        error: expect.stringMatching(/server closed the connection/),
      })
      await new Promise((r) => setTimeout(r, 200))
      expect(crashes.map(String), 'an uncaught error from the lost connection').toEqual([])
    } finally {
      await app.workspace.dispose()
      await admin.end()
    }
  })

  describe('a server of our own, stopped and started again', () => {
    let dir: string
    let port: number
    let cluster: EmbeddedCluster | null = null
    const password = 'lost-server-password'
    const start = async () => (cluster = await startCluster({ dataDir: join(dir, 'data'), password, port, binDir: await binDirFor(MAIN_MAJOR) }))

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'desk-lost-server-'))
      await chmod(dir, 0o755) // as root the server runs as 'postgres' and must enter it
      port = await freePort()
      await start()
      const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres' })
      await admin.connect()
      await admin.query('CREATE DATABASE store')
      await admin.end()
      const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'store' })
      await c.connect()
      await loadPlainDump(c, FIXTURES.small.dump)
      await c.end()
    }, 120_000)
    afterAll(async () => {
      await cluster?.stop()
      await rm(dir, { recursive: true, force: true })
    })

    it('a server shutdown during a query: CONNECTION_LOST; while it is down, refused; once back, the console works again', async () => {
      const url = `postgresql://postgres:${password}@127.0.0.1:${port}/store?sslmode=disable`
      const { app, api } = await console_(await mkdtemp(join(tmpdir(), 'desk-lost-')), url)
      const admin = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'store' })
      admin.on('error', () => undefined)
      await admin.connect()
      try {
        const running = api('query:run', { tab_id: 'tab-1', sql: long('shutdown-me'), params: {} })
        await backendRunning(admin, 'shutdown-me')
        await admin.end().catch(() => undefined)
        await cluster!.stop()
        cluster = null
        const res = await running
        expect(res.error).toMatchObject({ code: 'CONNECTION_LOST', message: expect.stringMatching(/^The server closed the connection .*; reconnecting/) })
        expect(res.error!.message).not.toMatch(/refused the statement/)

        // Down: the next query tries a new connection and says the server is not there.
        const down = await api('query:run', { tab_id: 'tab-1', sql: 'SELECT 1 AS one', params: {} })
        expect(down.error?.code).toBe('CONNECTION_REFUSED')

        await start()
        const back = await api('query:run', { tab_id: 'tab-1', sql: 'SELECT 1 AS one', params: {} })
        expect(back.ok, JSON.stringify(back.error)).toBe(true)
        expect(back.data.rows.map((r: unknown[]) => r.map(Number))).toEqual([[1]])
        expect(crashes.map(String), 'an uncaught error from the lost connection').toEqual([])
      } finally {
        await app.workspace.dispose()
        await admin.end().catch(() => undefined)
      }
    })
  })
})
