import { MLFLOW_HEAD_REVISION } from '@services/mlflowSchema/revisions'
import { createTables, dropAlembicVersion, dropTables, stampRevision } from './mlflowSchema/apply'
import { MLFLOW_TABLES } from './mlflowSchema/index'
import type { Migration } from './migration'

/**
 * An empty database becomes exactly what MLflow 3.5's own alembic chain leaves
 * on PostgreSQL (head bf29a5ff90ea), so MLflow itself accepts the store and can
 * take it further with `mlflow db upgrade`.
 */
export const revision = MLFLOW_HEAD_REVISION

export const up: Migration = async ({ context }) => {
  await createTables(context, MLFLOW_TABLES)
  // Last, so a store is only ever stamped once everything else exists.
  await stampRevision(context, revision)
}

export const down: Migration = async ({ context }) => {
  await dropAlembicVersion(context)
  await dropTables(context, MLFLOW_TABLES)
}
