import { readFileSync } from 'node:fs'
import pg from 'pg'
import { beforeAll, describe, expect, it } from 'vitest'
import { Transaction } from 'sequelize'
import { MIGRATIONS, createMigrator } from '../../migrations/umzug'
import { openWritable } from '../../electron/services/connections/storeConnection'
import { MLFLOW_HEAD_REVISION, mlflowVersionsFor } from '../../electron/services/mlflowSchema/revisions'
import { migrateStore, type MigrateResult } from '../../electron/services/tracking/migrate'
import { AppError } from '@shared/api/errors'
import { catalogSnapshot, checksInDump, rowCounts, tablesInDump, withDumpChecks, type CatalogSnapshot } from '../helpers/catalog'
import { adminClient, createDatabase, pgInfo, targetFor } from '../helpers/databases'
import { FIXTURES } from '../helpers/fixtures'

const DUMP = readFileSync(FIXTURES.small.dump, 'utf8')
/** The tables real MLflow 3.5 created, read from its dump: one catalog test per table below. */
const DUMP_TABLES = tablesInDump(DUMP)
const OLD_REVISION = '97727af70f4d'

async function withClient<T>(db: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = adminClient(db)
  await c.connect()
  try {
    return await fn(c)
  } finally {
    await c.end()
  }
}

const snapshotOf = (db: string) => withClient(db, catalogSnapshot)
const countsOf = (db: string) => withClient(db, rowCounts)
const alembicRows = (db: string) => withClient(db, async (c) => (await c.query('SELECT version_num FROM alembic_version')).rows)

/** migrateStore's rejection, asserted to be an AppError. */
async function failureOf(db: string): Promise<AppError> {
  const err: unknown = await migrateStore(targetFor(db)).then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(AppError)
  return err as AppError
}

describe('migrating an empty database', () => {
  let db: string
  let result: MigrateResult
  let actual: CatalogSnapshot
  let expected: CatalogSnapshot

  beforeAll(async () => {
    db = await createDatabase('migrate_empty')
    result = await migrateStore(targetFor(db))
    actual = await snapshotOf(db)
    const restored = await snapshotOf(await createDatabase('migrate_mlflow', FIXTURES.small.template))
    expected = withDumpChecks(restored, checksInDump(DUMP))
  })

  it('applies every migration and stamps MLflow 3.5 head in alembic_version', async () => {
    expect(result).toEqual({ revision: MLFLOW_HEAD_REVISION, applied: MIGRATIONS.map((m) => m.name), alreadyCurrent: false })
    expect(await alembicRows(db)).toEqual([{ version_num: MLFLOW_HEAD_REVISION }])
  })

  it('creates exactly the tables MLflow creates', () => {
    expect(DUMP_TABLES.length).toBeGreaterThan(30)
    expect(Object.keys(expected.tables)).toEqual(DUMP_TABLES)
    expect(Object.keys(actual.tables)).toEqual(DUMP_TABLES)
  })

  it.each(DUMP_TABLES)("table %s has MLflow's columns, constraints and indexes", (table) => {
    expect(expected.tables[table]?.columns.length).toBeGreaterThan(0)
    expect(actual.tables[table]).toEqual(expected.tables[table])
  })

  it('reproduces the CHECK constraints exactly as the dump prints them', () => {
    const checks = Object.values(actual.tables).flatMap((t) => t.constraints.filter((c) => c.contype === 'c'))
    expect(checks.map((c) => c.name).sort()).toEqual(
      ['experiments_lifecycle_stage', 'logged_models_lifecycle_stage_check', 'runs_lifecycle_stage', 'runs_status_check', 'source_type'].sort(),
    )
    for (const c of checks) expect(DUMP).toContain(`CONSTRAINT ${c.name} ${c.definition}`)
  })

  it('creates the same sequences and no other relations', () => {
    expect(expected.sequences.map((s) => s.name)).toEqual(['experiments_experiment_id_seq'])
    expect(actual.sequences).toEqual(expected.sequences)
    expect(actual.otherRelations).toEqual(expected.otherRelations)
  })

  it('does nothing when run again', async () => {
    const again = await migrateStore(targetFor(db))
    expect(again).toEqual({ revision: MLFLOW_HEAD_REVISION, applied: [], alreadyCurrent: true })
    expect(await snapshotOf(db)).toEqual(actual)
    expect(await alembicRows(db)).toEqual([{ version_num: MLFLOW_HEAD_REVISION }])
  })
})

describe('migrating concurrently, in another schema, and back down', () => {
  it('serialises two concurrent runs: one creates the store, the other finds it current', async () => {
    const db = await createDatabase('migrate_race')
    const results = await Promise.all([migrateStore(targetFor(db)), migrateStore(targetFor(db))])
    expect(results.map((r) => r.alreadyCurrent).sort()).toEqual([false, true])
    expect(results.every((r) => r.revision === MLFLOW_HEAD_REVISION)).toBe(true)
    const snap = await snapshotOf(db)
    expect(Object.keys(snap.tables)).toEqual(DUMP_TABLES)
    expect(snap.sequences.map((s) => s.name)).toEqual(['experiments_experiment_id_seq'])
  })

  it('creates the store in the schema the search_path names, leaving public alone', async () => {
    const db = await createDatabase('migrate_schema')
    await withClient(db, (c) => c.query('CREATE SCHEMA mlflow'))
    await migrateStore({ ...targetFor(db), options: '-c search_path=mlflow', schema: 'mlflow' })
    expect(Object.keys((await snapshotOf(db)).tables)).toEqual([])
    const p = pgInfo()
    const c = new pg.Client({ host: p.host, port: p.port, user: p.user, password: p.password, database: db, options: '-c search_path=mlflow' })
    await c.connect()
    try {
      const snap = await catalogSnapshot(c)
      expect(Object.keys(snap.tables)).toEqual(DUMP_TABLES)
      expect(snap.sequences.map((s) => s.owned_by)).toEqual(['experiments.experiment_id'])
    } finally {
      await c.end()
    }
  })

  it('reverts to an empty schema with down, and can then migrate again', async () => {
    const db = await createDatabase('migrate_down')
    await migrateStore(targetFor(db))
    const { sequelize } = await openWritable(targetFor(db))
    try {
      const reverted = await sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED }, (t) =>
        createMigrator(sequelize, t).down({ to: 0 }),
      )
      expect(reverted.map((m) => m.name)).toEqual(MIGRATIONS.map((m) => m.name).reverse())
    } finally {
      await sequelize.close()
    }
    expect(await snapshotOf(db)).toEqual({ tables: {}, sequences: [], otherRelations: [] })
    expect((await migrateStore(targetFor(db))).alreadyCurrent).toBe(false)
  })
})

describe('refusing databases it did not create', () => {
  it('refuses an MLflow 1.30 store with SCHEMA_MISMATCH and changes nothing', async () => {
    const db = await createDatabase('migrate_old', FIXTURES.old.template)
    const catalog = await snapshotOf(db)
    const counts = await countsOf(db)
    expect(counts.runs).toBeGreaterThan(0)
    expect(await alembicRows(db)).toEqual([{ version_num: OLD_REVISION }])

    const err = await failureOf(db)
    expect(err.code).toBe('SCHEMA_MISMATCH')
    expect(mlflowVersionsFor(OLD_REVISION).known).toBe(true)
    for (const part of [OLD_REVISION, mlflowVersionsFor(OLD_REVISION).range, MLFLOW_HEAD_REVISION, 'mlflow db upgrade']) {
      expect(err.message).toContain(part)
    }

    expect(await snapshotOf(db)).toEqual(catalog)
    expect(await countsOf(db)).toEqual(counts)
  })

  it('refuses a revision no MLflow release we know produced, saying so', async () => {
    const db = await createDatabase('migrate_unknown')
    await withClient(db, (c) =>
      c.query(`CREATE TABLE alembic_version (version_num varchar(32) PRIMARY KEY); INSERT INTO alembic_version VALUES ('ffffffffffff')`),
    )
    const catalog = await snapshotOf(db)
    const err = await failureOf(db)
    expect(err.code).toBe('SCHEMA_MISMATCH')
    expect(err.message).toContain('unknown revision ffffffffffff')
    expect(await snapshotOf(db)).toEqual(catalog)
    expect(await alembicRows(db)).toEqual([{ version_num: 'ffffffffffff' }])
  })

  it('refuses a database holding other tables and no alembic_version, naming them', async () => {
    const db = await createDatabase('migrate_foreign')
    await withClient(db, (c) => c.query(`CREATE TABLE inventory (id int PRIMARY KEY, item text); INSERT INTO inventory VALUES (1, 'lamp')`))
    const catalog = await snapshotOf(db)
    const err = await failureOf(db)
    expect(err.code).toBe('SCHEMA_MISMATCH')
    expect(err.message).toContain('inventory')
    expect(err.message).toContain('alembic_version')
    expect(await snapshotOf(db)).toEqual(catalog)
    expect(await countsOf(db)).toEqual({ inventory: 1 })
  })

  // Without this refusal the migration would succeed but differ from MLflow: PostgreSQL
  // names the serial's own sequence experiments_experiment_id_seq1 when the name is taken.
  it('refuses a schema holding only a sequence, since the serial would silently get another name', async () => {
    const db = await createDatabase('migrate_seq')
    await withClient(db, (c) => c.query('CREATE SEQUENCE experiments_experiment_id_seq'))
    const err = await failureOf(db)
    expect(err.code).toBe('SCHEMA_MISMATCH')
    expect(err.message).toContain('experiments_experiment_id_seq (sequence)')
    const snap = await snapshotOf(db)
    expect(snap.tables).toEqual({})
    expect(snap.sequences.map((s) => s.name)).toEqual(['experiments_experiment_id_seq'])
  })
})

describe('atomicity', () => {
  // A domain is not a relation, so the database passes the emptiness check; but a
  // table's row type would need its name. Named alembic_version, it makes the very
  // last step of `up` fail, after every MLflow table, key and index was created.
  it('leaves nothing behind when the migration fails at its last step', async () => {
    const db = await createDatabase('migrate_atomic')
    await withClient(db, (c) => c.query('CREATE DOMAIN alembic_version AS text'))
    const err = await failureOf(db)
    expect(err.code).toBe('INTERNAL')
    expect(err.message).toContain('type "alembic_version" already exists')
    expect(err.message).toContain('rolled back')
    expect(await snapshotOf(db)).toEqual({ tables: {}, sequences: [], otherRelations: [] })
    const domains = await withClient(db, async (c) => (await c.query(`SELECT typname FROM pg_type WHERE typname = 'alembic_version'`)).rows)
    expect(domains).toEqual([{ typname: 'alembic_version' }])
  })
})
