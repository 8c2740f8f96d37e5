import { mkdtemp, readdir, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import { connect, createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../electron/services/api/dispatch'
import type { CallContext } from '../../electron/services/api/handlers'
import { createAppContext, type AppSetup } from '../../electron/services/appContext'
import { exportsDir } from '../../electron/services/config/appPaths'
import { startHttpTransport, type HttpTransport } from '../../electron/services/http/httpServer'
import { parseConnectionUrl } from '../../electron/services/connections/connectionUrl'
import { openStore } from '../../electron/services/connections/storeConnection'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import { adminClient, createDatabase, pgInfo, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import { startPgBouncer } from '../helpers/pgBouncer'

/**
 * A call's signal reaches the server: a read blocked behind a lock another session holds (so it
 * would wait up to the 10 s lock timeout) is cancelled by PostgreSQL's cancel request when the
 * signal aborts, and its backend is idle again while the lock is still held; nothing else could
 * have woken it.
 */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Backend {
  pid: number
  state: string
  wait_event_type: string | null
  application_name: string
}

async function backends(admin: pg.Client, db: string): Promise<Backend[]> {
  const r = await admin.query<Backend>(
    `SELECT pid, state, wait_event_type, application_name FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'mlflow-desk%' AND pid <> pg_backend_pid()`,
    [db],
  )
  return r.rows
}

/** Poll until `ok` holds for the store's backends (or fail after `ms`). */
async function until(admin: pg.Client, db: string, ok: (b: Backend[]) => boolean, ms: number, what: string): Promise<Backend[]> {
  const deadline = Date.now() + ms
  for (;;) {
    const b = await backends(admin, db)
    if (ok(b)) return b
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms; backends: ${JSON.stringify(b)}`)
    await sleep(20)
  }
}

const waitingOnLock = (b: Backend[]) => b.filter((x) => x.state === 'active' && x.wait_event_type === 'Lock')
const active = (b: Backend[]) => b.filter((x) => x.state === 'active')

/** A session holding ACCESS EXCLUSIVE on `table` until released: every read of it waits. */
async function lockTable(db: string, table: string): Promise<{ release(): Promise<void> }> {
  const c = adminClient(db)
  await c.connect()
  await c.query('BEGIN')
  await c.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`)
  return {
    async release() {
      await c.query('ROLLBACK').catch(() => undefined)
      await c.end()
    },
  }
}

async function newApp(prefix: string, db: string): Promise<{ app: AppSetup; home: string }> {
  const home = await mkdtemp(join(tmpdir(), `desk-${prefix}-`))
  const app = await createAppContext({
    home,
    env: {},
    cipher: aesGcmCipher(Buffer.alloc(32, 5), 'a test key'),
    choice: { url: urlFor(db) + '?sslmode=disable' },
    transport: 'http',
  })
  return { app, home }
}

describe('a call whose signal aborts cancels its statement on the server (dispatch)', () => {
  let db: string
  let app: AppSetup
  let admin: pg.Client
  let series: { run_id: string; key: string }
  const callWith = async (signal: AbortSignal, key = 'cancel'): Promise<CallContext> => ({
    window: await app.workspace.window(key),
    signal,
    openWindow: async () => null,
  })

  beforeAll(async () => {
    db = await createDatabase('call_cancel', FIXTURES.small.template)
    ;({ app } = await newApp('call-cancel', db))
    admin = adminClient(db)
    await admin.connect()
    series = (
      await admin.query<{ run_id: string; key: string }>('SELECT run_uuid AS run_id, key FROM metrics GROUP BY 1, 2 HAVING count(*) > 3 ORDER BY 1, 2 LIMIT 1')
    ).rows[0]!
    // The store is open (its probe done) before any lock is taken.
    await (await app.workspace.window('cancel')).store()
  })
  afterAll(async () => {
    await admin?.end()
    await app?.workspace.dispose()
  })

  for (const [channel, table, request] of [
    ['runs:search', 'runs', () => ({ experiment_ids: ['0', '1', '2'] })],
    ['metrics:history', 'metrics', () => ({ run_id: series.run_id, metric_key: series.key })],
  ] as const) {
    it(`${channel}: aborted while its read waits on a lock, answers CANCELLED at once and the backend is idle with the lock still held`, async () => {
      const lock = await lockTable(db, table)
      try {
        const controller = new AbortController()
        const answer = dispatch(app.handlers, channel, request(), await callWith(controller.signal))
        const [waiting] = waitingOnLock(await until(admin, db, (b) => waitingOnLock(b).length === 1, 5000, 'the read waits on the lock'))
        const t0 = performance.now()
        controller.abort()
        const r = await answer
        const took = performance.now() - t0
        expect(r).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
        expect(took).toBeLessThan(1500)
        // The same backend, still connected (back in the pool), no longer running anything: the cancel reached it.
        const after = await until(admin, db, (b) => active(b).length === 0, 2000, 'the backend is idle')
        expect(
          after.find((b) => b.pid === waiting!.pid),
          JSON.stringify(after),
        ).toMatchObject({ state: 'idle' })
      } finally {
        await lock.release()
      }
      // And the pool is healthy: the next read of the same table answers.
      const ok = await dispatch(app.handlers, channel, request(), await callWith(new AbortController().signal))
      expect(ok.ok, JSON.stringify(ok).slice(0, 300)).toBe(true)
    })
  }

  it('query:run (the SQL console, a job of its own): the call aborting cancels its statement like query:cancel does', async () => {
    const lock = await lockTable(db, 'runs')
    try {
      const controller = new AbortController()
      const answer = dispatch(app.handlers, 'query:run', { tab_id: 'cancel-tab', sql: 'SELECT count(*) FROM runs' }, await callWith(controller.signal))
      const [waiting] = waitingOnLock(
        await until(admin, db, (b) => waitingOnLock(b).some((x) => x.application_name === 'mlflow-desk console'), 5000, 'the console waits on the lock'),
      )
      expect(waiting!.application_name).toBe('mlflow-desk console')
      const t0 = performance.now()
      controller.abort()
      expect(await answer).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
      expect(performance.now() - t0).toBeLessThan(1500)
      await until(admin, db, (b) => active(b).length === 0, 2000, 'the console backend is idle')
    } finally {
      await lock.release()
    }
  })

  it('a call aborted before it starts is refused without a statement reaching the server', async () => {
    const lock = await lockTable(db, 'runs')
    try {
      const controller = new AbortController()
      controller.abort()
      const t0 = performance.now()
      const r = await dispatch(app.handlers, 'runs:search', { experiment_ids: ['0'] }, await callWith(controller.signal))
      expect(r).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
      expect(performance.now() - t0).toBeLessThan(200)
      // Had a statement gone out, it would be waiting on the lock now.
      await sleep(200)
      expect(active(await backends(admin, db))).toEqual([])
    } finally {
      await lock.release()
    }
  })

  it('a store still opening (a server that does not answer): the aborted call stops waiting at once', async () => {
    const held: Socket[] = []
    const silent = createTcpServer((socket) => void held.push(socket))
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r))
    const home = await mkdtemp(join(tmpdir(), 'desk-call-cancel-silent-'))
    const url = `postgresql://u:p@127.0.0.1:${(silent.address() as AddressInfo).port}/db?sslmode=disable`
    const other = await createAppContext({ home, env: {}, cipher: aesGcmCipher(Buffer.alloc(32, 5), 'a test key'), choice: { url }, transport: 'http' })
    try {
      const controller = new AbortController()
      const call: CallContext = { window: await other.workspace.window('silent'), signal: controller.signal, openWindow: async () => null }
      const answer = dispatch(other.handlers, 'runs:search', { experiment_ids: ['0'] }, call)
      await sleep(300)
      const t0 = performance.now()
      controller.abort()
      expect(await answer).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
      expect(performance.now() - t0).toBeLessThan(500)
    } finally {
      // The open then fails at once (the connection drops), instead of at the 10 s connect timeout.
      held.forEach((x) => x.destroy())
      silent.close()
      await other.workspace.dispose()
    }
  })

  it('a window whose store was never opened: an aborted call opens no connection at all', async () => {
    const fresh = await createDatabase('call_cancel_fresh', FIXTURES.small.template)
    const { app: other } = await newApp('call-cancel-fresh', fresh)
    try {
      const controller = new AbortController()
      controller.abort()
      const call: CallContext = { window: await other.workspace.window('never'), signal: controller.signal, openWindow: async () => null }
      expect(await dispatch(other.handlers, 'runs:search', { experiment_ids: ['0'] }, call)).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
      expect(await dispatch(other.handlers, 'metrics:history', { run_id: series.run_id, metric_key: series.key }, call)).toMatchObject({
        ok: false,
        error: { code: 'CANCELLED' },
      })
      expect(await backends(admin, fresh)).toEqual([])
    } finally {
      await other.workspace.dispose()
    }
  })
})

/** A TCP proxy to the test server that passes every connection but drops PostgreSQL's cancel requests (a pooler or firewall that loses them). */
async function cancelDroppingProxy(): Promise<{ port: number; dropped: () => number; close(): Promise<void> }> {
  const { host, port } = pgInfo()
  let dropped = 0
  const sockets = new Set<Socket>()
  const server = createTcpServer((client) => {
    sockets.add(client)
    client.on('close', () => sockets.delete(client))
    client.once('data', (first: Buffer) => {
      if (first.length >= 8 && first.readInt32BE(4) === 80877102) {
        dropped++
        return void client.destroy()
      }
      const upstream = connect(port, host)
      sockets.add(upstream)
      upstream.on('close', () => (sockets.delete(upstream), client.destroy()))
      client.on('close', () => upstream.destroy())
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
      upstream.write(first)
      client.pipe(upstream)
      upstream.pipe(client)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return {
    port: (server.address() as AddressInfo).port,
    dropped: () => dropped,
    close: () => new Promise<void>((r) => (sockets.forEach((x) => x.destroy()), server.close(() => r()))),
  }
}

describe('through PgBouncer in transaction mode', () => {
  it("a view's aborted read is cancelled on the server behind the pooler (well before the grace bound) and the shared session stays usable", async () => {
    const bouncer = await startPgBouncer({ server: pgInfo(), poolMode: 'transaction', poolSize: 1 })
    const db = await createDatabase('call_cancel_bouncer', FIXTURES.small.template)
    const store = await openStore(parseConnectionUrl(bouncer.url(db)))
    const admin = adminClient(db)
    await admin.connect()
    try {
      const controller = new AbortController()
      const answer = store
        .withSignal(controller.signal)
        .select('SELECT pg_sleep(20)')
        .catch((e: unknown) => e)
      await until(admin, db, (b) => active(b).length === 1, 5000, 'the sleep runs behind the pooler')
      const t0 = performance.now()
      controller.abort()
      expect(await answer).toMatchObject({ code: 'CANCELLED' })
      // The grace bound is 3 s: an answer well before it came from the server's cancel.
      expect(performance.now() - t0).toBeLessThan(2000)
      expect(active(await backends(admin, db))).toEqual([])
      expect(await store.select<{ n: number }>('SELECT 1 AS n')).toEqual([{ n: 1 }])
    } finally {
      await admin.end()
      await store.close()
      await bouncer.stop()
    }
  })
})

describe('a server that never receives the cancel', () => {
  it('the aborted call is still answered CANCELLED within the grace bound, and the pool recovers once the statement ends', async () => {
    const db = await createDatabase('call_cancel_lost', FIXTURES.small.template)
    const proxy = await cancelDroppingProxy()
    const p = pgInfo()
    const home = await mkdtemp(join(tmpdir(), 'desk-call-cancel-lost-'))
    const url = `postgresql://${p.user}:${encodeURIComponent(p.password)}@127.0.0.1:${proxy.port}/${db}?sslmode=disable`
    const app = await createAppContext({ home, env: {}, cipher: aesGcmCipher(Buffer.alloc(32, 5), 'a test key'), choice: { url }, transport: 'http' })
    const admin = adminClient(db)
    await admin.connect()
    try {
      await (await app.workspace.window('lost')).store()
      const lock = await lockTable(db, 'runs')
      const controller = new AbortController()
      const call: CallContext = { window: await app.workspace.window('lost'), signal: controller.signal, openWindow: async () => null }
      const answer = dispatch(app.handlers, 'runs:search', { experiment_ids: ['0'] }, call)
      await until(admin, db, (b) => waitingOnLock(b).length === 1, 5000, 'the read waits on the lock')
      const t0 = performance.now()
      controller.abort()
      const r = await answer
      const took = performance.now() - t0
      expect(r).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
      // Not before the grace period (the cancel never arrived), and not much after it.
      expect(took).toBeGreaterThan(2500)
      expect(took).toBeLessThan(4500)
      expect(proxy.dropped()).toBeGreaterThan(1)
      // The statement still waits on the server: nothing reached it.
      expect(waitingOnLock(await backends(admin, db))).toHaveLength(1)
      await lock.release()
      await until(admin, db, (b) => active(b).length === 0, 3000, 'the statement ends once the lock goes')
      const ok = await dispatch(app.handlers, 'runs:search', { experiment_ids: ['0'] }, { ...call, signal: new AbortController().signal })
      expect(ok.ok, JSON.stringify(ok).slice(0, 300)).toBe(true)
    } finally {
      await admin.end()
      await app.workspace.dispose()
      await proxy.close()
    }
  })
})

describe('over HTTP: a fetch the client aborts cancels the server statement', () => {
  let db: string
  let app: AppSetup
  let http: HttpTransport
  let admin: pg.Client

  beforeAll(async () => {
    db = await createDatabase('call_cancel_http', FIXTURES.small.template)
    let home: string
    ;({ app, home } = await newApp('call-cancel-http', db))
    await writeFile(join(home, 'index.html'), '<!doctype html><title>MLflow Desk</title>')
    http = await startHttpTransport({ handlers: app.handlers, workspace: app.workspace, rendererDir: home })
    admin = adminClient(db)
    await admin.connect()
    await (await app.workspace.window('http:default')).store()
  })
  afterAll(async () => {
    await admin?.end()
    await http?.close()
    await app?.workspace.dispose()
  })

  it('runs:search: the backend waiting on a lock is idle again soon after the fetch is aborted', async () => {
    const lock = await lockTable(db, 'runs')
    try {
      const controller = new AbortController()
      const answer = fetch(`${http.url}/api/runs:search`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${http.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ experiment_ids: ['0', '1'] }),
        signal: controller.signal,
      })
      const [waiting] = waitingOnLock(await until(admin, db, (b) => waitingOnLock(b).length === 1, 5000, 'the read waits on the lock'))
      controller.abort()
      await expect(answer).rejects.toThrow(/abort/i)
      const after = await until(admin, db, (b) => active(b).length === 0, 2000, 'the backend is idle after the client left')
      expect(after.find((b) => b.pid === waiting!.pid)).toMatchObject({ state: 'idle' })
    } finally {
      await lock.release()
    }
    // The transport still answers (nothing was left half-done on its side).
    const r = await fetch(`${http.url}/api/runs:count`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${http.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ experiment_ids: ['0'] }),
    })
    expect(r.status).toBe(200)
  })
})

/**
 * An MLflow artifact proxy (the two read routes) serving one 8 MiB file: it sends the first
 * 64 KiB, then waits (a slow link) until the client goes away, and records that it did.
 */
async function stallingArtifactServer(): Promise<{ server: Server; uri: string; firstChunkSent: Promise<void>; clientLeft: Promise<void> }> {
  const SIZE = 8 * 1024 * 1024
  let sent!: () => void
  let left!: () => void
  const firstChunkSent = new Promise<void>((r) => (sent = r))
  const clientLeft = new Promise<void>((r) => (left = r))
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    if (url.searchParams.has('path')) {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ files: [{ path: 'big.bin', is_dir: false, file_size: SIZE }] }))
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(SIZE) })
    res.write(Buffer.alloc(64 * 1024, 7), () => sent())
    res.on('close', () => left())
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return { server, uri: `http://127.0.0.1:${port}/api/2.0/mlflow-artifacts/artifacts/run-art`, firstChunkSent, clientLeft }
}

describe('artifacts:download aborted mid-stream', () => {
  it('stops the artifact request and leaves no file (whole or partial) at the destination', async () => {
    const db = await createDatabase('call_cancel_art', FIXTURES.small.template)
    const artifacts = await stallingArtifactServer()
    const admin = adminClient(db)
    await admin.connect()
    const { app, home } = await newApp('call-cancel-art', db)
    try {
      const runId = (await admin.query<{ run_uuid: string }>('SELECT run_uuid FROM runs ORDER BY run_uuid LIMIT 1')).rows[0]!.run_uuid
      await admin.query('UPDATE runs SET artifact_uri = $1 WHERE run_uuid = $2', [artifacts.uri, runId])
      const controller = new AbortController()
      const call: CallContext = { window: await app.workspace.window('art'), signal: controller.signal, openWindow: async () => null }
      const answer = dispatch(app.handlers, 'artifacts:download', { job_id: 'dl-cancel', run_id: runId, path: 'big.bin' }, call)
      await artifacts.firstChunkSent
      // Let the first bytes reach the .part file, then give up.
      await sleep(100)
      controller.abort()
      const r = await answer
      expect(r).toMatchObject({ ok: false, error: { code: 'CANCELLED' } })
      await artifacts.clientLeft
      expect(await readdir(exportsDir(home)).catch(() => [])).toEqual([])
    } finally {
      await admin.end()
      await app.workspace.dispose()
      artifacts.server.closeAllConnections()
      await new Promise((r) => artifacts.server.close(r))
    }
  })
  it('over HTTP: the fetch aborted mid-download stops the artifact request, and no file is left', async () => {
    const db = await createDatabase('call_cancel_art_http', FIXTURES.small.template)
    const artifacts = await stallingArtifactServer()
    const admin = adminClient(db)
    await admin.connect()
    const { app, home } = await newApp('call-cancel-art-http', db)
    await writeFile(join(home, 'index.html'), '<!doctype html><title>MLflow Desk</title>')
    const http = await startHttpTransport({ handlers: app.handlers, workspace: app.workspace, rendererDir: home })
    try {
      const runId = (await admin.query<{ run_uuid: string }>('SELECT run_uuid FROM runs ORDER BY run_uuid LIMIT 1')).rows[0]!.run_uuid
      await admin.query('UPDATE runs SET artifact_uri = $1 WHERE run_uuid = $2', [artifacts.uri, runId])
      const controller = new AbortController()
      const answer = fetch(`${http.url}/api/artifacts:download`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${http.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ job_id: 'dl-http-cancel', run_id: runId, path: 'big.bin' }),
        signal: controller.signal,
      })
      await artifacts.firstChunkSent
      await sleep(100)
      controller.abort()
      await expect(answer).rejects.toThrow(/abort/i)
      // The server side let go of the artifact store's response and removed the part file.
      await artifacts.clientLeft
      const deadline = Date.now() + 2000
      while ((await readdir(exportsDir(home)).catch(() => [])).length > 0 && Date.now() < deadline) await sleep(20)
      expect(await readdir(exportsDir(home)).catch(() => [])).toEqual([])
    } finally {
      await http.close()
      await admin.end()
      await app.workspace.dispose()
      artifacts.server.closeAllConnections()
      await new Promise((r) => artifacts.server.close(r))
    }
  })
})
