import { AppError } from '@shared/api/errors'
import type { StoreDescription } from '@shared/domain/mlflow'
import { mlflowVersionsFor } from './alembicRevisions'

/**
 * What a connected store actually has, read from the catalog. Stores written by
 * older MLflow lack tables and columns; newer ones add some. Every reader asks
 * this object instead of assuming the newest schema.
 */
export interface StoreSchema {
  schema: string
  revision: string | null
  tables: ReadonlyMap<string, ReadonlySet<string>>
  has(table: string, column?: string): boolean
  describe(): StoreDescription
}

/** How the probe reads: any statement runner of a store's read transaction. */
interface Select {
  select<T extends object>(sql: string, bind?: unknown[]): Promise<T[]>
}

export async function probeSchema(reader: Select): Promise<StoreSchema> {
  const rows = await reader.select<{ schema: string; table_name: string; column_name: string }>(
    `SELECT c.table_schema AS schema, c.table_name, c.column_name
       FROM information_schema.columns c
      WHERE c.table_schema = current_schema()
      ORDER BY c.table_name, c.ordinal_position`,
  )
  const schemaName = rows[0]?.schema ?? (await reader.select<{ s: string | null }>('SELECT current_schema() AS s'))[0]?.s ?? 'public'
  const tables = new Map<string, Set<string>>()
  for (const r of rows) {
    let cols = tables.get(r.table_name)
    if (!cols) tables.set(r.table_name, (cols = new Set()))
    cols.add(r.column_name)
  }
  const missing = ['experiments', 'runs', 'params', 'tags', 'metrics'].filter((t) => !tables.has(t))
  if (missing.length > 0) {
    throw new AppError(
      'NOT_MLFLOW_STORE',
      `This database is not an MLflow tracking store: schema "${schemaName}" has no ${missing.join(', ')} table${missing.length > 1 ? 's' : ''}. ` +
        'Point at the database MLflow uses as its backend store (or set search_path if it lives in another schema).',
    )
  }
  let revision: string | null = null
  if (tables.has('alembic_version')) {
    const v = await reader.select<{ version_num: string }>('SELECT version_num FROM alembic_version LIMIT 1')
    revision = v[0]?.version_num ?? null
  }
  const has = (table: string, column?: string) => {
    const cols = tables.get(table)
    return !!cols && (column === undefined || cols.has(column))
  }
  return {
    schema: schemaName,
    revision,
    tables,
    has,
    describe() {
      const versions = mlflowVersionsFor(revision)
      return {
        revision,
        mlflow_versions: versions.range,
        known_revision: versions.known,
        schema: schemaName,
        table_count: tables.size,
        features: {
          run_name_column: has('runs', 'name'),
          latest_metrics: has('latest_metrics'),
          datasets: has('datasets') && has('inputs') && has('input_tags'),
          model_registry: has('registered_models') && has('model_versions'),
          model_aliases: has('registered_model_aliases'),
          logged_models: has('logged_models'),
          traces: has('trace_info'),
        },
      }
    },
  }
}
