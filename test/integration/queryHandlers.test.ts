import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../electron/services/api/dispatch'
import type { CallContext } from '../../electron/services/api/handlers'
import { createAppContext, type AppSetup } from '../../electron/services/appContext'
import { aesGcmCipher } from '../../electron/services/profiles/secretCipher'
import type { EventPayloads } from '@shared/api/contract'
import { adminClient, createDatabase, pgInfo, urlFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'
import type { Envelope } from '../helpers/envelope'

/** A statement that keeps a backend busy for many seconds without pg_sleep (which the guard refuses). */
const LONG = 'SELECT count(*) FROM generate_series(1, 400000000) AS g'

describe('the query:* channels, as the app and the local HTTP transport serve them', () => {
  let app: AppSetup
  let home: string
  let call: CallContext
  let admin: pg.Client
  let db: string
  const progress: Array<EventPayloads['query:export-progress']> = []

  beforeAll(async () => {
    db = await createDatabase('audit_api', FIXTURES.small.template)
    admin = adminClient(db)
    await admin.connect()
    home = await mkdtemp(join(tmpdir(), 'desk-audit-'))
    app = await createAppContext({
      home,
      env: {},
      cipher: aesGcmCipher(Buffer.alloc(32, 3), 'a test key'),
      choice: { url: `${urlFor(db)}?sslmode=disable`, statementTimeoutSeconds: 60 },
      transport: 'http',
    })
    app.events.subscribe((event, payload) => {
      if (event === 'query:export-progress') progress.push(payload as EventPayloads['query:export-progress'])
    })
    // No save dialog: the HTTP transport's call context.
    call = { window: await app.workspace.window('audit-tab'), signal: new AbortController().signal, openWindow: async () => null }
  })
  afterAll(async () => {
    await app?.workspace.dispose()
    await admin?.end()
  })

  const api = async (channel: string, body: unknown, c: CallContext = call) => (await dispatch(app.handlers, channel, body, c)) as Envelope

  /** The backend running `text`, once it is running. */
  async function backendRunning(text: string): Promise<number> {
    for (let i = 0; i < 200; i++) {
      const { rows } = await admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()`,
        [`%${text}%`],
      )
      if (rows[0]) return rows[0].pid
      await new Promise((r) => setTimeout(r, 25))
    }
    throw new Error(`never saw "${text}" running`)
  }

  it('query:check says what would run, with its parameters, without a store', async () => {
    expect((await api('query:check', { sql: 'SELECT * FROM runs WHERE experiment_id = :exp' })).data).toEqual({
      ok: true,
      kind: 'select',
      refusal: null,
      params: ['exp'],
    })
    const refused = (await api('query:check', { sql: 'SELECT 1; DROP TABLE runs' })).data
    expect(refused).toMatchObject({ ok: false, refusal: { position: 10, length: 4 } })
    expect((await api('query:check', { sql: '' })).data.ok).toBe(false)
  })

  it('query:run returns rows; refusals and failures are typed errors with a position', async () => {
    const r = await api('query:run', { tab_id: 'tab-1', sql: 'SELECT experiment_id, name FROM experiments WHERE experiment_id = :id', params: { id: 1 } })
    expect(r.ok).toBe(true)
    expect(r.data.columns).toEqual([
      { name: 'experiment_id', type: 'integer', category: 'number' },
      { name: 'name', type: 'character varying(256)', category: 'string' },
    ])
    expect(r.data.rows).toHaveLength(1)
    const refused = await api('query:run', { tab_id: 'tab-1', sql: 'SELECT pg_sleep(1)' })
    expect(refused.error).toMatchObject({ code: 'QUERY_REFUSED', details: { position: 7, length: 8 } })
    const failed = await api('query:run', { tab_id: 'tab-1', sql: 'SELECT nope FROM runs' })
    expect(failed.error).toMatchObject({ code: 'QUERY_FAILED', details: { position: 7 } })
    expect((await api('query:run', { tab_id: '../x', sql: 'SELECT 1' })).error?.code).toBe('BAD_REQUEST')
    expect((await api('query:run', { tab_id: 't', sql: 'SELECT 1', max_rows: 1_000_000 })).error?.code).toBe('BAD_REQUEST')
  })

  it('query:cancel stops the tab’s statement on the server; the same backend stays connected and the tab runs again', async () => {
    const running = api('query:run', { tab_id: 'tab-cancel', sql: LONG })
    const pid = await backendRunning('generate_series(1, 400000000)')
    const started = Date.now()
    expect((await api('query:cancel', { tab_id: 'tab-cancel' })).data).toEqual({ cancelled: true })
    expect((await running).error?.code).toBe('CANCELLED')
    expect(Date.now() - started).toBeLessThan(3000)
    // Not killed: the same server process is still connected, idle, outside any transaction.
    const { rows } = await admin.query<{ state: string }>('SELECT state FROM pg_stat_activity WHERE pid = $1', [pid])
    expect(rows).toEqual([{ state: 'idle' }])
    const again = await api('query:run', { tab_id: 'tab-cancel', sql: 'SELECT 42 AS answer' })
    expect(again.data.rows).toEqual([[42]])
    expect((await api('query:cancel', { tab_id: 'tab-cancel' })).data).toEqual({ cancelled: false })
  })

  it('a new run on a busy tab cancels the old one; other tabs are left alone', async () => {
    const first = api('query:run', { tab_id: 'tab-a', sql: LONG })
    const other = api('query:run', { tab_id: 'tab-b', sql: LONG.replace('400000000', '400000001') })
    await backendRunning('400000000)')
    await backendRunning('400000001)')
    const second = await api('query:run', { tab_id: 'tab-a', sql: 'SELECT 1 AS fresh' })
    expect((await first).error?.code).toBe('CANCELLED')
    expect(second.data.rows).toEqual([[1]])
    expect((await api('query:cancel', { tab_id: 'tab-b' })).data.cancelled).toBe(true)
    expect((await other).error?.code).toBe('CANCELLED')
  })

  it('switching the window to another profile cancels its running statements', async () => {
    const otherDb = await createDatabase('audit_api_other', FIXTURES.small.template)
    const p = pgInfo()
    const saved = await api('profiles:save', {
      settings: { name: 'other', host: p.host, port: p.port, database: otherDb, user: p.user, ssl: { mode: 'disable' } },
      secrets: { password: p.password },
    })
    const w = { window: await app.workspace.window('audit-switch'), signal: new AbortController().signal, openWindow: async () => null }
    const running = api('query:run', { tab_id: 'tab-s', sql: LONG.replace('400000000', '400000002') }, w)
    await backendRunning('400000002)')
    await api('profiles:switch', { id: saved.data.profile.id }, w)
    expect((await running).error?.code).toBe('CANCELLED')
    expect((await api('query:run', { tab_id: 'tab-s', sql: 'SELECT current_database()' }, w)).data.rows).toEqual([[otherDb]])
  })

  it('query:explain returns the plan tree', async () => {
    const r = await api('query:explain', { tab_id: 'tab-x', sql: 'SELECT * FROM runs WHERE status = :s', params: { s: 'FINISHED' }, analyze: true })
    expect(r.data.plan).toMatchObject({ node_type: 'Seq Scan', relation: 'runs' })
    expect(r.data.plan.details).toEqual(
      expect.arrayContaining([expect.stringMatching(/^Filter: \(\(status\)::text = /), expect.stringMatching(/^Rows Removed by Filter: \d+$/)]),
    )
    expect(r.data.plan.details.some((d: string) => / Blocks: 0$/.test(d))).toBe(false)
    expect(r.data.plan.actual_loops).toBe(1)
  })

  it('query:export over HTTP writes only into the exports folder, never over a file, with progress', async () => {
    const exportsDir = join(home, 'exports')
    const sql = 'SELECT run_uuid, name, start_time FROM runs ORDER BY run_uuid'
    const first = await api('query:export', { export_id: 'e1', sql, format: 'csv', file_name: 'runs' })
    expect(first.data.path).toBe(join(exportsDir, 'runs.csv'))
    const count = Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM runs')).rows[0].n)
    const lines = readFileSync(first.data.path, 'utf8').trimEnd().split('\n')
    expect(lines[0]).toBe('run_uuid,name,start_time')
    expect(lines).toHaveLength(count + 1)
    expect(first.data.rows).toBe(count)
    const second = await api('query:export', { export_id: 'e2', sql, format: 'jsonl', file_name: 'runs.jsonl' })
    expect(second.data.path).toBe(join(exportsDir, 'runs.jsonl'))
    const third = await api('query:export', { export_id: 'e3', sql, format: 'csv', file_name: 'runs.csv' })
    expect(third.data.path).toBe(join(exportsDir, 'runs (2).csv'))
    expect(JSON.parse(readFileSync(second.data.path, 'utf8').split('\n')[0])).toEqual(
      expect.objectContaining({ run_uuid: expect.any(String), start_time: expect.any(Number) }),
    )
    for (const bad of ['../escape.csv', '/etc/passwd', 'a/b.csv', '..', '.hidden.csv', 'C:\\x.csv', 'a\u0000b.csv']) {
      const r = await api('query:export', { export_id: 'bad', sql, format: 'csv', file_name: bad })
      expect(r.error, bad).toMatchObject({ code: 'BAD_REQUEST', details: { field: 'file_name' } })
    }
    expect(readdirSync(exportsDir).sort()).toEqual(['runs (2).csv', 'runs.csv', 'runs.jsonl'])
    expect(progress.filter((p) => p.export_id === 'e1').at(-1)).toMatchObject({ done: true, rows: count })
  })

  it('query:export asks the desktop app’s save dialog where to write; dismissing it runs nothing', async () => {
    const target = join(home, 'chosen.csv')
    const asked: string[] = []
    const desktop: CallContext = { ...call, chooseExportPath: async (name) => (asked.push(name), asked.length === 1 ? target : null) }
    const r = await api('query:export', { export_id: 'd1', sql: 'SELECT 1 AS one', format: 'csv', file_name: 'result' }, desktop)
    expect(asked).toEqual(['result.csv'])
    expect(r.data).toMatchObject({ path: target, rows: 1 })
    expect(readFileSync(target, 'utf8')).toBe('one\n1\n')
    expect((await api('query:export', { export_id: 'd2', sql: 'SELECT 1', format: 'csv', file_name: 'again' }, desktop)).data).toEqual({
      path: null,
      rows: 0,
      bytes: 0,
      duration_ms: 0,
      cut_values: 0,
      cut_examples: [],
    })
  })

  it('query:history lists this profile’s runs newest first, searchable, with ok/error', async () => {
    const { entries } = (await api('query:history', {})).data
    expect(entries[0].at).toBeGreaterThanOrEqual(entries.at(-1).at)
    const refused = entries.find((e: { sql: string }) => e.sql === 'SELECT pg_sleep(1)')
    expect(refused).toMatchObject({ ok: false, action: 'run', error: expect.stringContaining('pg_sleep() is not allowed') })
    const ok = entries.find((e: { sql: string; ok: boolean }) => e.sql.includes('WHERE experiment_id = :id') && e.ok)
    expect(ok).toMatchObject({ rows: 1, action: 'run' })
    expect(entries.some((e: { action: string }) => e.action === 'export')).toBe(true)
    const found = (await api('query:history', { search: 'NOPE FROM' })).data.entries
    expect(found.map((e: { sql: string }) => e.sql)).toEqual(['SELECT nope FROM runs'])
    // Another profile has its own history.
    const other = { window: await app.workspace.window('audit-switch'), signal: new AbortController().signal, openWindow: async () => null }
    expect((await api('query:history', {}, other)).data.entries.every((e: { sql: string }) => e.sql === 'SELECT current_database()')).toBe(true)
    await api('query:history-clear', {}, other)
    expect((await api('query:history', {}, other)).data.entries).toEqual([])
    expect((await api('query:history', {})).data.entries.length).toBeGreaterThan(3)
  })

  it('saved queries: save, rename-conflict, update, list with their parameters, delete', async () => {
    const a = (
      await api('query:saved-save', { name: 'Runs of an experiment', sql: 'SELECT * FROM runs WHERE experiment_id = :experiment_id AND status = :status' })
    ).data.query
    expect(a.params).toEqual(['experiment_id', 'status'])
    const b = (await api('query:saved-save', { name: 'Everything', sql: 'SELECT 1', description: 'a test' })).data.query
    expect((await api('query:saved-save', { name: 'everything', sql: 'SELECT 2' })).error?.code).toBe('CONFLICT')
    await api('query:saved-save', { id: b.id, name: 'Everything else', sql: 'SELECT 2' })
    const list = (await api('query:saved-list', {})).data.queries
    expect(list.map((q: { name: string }) => q.name)).toEqual(['Everything else', 'Runs of an experiment'])
    expect(list[0]).toMatchObject({ id: b.id, sql: 'SELECT 2', description: 'a test', created_at: b.created_at })
    await api('query:saved-delete', { id: a.id })
    expect((await api('query:saved-list', {})).data.queries).toHaveLength(1)
    expect((await api('query:saved-delete', { id: a.id })).error?.code).toBe('NOT_FOUND')
  })

  it('console tabs are kept per profile', async () => {
    const tabs = [
      { id: 'one', title: 'Deleted runs', sql: 'SELECT 1', params: { days: '30' } },
      { id: 'two', title: 'Scratch', sql: '', params: {} },
    ]
    await api('query:tabs-save', { tabs, active_tab_id: 'two' })
    expect((await api('query:tabs-get', {})).data).toEqual({ tabs, active_tab_id: 'two' })
    const other = { window: await app.workspace.window('audit-switch'), signal: new AbortController().signal, openWindow: async () => null }
    expect((await api('query:tabs-get', {}, other)).data).toEqual({ tabs: [], active_tab_id: null })
  })

  it('query:schema lists the store’s tables for autocomplete', async () => {
    const { tables } = (await api('query:schema', {})).data
    expect(tables.find((t: { name: string }) => t.name === 'metrics').columns.map((c: { name: string }) => c.name)).toEqual([
      'key',
      'value',
      'timestamp',
      'run_uuid',
      'step',
      'is_nan',
    ])
  })

  it('every query of the audit library runs on a real MLflow store with its default parameters', async () => {
    const { queries } = (await api('query:library', {})).data
    expect(queries.length).toBeGreaterThanOrEqual(8)
    for (const q of queries) {
      expect(q.title.length, q.id).toBeGreaterThan(5)
      expect(q.description.length, q.id).toBeGreaterThan(20)
      const check = (await api('query:check', { sql: q.sql })).data
      expect(check.params.sort(), q.id).toEqual(q.params.map((p: { name: string }) => p.name).sort())
      const params = Object.fromEntries(q.params.map((p: { name: string; default: string | null }) => [p.name, p.default]))
      const r = await api('query:run', { tab_id: 'lib', sql: q.sql, params })
      expect(r.error, q.id).toBeUndefined()
      expect(r.data.columns.length, q.id).toBeGreaterThan(2)
    }
  })

  it('what the library finds on the fixture is right: the deleted runs, the aliases, the drift', async () => {
    const lib = (await api('query:library', {})).data.queries as Array<{ id: string; sql: string }>
    const runLib = async (id: string, params: Record<string, string> = {}) =>
      (await api('query:run', { tab_id: 'lib', sql: lib.find((q) => q.id === id)!.sql, params })).data
    const deleted = await runLib('deleted-runs', { days: '36500' })
    const expected = (await admin.query<{ run_uuid: string }>("SELECT run_uuid FROM runs WHERE lifecycle_stage = 'deleted' ORDER BY run_uuid")).rows.map(
      (r) => r.run_uuid,
    )
    expect(deleted.rows.map((r: unknown[]) => r[0]).sort()).toEqual(expected)
    const aliases = await runLib('model-versions-aliases')
    const aliasCount = Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM registered_model_aliases')).rows[0].n)
    expect(aliases.rows.filter((r: unknown[]) => r[2] !== null).flatMap((r: unknown[]) => String(r[2]).split(', '))).toHaveLength(aliasCount)
    const activity = await runLib('inactive-experiments', { days: '0' })
    expect(activity.rows.length).toBeGreaterThan(0)
  })

  it('nothing half-written or temporary is left in the exports folder', () => {
    expect(readdirSync(join(home, 'exports')).filter((f) => f.endsWith('.part') || f.startsWith('.'))).toEqual([])
    expect(existsSync(join(home, 'audit', 'saved-queries.json'))).toBe(true)
  })
})
