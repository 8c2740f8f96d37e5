import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openStore, type StoreHandle } from '../../electron/services/connections/storeConnection'
import { freePort } from '../../electron/services/demo/embeddedCluster'
import { adminClient, createDatabase, pgInfo, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'

describe('a store connection', () => {
  let store: StoreHandle
  beforeAll(async () => {
    store = await openStore(targetFor(await createDatabase('conn', FIXTURES.small.template)), { statementTimeoutMs: 500 })
  })
  afterAll(() => store?.close())

  it('is read-only on the server: a write is refused by PostgreSQL itself', async () => {
    await expect(store.select('CREATE TABLE sneaky (x int)')).rejects.toMatchObject({ code: 'READ_ONLY' })
    await expect(store.select("UPDATE runs SET status = 'FAILED'")).rejects.toMatchObject({ code: 'READ_ONLY' })
    const rows = await store.read((r) => r.select<{ transaction_read_only: string }>('SHOW transaction_read_only'))
    expect(rows[0].transaction_read_only).toBe('on')
  })

  it('stops a statement at the statement timeout with a clear error, and stays usable', async () => {
    await expect(store.select('SELECT pg_sleep(2)')).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('statement timeout') })
    expect(await store.select<{ n: number }>('SELECT 1 AS n')).toEqual([{ n: 1 }])
  })

  it('describes the store: revision, MLflow versions and features', () => {
    const d = store.schema.describe()
    expect(d.revision).toBe('bf29a5ff90ea')
    expect(d.mlflow_versions).toBe('MLflow 3.5 or later')
    expect(d.features).toMatchObject({ datasets: true, model_aliases: true, logged_models: true, run_name_column: true })
  })

  it('describes an MLflow 1.30 store by what it lacks', async () => {
    const old = await openStore(targetFor(await createDatabase('conn_old', FIXTURES.old.template)))
    try {
      const d = old.schema.describe()
      expect(d.revision).toBe('97727af70f4d')
      expect(d.mlflow_versions).toBe('MLflow 1.29 – 2.2.x')
      expect(d.features).toMatchObject({ datasets: false, model_aliases: false, logged_models: false, model_registry: true })
    } finally {
      await old.close()
    }
  })
})

describe('connection failures are specific, readable and secret-free', () => {
  const p = () => pgInfo()

  it('wrong password', async () => {
    const err = await openStore({ ...targetFor('postgres'), password: 'definitely-wrong-pw' }).catch((e) => e)
    expect(err).toMatchObject({ code: 'AUTH_FAILED' })
    expect(err.message).toContain(`postgres@127.0.0.1:${p().port}/postgres`)
    expect(err.message).not.toContain('definitely-wrong-pw')
  })

  it('no password given and no line for the server in the password file: says so, naming the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'desk-pgpass-'))
    const file = join(dir, 'pgpass')
    await writeFile(file, `other-host:5432:*:*:not-this-one\n`, { mode: 0o600 })
    const before = process.env.PGPASSFILE
    process.env.PGPASSFILE = file
    try {
      const err = await openStore({ ...targetFor('postgres'), password: undefined }).catch((e) => e)
      expect(err).toMatchObject({ code: 'AUTH_FAILED' })
      expect(err.message).toBe(
        `postgres@127.0.0.1:${p().port}/postgres asks for a password, and none was given: no password in the connection, and no matching line in PGPASSFILE (${file}).`,
      )
    } finally {
      if (before === undefined) delete process.env.PGPASSFILE
      else process.env.PGPASSFILE = before
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('closed port', async () => {
    const port = await freePort()
    await expect(openStore({ ...targetFor('postgres'), port })).rejects.toMatchObject({
      code: 'CONNECTION_REFUSED',
      message: expect.stringContaining(`:${port}`),
    })
  })

  it('unknown host', async () => {
    await expect(openStore({ ...targetFor('postgres'), host: 'no-such-host.invalid' })).rejects.toMatchObject({ code: 'HOST_NOT_FOUND' })
  })

  it('database not found', async () => {
    await expect(openStore(targetFor('no_such_db'))).rejects.toMatchObject({ code: 'DATABASE_NOT_FOUND' })
  })

  it('a database that is not an MLflow store', async () => {
    const db = await createDatabase('notmlflow')
    const c = adminClient(db)
    await c.connect()
    await c.query('CREATE TABLE runs (id int); CREATE TABLE orders (id int)')
    await c.end()
    await expect(openStore(targetFor(db))).rejects.toMatchObject({
      code: 'NOT_MLFLOW_STORE',
      message: expect.stringContaining('no experiments, params, tags, metrics tables'),
    })
  })
})
