import type { DataType, ModelAttributeColumnOptions } from 'sequelize'

/**
 * A column as Sequelize's QueryInterface takes it. Only what MLflow's schema
 * uses: type, nullability, a server default and the one serial column.
 */
export type ColumnSpec = Pick<ModelAttributeColumnOptions, 'type' | 'allowNull' | 'defaultValue' | 'autoIncrement'>

/** A named constraint or index over some columns, named exactly as MLflow names it. */
export interface NamedFields {
  name: string
  fields: string[]
}

/** CHECK (field IN (...)): the only check shape MLflow uses (SQLAlchemy Enum columns). */
export interface CheckSpec {
  name: string
  field: string
  in: string[]
}

export interface ForeignKeySpec extends NamedFields {
  references: { table: string; fields: string[] }
  onDelete?: 'CASCADE'
  onUpdate?: 'CASCADE'
}

export interface IndexSpec extends NamedFields {
  unique?: boolean
}

/**
 * One table of MLflow's PostgreSQL schema at a given alembic revision.
 * `columns` is in the order MLflow's migrations leave them (pg_dump's order):
 * ordinal positions are part of the catalog we reproduce.
 */
export interface TableSpec {
  name: string
  columns: Record<string, ColumnSpec>
  primaryKey: NamedFields
  uniques?: NamedFields[]
  checks?: CheckSpec[]
  foreignKeys?: ForeignKeySpec[]
  indexes?: IndexSpec[]
}

/** NOT NULL column. */
export function req(type: DataType, extra: Omit<ColumnSpec, 'type' | 'allowNull'> = {}): ColumnSpec {
  return { type, allowNull: false, ...extra }
}

/** Nullable column. */
export function opt(type: DataType, extra: Omit<ColumnSpec, 'type' | 'allowNull'> = {}): ColumnSpec {
  return { type, allowNull: true, ...extra }
}

/** SQLAlchemy's server_default='0' on a BIGINT: PostgreSQL keeps it as '0'::bigint, not 0. */
export const ZERO_BIGINT_DEFAULT = '0'

/** Lifecycle stages checked on experiments, runs and logged models. */
export const LIFECYCLE_STAGES = ['active', 'deleted']
