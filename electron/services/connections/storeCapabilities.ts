import { AppError } from '@shared/api/errors'
import type { StoreDescription } from '@shared/domain/mlflow'
import { REQUIRED_TABLES, capabilitiesOf, type StoreCapabilities } from '../mlflowSchema/capabilities'
import { mlflowVersionsFor } from '../mlflowSchema/revisions'

/**
 * What a connected store is, read from the catalog once when it is opened.
 * Stores written by older MLflow lack tables and columns, newer ones add some:
 * readers ask the named capabilities (../mlflowSchema/capabilities.ts), never
 * the catalog.
 */
export interface StoreSchema {
  /** The PostgreSQL schema the store lives in (current_schema()). */
  readonly name: string
  /** alembic_version's revision, or null when the table is missing (MLflow < 1.1). */
  readonly revision: string | null
  readonly capabilities: StoreCapabilities
  /** What `session:describe` sends. */
  describe(): StoreDescription
}

/** How the probe reads: any statement runner of a store's read transaction. */
interface Select {
  select<T extends object>(sql: string, bind?: unknown[]): Promise<T[]>
}

export async function probeStore(reader: Select): Promise<StoreSchema> {
  const rows = await reader.select<{ schema: string; table_name: string; column_name: string }>(
    `SELECT c.table_schema AS schema, c.table_name, c.column_name
       FROM information_schema.columns c
      WHERE c.table_schema = current_schema()
      ORDER BY c.table_name, c.ordinal_position`,
  )
  const name = rows[0]?.schema ?? (await reader.select<{ s: string | null }>('SELECT current_schema() AS s'))[0]?.s ?? 'public'
  const tables = new Map<string, Set<string>>()
  for (const r of rows) {
    let cols = tables.get(r.table_name)
    if (!cols) tables.set(r.table_name, (cols = new Set()))
    cols.add(r.column_name)
  }
  const missing = REQUIRED_TABLES.filter((t) => !tables.has(t))
  if (missing.length > 0) {
    throw new AppError(
      'NOT_MLFLOW_STORE',
      `This database is not an MLflow tracking store: schema "${name}" has no ${missing.join(', ')} table${missing.length > 1 ? 's' : ''}. ` +
        'Point at the database MLflow uses as its backend store (or set search_path if it lives in another schema).',
    )
  }
  let revision: string | null = null
  if (tables.has('alembic_version')) {
    const v = await reader.select<{ version_num: string }>('SELECT version_num FROM alembic_version LIMIT 1')
    revision = v[0]?.version_num ?? null
  }
  const capabilities = capabilitiesOf((table, column) => {
    const cols = tables.get(table)
    return !!cols && (column === undefined || cols.has(column))
  })
  return {
    name,
    revision,
    capabilities,
    describe() {
      const versions = mlflowVersionsFor(revision)
      return {
        revision,
        mlflow_versions: versions.range,
        known_revision: versions.known,
        schema: name,
        table_count: tables.size,
        features: {
          run_name_column: capabilities.runNameColumn,
          latest_metrics: capabilities.latestMetrics,
          datasets: capabilities.datasets,
          model_registry: capabilities.modelRegistry,
          model_aliases: capabilities.modelAliases,
          logged_models: capabilities.loggedModels,
          traces: capabilities.traces,
          evaluations: capabilities.assessments,
        },
      }
    },
  }
}
