import type { QuerySchemaResponse } from '@shared/api/contract'
import type { SchemaTable } from '@shared/domain/query'
import type { StoreHandle } from '../connections/storeConnection'

const KINDS: Record<string, SchemaTable['kind']> = { r: 'table', v: 'view', m: 'materialized view', f: 'foreign table', p: 'partitioned table' }

/**
 * query:schema: the tables and views of the store's schema (the profile's,
 * else the first on the search_path) with their columns, from the catalog —
 * what autocomplete offers. Whatever tables the store has, MLflow's or others.
 */
export async function describeSchema(store: StoreHandle): Promise<QuerySchemaResponse> {
  const rows = await store.select<{ schema: string; table_name: string; relkind: string; column_name: string | null; type: string | null }>(
    `SELECT n.nspname AS schema, c.relname AS table_name, c.relkind::text AS relkind, a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'f', 'p') AND NOT c.relispartition
      ORDER BY c.relname, a.attnum`,
  )
  const tables = new Map<string, SchemaTable>()
  for (const r of rows) {
    let t = tables.get(r.table_name)
    if (!t) tables.set(r.table_name, (t = { name: r.table_name, kind: KINDS[r.relkind] ?? 'table', columns: [] }))
    if (r.column_name) t.columns.push({ name: r.column_name, type: r.type ?? '' })
  }
  const [first] = rows
  const schema = first?.schema ?? (await store.select<{ s: string }>('SELECT current_schema() AS s'))[0]?.s ?? 'public'
  return { schema, tables: [...tables.values()] }
}
