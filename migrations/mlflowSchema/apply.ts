import type { AddConstraintOptions, QueryInterface, QueryInterfaceOptions, Transaction } from 'sequelize'
import { ALEMBIC_VERSION_TABLE } from './index'
import type { ColumnSpec, ForeignKeySpec, TableSpec } from './spec'

/** What every schema step needs: Sequelize's QueryInterface and the one migration transaction. */
export interface SchemaContext {
  queryInterface: QueryInterface
  transaction: Transaction
}

/**
 * Create tables from their specs. Keys, checks and indexes are added by name
 * after each CREATE TABLE, because Sequelize would otherwise name the primary
 * key <table>_pkey where MLflow has run_pk, metric_pk ...; foreign keys come
 * last, once every referenced key exists.
 */
export async function createTables({ queryInterface: qi, transaction }: SchemaContext, tables: readonly TableSpec[]): Promise<void> {
  for (const t of tables) {
    await qi.createTable(t.name, copyColumns(t.columns), { transaction })
    await qi.addConstraint(t.name, { type: 'primary key', name: t.primaryKey.name, fields: t.primaryKey.fields, transaction })
    for (const u of t.uniques ?? []) {
      await qi.addConstraint(t.name, { type: 'unique', name: u.name, fields: u.fields, transaction })
    }
    for (const c of t.checks ?? []) {
      // Sent as "field IN (...)", which PostgreSQL stores as = ANY (ARRAY[...]), as it did for SQLAlchemy's Enum.
      await qi.addConstraint(t.name, { type: 'check', name: c.name, fields: [c.field], where: { [c.field]: c.in }, transaction })
    }
    for (const i of t.indexes ?? []) {
      await qi.addIndex(t.name, i.fields, { name: i.name, unique: i.unique ?? false, transaction })
    }
  }
  for (const t of tables) {
    for (const fk of t.foreignKeys ?? []) {
      await qi.addConstraint(t.name, foreignKeyOptions(fk, transaction))
    }
  }
}

/**
 * Sequelize's typings allow one referenced `field` only, but its query generator
 * also takes `fields`, which the composite key of model_version_tags needs.
 */
function foreignKeyOptions(fk: ForeignKeySpec, transaction: Transaction): AddConstraintOptions & QueryInterfaceOptions {
  const options = {
    type: 'foreign key' as const,
    name: fk.name,
    fields: fk.fields,
    references: { table: fk.references.table, fields: fk.references.fields },
    onDelete: fk.onDelete,
    onUpdate: fk.onUpdate,
    transaction,
  }
  return options as unknown as AddConstraintOptions & QueryInterfaceOptions
}

/** Drop tables in reverse creation order; a serial's sequence goes with its column (OWNED BY). */
export async function dropTables({ queryInterface: qi, transaction }: SchemaContext, tables: readonly TableSpec[]): Promise<void> {
  for (const t of [...tables].reverse()) {
    await qi.dropTable(t.name, { transaction })
  }
}

/** Create alembic_version and record the revision, as `alembic stamp` would. */
export async function stampRevision(ctx: SchemaContext, revision: string): Promise<void> {
  await createTables(ctx, [ALEMBIC_VERSION_TABLE])
  await ctx.queryInterface.bulkInsert(ALEMBIC_VERSION_TABLE.name, [{ version_num: revision }], { transaction: ctx.transaction })
}

export async function dropAlembicVersion(ctx: SchemaContext): Promise<void> {
  await dropTables(ctx, [ALEMBIC_VERSION_TABLE])
}

/** Sequelize normalises attribute objects in place; the specs are shared constants, so hand it copies. */
function copyColumns(columns: Record<string, ColumnSpec>): Record<string, ColumnSpec> {
  return Object.fromEntries(Object.entries(columns).map(([name, c]) => [name, { ...c }]))
}
