import { QueryTypes, type Sequelize, type Transaction } from 'sequelize'
import { Umzug, type UmzugStorage } from 'umzug'
import { AppError } from '@shared/api/errors'
import { mlflowVersionsFor } from '@services/mlflowSchema/revisions'
import * as mlflow35Head from './2026.11.26T00.00.00.mlflow-3.5-head'
import type { MigrationContext, MigrationModule, MlflowMigration } from './migration'

function listed(name: string, mod: MigrationModule): MlflowMigration {
  return { name, revision: mod.revision, up: mod.up, down: mod.down }
}

/**
 * Every migration, oldest first. An explicit list, not a glob: the main process
 * is bundled, so there are no migration files on disk at run time.
 */
export const MIGRATIONS: readonly MlflowMigration[] = [listed('2026.11.26T00.00.00.mlflow-3.5-head', mlflow35Head)]

/**
 * The alembic revision(s) recorded in the current schema, or null when there is
 * no alembic_version table there. Looked up in pg_class for current_schema()
 * rather than with to_regclass, which would also find one further down the search_path.
 */
export async function readAlembicVersion(sequelize: Sequelize, transaction: Transaction): Promise<string[] | null> {
  const [{ present }] = await sequelize.query<{ present: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE n.nspname = current_schema() AND c.relname = 'alembic_version' AND c.relkind IN ('r', 'p')) AS present`,
    { type: QueryTypes.SELECT, transaction },
  )
  if (!present) return null
  const rows = await sequelize.query<{ version_num: string }>('SELECT version_num FROM alembic_version ORDER BY version_num', {
    type: QueryTypes.SELECT,
    transaction,
  })
  return rows.map((r) => r.version_num)
}

/**
 * umzug's bookkeeping without a table of its own: a SequelizeMeta table would
 * make the catalog differ from MLflow's, and alembic_version already says where
 * the store is. Executed = every migration up to the one producing the stored
 * revision. Logging is a no-op because each migration stamps alembic_version
 * itself, inside the same transaction.
 */
export class AlembicVersionStorage implements UmzugStorage<MigrationContext> {
  constructor(private readonly migrations: readonly MlflowMigration[]) {}

  async executed({ context }: { context: MigrationContext }): Promise<string[]> {
    const versions = await readAlembicVersion(context.queryInterface.sequelize, context.transaction)
    if (versions === null || versions.length === 0) return []
    const i = versions.length === 1 ? this.migrations.findIndex((m) => m.revision === versions[0]) : -1
    if (i < 0) {
      const found = versions.join(', ')
      throw new AppError(
        'SCHEMA_MISMATCH',
        `alembic_version holds ${found} (${versions.map((v) => mlflowVersionsFor(v).range).join('; ')}), which no MLflow Desk migration produces.`,
      )
    }
    return this.migrations.slice(0, i + 1).map((m) => m.name)
  }

  async logMigration(): Promise<void> {}

  async unlogMigration(): Promise<void> {}
}

/** An umzug over the explicit list, running everything on one connection inside `transaction`. */
export function createMigrator(sequelize: Sequelize, transaction: Transaction): Umzug<MigrationContext> {
  return new Umzug<MigrationContext>({
    migrations: [...MIGRATIONS],
    context: { queryInterface: sequelize.getQueryInterface(), transaction },
    storage: new AlembicVersionStorage(MIGRATIONS),
    logger: undefined,
  })
}
