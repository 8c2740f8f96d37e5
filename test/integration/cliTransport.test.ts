import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../electron/services/api/dispatch'
import type { CallContext } from '../../electron/services/api/handlers'
import { createAppContext, type AppSetup } from '../../electron/services/appContext'
import { freePort } from '../../electron/services/demo/embeddedCluster'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import { runCli } from '../../electron/cli/program'
import { cli } from '../helpers/cliRunner'
import { adminClient, createDatabase, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'

const SIZE = 100_000

/** The API as `serve` answers it, over the same store as the CLI's --url. */
async function httpApp(home: string, url: string): Promise<{ app: AppSetup; call: (over?: Partial<CallContext>) => Promise<CallContext> }> {
  const app = await createAppContext({ home, env: {}, cipher: aesGcmCipher(Buffer.alloc(32, 5), 'a test key'), choice: { url }, transport: 'http' })
  let n = 0
  return {
    app,
    call: async (over = {}) => ({ window: await app.workspace.window(`w${++n}`), signal: new AbortController().signal, openWindow: async () => null, ...over }),
  }
}

describe('the CLI and the API answer alike (the CLI goes through dispatch)', () => {
  let url: string
  let home: string
  let art: string
  let runId: string
  let api: Awaited<ReturnType<typeof httpApp>>

  beforeAll(async () => {
    const db = await createDatabase('cli_transport', FIXTURES.small.template)
    url = urlFor(db)
    home = await mkdtemp(join(tmpdir(), 'desk-cli-transport-'))
    art = join(home, 'artifacts')
    await mkdir(join(art, 'model'), { recursive: true })
    await writeFile(join(art, 'model', 'weights.bin'), Buffer.alloc(SIZE, 7))
    const c = adminClient(db)
    await c.connect()
    try {
      runId = (await c.query<{ run_uuid: string }>('SELECT run_uuid FROM runs ORDER BY run_uuid LIMIT 1')).rows[0].run_uuid
      await c.query('UPDATE runs SET artifact_uri = $1 WHERE run_uuid = $2', [pathToFileURL(art).href, runId])
    } finally {
      await c.end()
    }
    api = await httpApp(home, url)
  })
  afterAll(async () => {
    await api?.app.workspace.dispose()
    if (home) await rm(home, { recursive: true, force: true })
  })

  it("artifacts list --json prints the API's root_uri: the run's artifact_uri as recorded", async () => {
    const res = await cli(['artifacts', 'list', '--url', url, '--run-id', runId, '--json'])
    expect(res.code, res.stderr).toBe(0)
    const printed = JSON.parse(res.stdout) as { root_uri: string; files: unknown[] }
    const answer = await dispatch(api.app.handlers, 'artifacts:list', { run_id: runId }, await api.call())
    expect(answer.ok).toBe(true)
    const listed = (answer as { data: { root_uri: string; files: Array<{ path: string; is_dir: boolean }> } }).data
    expect(printed.root_uri).toBe(pathToFileURL(art).href)
    expect(printed.root_uri).toBe(listed.root_uri)
    expect(printed.files).toEqual([{ path: 'model', is_dir: true }])
  })

  it('artifacts get and artifacts:download give the same bytes and sha256', async () => {
    const out = join(home, 'got', 'weights.bin')
    const res = await cli(['artifacts', 'get', '--url', url, '--run-id', runId, '--path', 'model/weights.bin', '--out', out])
    expect(res.code, res.stderr).toBe(0)
    const viaApi = join(home, 'via-api.bin')
    const answer = await dispatch(
      api.app.handlers,
      'artifacts:download',
      { job_id: 'same', run_id: runId, path: 'model/weights.bin' },
      await api.call({ chooseDestination: async () => viaApi }),
    )
    expect(answer).toMatchObject({ ok: true, data: { saved_to: viaApi, files: 1, bytes: SIZE } })
    const sha256 = (answer as { data: { sha256: string } }).data.sha256
    expect(res.stdout).toBe(`${sha256}  ${out}`)
    expect(await readFile(out)).toEqual(await readFile(viaApi))
  })

  it('artifacts:download refuses a file that arrives shorter than the store lists it (the check only the CLI had), leaving no file', async () => {
    const src = join(art, 'model', 'weights.bin')
    const out = join(home, 'short.bin')
    // The file shrinks between the listing (stat) and the read, as a stream some stores end early looks.
    const shrink = async () => {
      await truncate(src, 10)
      return out
    }
    try {
      const answer = await dispatch(
        api.app.handlers,
        'artifacts:download',
        { job_id: 'short', run_id: runId, path: 'model/weights.bin' },
        await api.call({ chooseDestination: shrink }),
      )
      expect(answer).toMatchObject({ ok: false, error: { code: 'ARTIFACT_UNAVAILABLE', details: { path: 'model/weights.bin' } } })
      expect((answer as { error: { message: string } }).error.message).toContain(`gave 10 bytes where the store says ${SIZE}; try again`)
      expect(existsSync(out)).toBe(false)
      expect(existsSync(`${out}.part`)).toBe(false)
    } finally {
      await writeFile(src, Buffer.alloc(SIZE, 7))
    }
  })
})

describe('Ctrl-C in the CLI aborts the call (the CallContext signal), so the server work stops', () => {
  /** The CLI in-process, pressing Ctrl-C once `after` ms into the command. */
  async function interrupted(args: string[], after: number) {
    const err: string[] = []
    let press: (() => void) | null = null
    const started = Date.now()
    const running = runCli(args, {
      out: () => undefined,
      err: (t) => err.push(t),
      env: {},
      home: await mkdtemp(join(tmpdir(), 'desk-cli-cancel-')),
      untilStopped: async () => undefined,
      readStdin: async () => '',
      onInterrupt: (listener) => {
        press = listener
        return () => (press = null)
      },
    })
    setTimeout(() => press?.(), after)
    const code = await running
    return { code, stderr: err.join('\n'), ms: Date.now() - started, listening: press !== null }
  }

  let url: string
  beforeAll(async () => {
    url = urlFor(await createDatabase('cli_cancel', FIXTURES.small.template))
  })

  it("the CLI's statements go into no console history: the app's data folder stays empty", async () => {
    const home = await mkdtemp(join(tmpdir(), 'desk-cli-nohistory-'))
    const out = join(tmpdir(), `cli-nohistory-${process.pid}.csv`)
    expect((await cli(['query', '--url', url, '--sql', 'SELECT 1'], {}, home)).code).toBe(0)
    expect((await cli(['query', '--url', url, '--sql', 'SELECT 1', '--out', out], {}, home)).code).toBe(0)
    expect((await cli(['query', '--url', url, '--sql', 'DELETE FROM runs'], {}, home)).code).toBe(2)
    // The history is written after the answer: give a write that was wrongly started the time to land.
    await new Promise((r) => setTimeout(r, 300))
    expect(await readdir(home)).toEqual([])
    await rm(out, { force: true })
  })

  it.each([
    ['query:run', [] as string[]],
    ['query:export', ['--out', join(tmpdir(), `never-whole-${process.pid}.csv`)]],
  ])(
    '%s: exit 130 within seconds of Ctrl-C, not when the long count ends',
    async (_channel, extra) => {
      const r = await interrupted(['query', '--url', url, '--sql', 'SELECT count(*) FROM generate_series(1, 400000007)', ...extra], 1500)
      expect(r.code, r.stderr).toBe(130)
      expect(r.stderr).toMatch(/cancel/i)
      expect(r.ms).toBeLessThan(10_000)
      expect(r.listening).toBe(false)
    },
    30_000,
  )
})

describe('handlers answer bad input before they open the store (every transport, not only the CLI)', () => {
  let app: AppSetup
  let call: CallContext
  let home: string

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'desk-parse-first-'))
    // Nothing listens there: a handler that opened the store would fail with a connection error instead.
    const unreachable = `postgresql://mlflow@127.0.0.1:${await freePort()}/mlflow`
    const made = await httpApp(home, unreachable)
    app = made.app
    call = await made.call()
  })
  afterAll(async () => {
    await app?.workspace.dispose()
    // A refused call may still be writing its history entry into the home as the workspace goes: retry the removal.
    if (home) await rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 })
  })

  it('runs:search and runs:count refuse a malformed filter or order with INVALID_FILTER', async () => {
    expect(await dispatch(app.handlers, 'runs:search', { filter: 'metrics.acc >' }, call)).toMatchObject({ ok: false, error: { code: 'INVALID_FILTER' } })
    expect(await dispatch(app.handlers, 'runs:search', { order_by: ['metrics.acc SIDEWAYS'] }, call)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_FILTER' },
    })
    expect(await dispatch(app.handlers, 'runs:count', { filter: "params.lr = 'x' and" }, call)).toMatchObject({ ok: false, error: { code: 'INVALID_FILTER' } })
    // A well-formed search does try the store, and fails on it.
    const tried = await dispatch(app.handlers, 'runs:search', { filter: 'metrics.acc > 1' }, call)
    expect(tried.ok).toBe(false)
    expect((tried as { error: { code: string } }).error.code).not.toBe('INVALID_FILTER')
  })

  it("query:run and query:export refuse a write or a missing parameter with the guard's answer", async () => {
    expect(await dispatch(app.handlers, 'query:run', { tab_id: 't', sql: 'DELETE FROM runs' }, call)).toMatchObject({
      ok: false,
      error: { code: 'QUERY_REFUSED' },
    })
    const missing = await dispatch(app.handlers, 'query:run', { tab_id: 't', sql: 'SELECT :x' }, call)
    expect(missing).toMatchObject({ ok: false, error: { message: 'No value for the parameter :x.' } })
    const exported = await dispatch(app.handlers, 'query:export', { export_id: 'e', sql: 'SELECT 1; DROP TABLE runs', format: 'csv', file_name: 'x.csv' }, call)
    expect(exported).toMatchObject({ ok: false, error: { code: 'QUERY_REFUSED' } })
  })
})
