import type pg from 'pg'

/** One column as information_schema describes it. */
export interface ColumnInfo {
  name: string
  ordinal_position: number
  data_type: string
  udt_name: string
  character_maximum_length: number | null
  is_nullable: string
  column_default: string | null
  is_identity: string
  is_generated: string
  generation_expression: string | null
}

export interface ConstraintInfo {
  name: string
  /** p primary key, u unique, c check, f foreign key ... */
  contype: string
  definition: string
}

export interface IndexInfo {
  name: string
  /** pg_get_indexdef with the schema prefix removed, so two schemas compare equal. */
  definition: string
}

export interface TableCatalog {
  columns: ColumnInfo[]
  constraints: ConstraintInfo[]
  indexes: IndexInfo[]
}

export interface SequenceInfo {
  name: string
  data_type: string
  start: string
  increment: string
  min: string
  max: string
  cache: string
  cycle: boolean
  /** "table.column" for a serial's sequence, null for a free-standing one. */
  owned_by: string | null
}

/** The catalog of the current schema in a form two databases can be compared with toEqual. */
export interface CatalogSnapshot {
  tables: Record<string, TableCatalog>
  sequences: SequenceInfo[]
  /** Views, materialized views, foreign tables, composite types: "name (relkind)". MLflow has none. */
  otherRelations: string[]
}

/**
 * Snapshot the current schema's tables (columns, constraints, indexes) and
 * sequences. Every list is ordered by name (columns by position), so the result
 * depends only on the catalog, not on creation order or OIDs.
 */
export async function catalogSnapshot(client: pg.Client): Promise<CatalogSnapshot> {
  const tables: Record<string, TableCatalog> = {}
  const tableRows = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
  )
  for (const { name } of tableRows.rows) tables[name] = { columns: [], constraints: [], indexes: [] }

  const columns = await client.query<ColumnInfo & { table_name: string }>(
    `SELECT table_name, column_name AS name, ordinal_position::int, data_type, udt_name,
            character_maximum_length::int, is_nullable, column_default, is_identity, is_generated, generation_expression
       FROM information_schema.columns
      WHERE table_schema = current_schema()
      ORDER BY table_name, ordinal_position`,
  )
  for (const { table_name, ...col } of columns.rows) tables[table_name]?.columns.push(col)

  const constraints = await client.query<ConstraintInfo & { table_name: string }>(
    `SELECT c.relname AS table_name, con.conname AS name, con.contype::text AS contype, pg_get_constraintdef(con.oid) AS definition
       FROM pg_constraint con
       JOIN pg_class c ON c.oid = con.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema()
      ORDER BY c.relname, con.conname`,
  )
  for (const { table_name, ...con } of constraints.rows) tables[table_name]?.constraints.push(con)

  const indexes = await client.query<IndexInfo & { table_name: string }>(
    `SELECT tablename AS table_name, indexname AS name,
            replace(indexdef, ' ON ' || quote_ident(schemaname) || '.', ' ON ') AS definition
       FROM pg_indexes
      WHERE schemaname = current_schema()
      ORDER BY tablename, indexname`,
  )
  for (const { table_name, ...idx } of indexes.rows) tables[table_name]?.indexes.push(idx)

  // Numbers as text: the app sets a process-wide int8 parser, and the snapshot must not depend on it.
  const sequences = await client.query<SequenceInfo>(
    `SELECT c.relname AS name, format_type(s.seqtypid, NULL) AS data_type,
            s.seqstart::text AS start, s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max,
            s.seqcache::text AS cache, s.seqcycle AS cycle,
            CASE WHEN t.relname IS NULL THEN NULL ELSE t.relname || '.' || a.attname END AS owned_by
       FROM pg_sequence s
       JOIN pg_class c ON c.oid = s.seqrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                            AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
       LEFT JOIN pg_class t ON t.oid = d.refobjid
       LEFT JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE n.nspname = current_schema()
      ORDER BY c.relname`,
  )

  const others = await client.query<{ entry: string }>(
    `SELECT c.relname || ' (' || c.relkind::text || ')' AS entry
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('v', 'm', 'f', 'c')
      ORDER BY c.relname`,
  )

  return { tables, sequences: sequences.rows, otherRelations: others.rows.map((r) => r.entry) }
}

/** Exact row count of every table in the current schema, to show a refused migration wrote nothing. */
export async function rowCounts(client: pg.Client): Promise<Record<string, number>> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
  )
  const counts: Record<string, number> = {}
  for (const { name } of rows) {
    const res = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${name.replace(/"/g, '""')}"`)
    counts[name] = res.rows[0].n
  }
  return counts
}

/** Table names a plain pg_dump file creates, read from the file itself (the ground truth). */
export function tablesInDump(sql: string): string[] {
  return [...sql.matchAll(/^CREATE TABLE public\.(\w+) \(/gm)].map((m) => m[1]).sort()
}

/** CHECK constraints as a plain pg_dump file prints them: table -> constraint name -> definition. */
export function checksInDump(sql: string): Record<string, Record<string, string>> {
  const checks: Record<string, Record<string, string>> = {}
  for (const [, table, body] of sql.matchAll(/^CREATE TABLE public\.(\w+) \(\n([\s\S]*?)\n\);$/gm)) {
    for (const [, name, definition] of body.matchAll(/^\s+CONSTRAINT (\w+) (CHECK .*?),?$/gm)) {
      ;(checks[table] ??= {})[name] = definition
    }
  }
  return checks
}

/**
 * A restored dump is not byte-for-byte the database that was dumped: PostgreSQL
 * prints MLflow's `col IN ('a', 'b')` checks as `= ANY ((ARRAY['a'::character
 * varying, ...])::text[])`, and re-parsing that text stores the cast per element
 * instead. So the CHECK definitions of a restored fixture are replaced by the
 * dump's own text, which is what MLflow's database holds; each check must exist in both.
 */
export function withDumpChecks(snapshot: CatalogSnapshot, dumpChecks: Record<string, Record<string, string>>): CatalogSnapshot {
  const tables: Record<string, TableCatalog> = {}
  for (const [table, catalog] of Object.entries(snapshot.tables)) {
    const fromDump = dumpChecks[table] ?? {}
    const restored = catalog.constraints.filter((c) => c.contype === 'c').map((c) => c.name)
    if (restored.sort().join() !== Object.keys(fromDump).sort().join()) {
      throw new Error(`${table}: restored checks [${restored}] differ from the dump's [${Object.keys(fromDump)}]`)
    }
    const constraints = catalog.constraints.map((c) => (c.contype === 'c' ? { ...c, definition: fromDump[c.name] } : c))
    tables[table] = { ...catalog, constraints }
  }
  return { ...snapshot, tables }
}
