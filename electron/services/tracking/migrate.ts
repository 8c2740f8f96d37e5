import { QueryTypes, Transaction, type Sequelize } from 'sequelize'
import { MigrationError } from 'umzug'
import { AppError, isAppError } from '@shared/api/errors'
import { MIGRATIONS, createMigrator, readAlembicVersion } from '@migrations/umzug'
import { describeTarget, type ConnectionTarget } from '../connections/connectionUrl'
import { openWritable, writeSettingsSql } from '../connections/storeConnection'
import { checkWritable } from '../connections/serverVersion'
import { toStoreError } from '../connections/pgErrors'
import { MLFLOW_HEAD_REVISION, mlflowVersionsFor } from '../mlflowSchema/revisions'

/** What `migrateStore` did. */
export interface MigrateResult {
  /** The alembic revision the store is at now. */
  revision: string
  /** Names of the migrations applied by this call, oldest first. */
  applied: string[]
  /** True when the store was already at the newest revision we produce. */
  alreadyCurrent: boolean
}

/**
 * Serialises concurrent `migrate` runs against one database (two CLI calls, the
 * app and the CLI). Any fixed bigint works; this one is "mlflowdk" read as a
 * big-endian integer (0x6d6c666c6f77646b), written in decimal: hexadecimal
 * integer literals exist only from PostgreSQL 16.
 */
const MIGRATE_LOCK_KEY = '7884789663531492459'

const RELATION_KINDS: Record<string, string> = { r: 'table', p: 'table', v: 'view', m: 'materialized view', f: 'foreign table', S: 'sequence' }
const NAMES_SHOWN = 5

/**
 * Create MLflow's schema in an empty database, or finish it if it is at a
 * revision one of our migrations produces. Never touches anything else: a store
 * at another alembic revision, or a schema holding other objects, is refused.
 *
 * Everything, the checks included, runs in one READ COMMITTED transaction that
 * first takes a transaction-scoped advisory lock: a failure leaves the database
 * as it was, and a second concurrent run waits, then sees the first one's work.
 */
export async function migrateStore(target: ConnectionTarget): Promise<MigrateResult> {
  const where = describeTarget(target)
  const { sequelize, server } = await openWritable(target)
  try {
    checkWritable(server, where, 'migrate')
    const settings = writeSettingsSql(target)
    return await sequelize.transaction({ isolationLevel: Transaction.ISOLATION_LEVELS.READ_COMMITTED }, async (transaction) => {
      // The connection's search_path (and other options) for this transaction only: nothing stays on the session.
      if (settings) await sequelize.query(settings, { transaction })
      // Before any look at the catalog: each later statement then gets a snapshot taken after the lock was granted.
      await sequelize.query(`SELECT pg_advisory_xact_lock(${MIGRATE_LOCK_KEY}::bigint)`, { transaction })
      await assertMigratable(sequelize, transaction)
      const applied = await createMigrator(sequelize, transaction).up()
      const versions = await readAlembicVersion(sequelize, transaction)
      return {
        revision: versions?.[0] ?? '',
        applied: applied.map((m) => m.name),
        alreadyCurrent: applied.length === 0,
      }
    })
  } catch (e) {
    throw migrationError(e, where)
  } finally {
    await sequelize.close().catch(() => undefined)
  }
}

/** Refuse anything but an empty schema or a store at a revision our migrations produce. */
async function assertMigratable(sequelize: Sequelize, transaction: Transaction): Promise<void> {
  const [{ schema }] = await sequelize.query<{ schema: string | null }>('SELECT current_schema() AS schema', {
    type: QueryTypes.SELECT,
    transaction,
  })
  if (schema === null) {
    throw new AppError('INVALID_CONNECTION', 'The search_path names no existing schema, so there is nowhere to create the store.')
  }
  const versions = await readAlembicVersion(sequelize, transaction)
  if (versions === null) {
    // Sequences and views count too: a stray experiments_experiment_id_seq would
    // silently make the serial use experiments_experiment_id_seq1, and a relation
    // named like one of our tables would make Sequelize's CREATE TABLE IF NOT EXISTS skip it.
    const found = await sequelize.query<{ name: string; kind: string }>(
      `SELECT c.relname AS name, c.relkind::text AS kind
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
        ORDER BY c.relkind <> 'r', c.relname`,
      { type: QueryTypes.SELECT, transaction },
    )
    if (found.length > 0) throw notEmpty(schema, found)
    return
  }
  if (versions.length !== 1) {
    throw new AppError(
      'SCHEMA_MISMATCH',
      `alembic_version in schema "${schema}" holds ${versions.length === 0 ? 'no revision' : `${versions.length} revisions (${versions.join(', ')})`}; ` +
        'an MLflow store has exactly one. MLflow Desk will not migrate it.',
    )
  }
  const [revision] = versions
  if (!MIGRATIONS.some((m) => m.revision === revision)) throw otherRevision(revision)
}

function notEmpty(schema: string, found: Array<{ name: string; kind: string }>): AppError {
  const names = found.slice(0, NAMES_SHOWN).map((r) => (r.kind === 'r' ? r.name : `${r.name} (${RELATION_KINDS[r.kind] ?? r.kind})`))
  const more = found.length > NAMES_SHOWN ? ` and ${found.length - NAMES_SHOWN} more` : ''
  return new AppError(
    'SCHEMA_MISMATCH',
    `Schema "${schema}" already holds ${names.join(', ')}${more}, but no alembic_version table, so it is not an MLflow store. ` +
      'MLflow Desk creates a store only in an empty database (or schema); point it at one.',
  )
}

function otherRevision(revision: string): AppError {
  const found = mlflowVersionsFor(revision)
  const ours = mlflowVersionsFor(MLFLOW_HEAD_REVISION)
  const written = found.known ? `written by ${found.range}` : found.range
  return new AppError(
    'SCHEMA_MISMATCH',
    `This store is at alembic revision ${revision} (${written}); MLflow Desk's migrations only produce ${MLFLOW_HEAD_REVISION} ` +
      `(${ours.range}) from an empty database and do not upgrade existing stores. ` +
      "To upgrade it, use MLflow's own path: `mlflow db upgrade <database URI>` with the MLflow version you want to move to.",
  )
}

/**
 * umzug wraps what a migration threw in a MigrationError; unwrap it so driver
 * errors are translated like any other, and say that nothing was kept.
 */
function migrationError(e: unknown, where: string): AppError {
  if (!(e instanceof MigrationError)) return toStoreError(e, where)
  const cause = e.cause
  if (isAppError(cause)) return cause
  const err = toStoreError(cause, where)
  const name = e.migration.name
  return new AppError(err.code, `Migration ${name} failed; the transaction was rolled back and nothing was changed. ${err.message}`)
}
