import { DataTypes } from 'sequelize'
import { DATASET_TABLES } from './datasets'
import { GENAI_TABLES } from './genai'
import { LOGGED_MODEL_TABLES } from './loggedModels'
import { REGISTRY_TABLES } from './registry'
import { req, type TableSpec } from './spec'
import { TRACE_TABLES } from './traces'
import { TRACKING_TABLES } from './tracking'

/**
 * Every MLflow table at alembic head bf29a5ff90ea except alembic_version, in
 * creation order. Foreign keys only point at earlier tables, so dropping in
 * reverse order never trips over one.
 */
export const MLFLOW_TABLES: readonly TableSpec[] = [
  ...TRACKING_TABLES,
  ...REGISTRY_TABLES,
  ...DATASET_TABLES,
  ...TRACE_TABLES,
  ...LOGGED_MODEL_TABLES,
  ...GENAI_TABLES,
]

/** Alembic's own bookkeeping table, with the PK name alembic gives it ("pkc"). */
export const ALEMBIC_VERSION_TABLE: TableSpec = {
  name: 'alembic_version',
  columns: { version_num: req(DataTypes.STRING(32)) },
  primaryKey: { name: 'alembic_version_pkc', fields: ['version_num'] },
}

export type { TableSpec } from './spec'
