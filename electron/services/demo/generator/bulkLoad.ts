import type pg from 'pg'
import { quoteIdent } from './copyWriter'

/** The run-child tables that get tens of millions of rows at the bulk sizes. */
export const BULK_TABLES = ['metrics', 'latest_metrics', 'params', 'tags'] as const

interface Definition {
  table: string
  name: string
  /** 'p' primary key, 'f' foreign key, 'i' plain index. */
  kind: 'p' | 'f' | 'i'
  /** pg_get_constraintdef / pg_get_indexdef output: exactly what the catalog says. */
  def: string
}

/**
 * Primary keys, foreign keys (from and to the tables) and plain indexes,
 * read from the catalog rather than hard-coded, so the rebuilt schema is the
 * one that was there, whoever's migrations made it.
 */
async function readDefinitions(client: pg.Client, tables: readonly string[]): Promise<Definition[]> {
  const constraints = await client.query<{ table: string; name: string; kind: 'p' | 'f'; def: string }>(
    `SELECT cl.relname AS table, c.conname AS name, c.contype AS kind, pg_get_constraintdef(c.oid) AS def
       FROM pg_constraint c JOIN pg_class cl ON cl.oid = c.conrelid
      WHERE cl.relnamespace = current_schema()::regnamespace AND c.contype IN ('p', 'f')
        AND (cl.relname = ANY($1) OR (c.contype = 'f' AND c.confrelid IN
             (SELECT oid FROM pg_class WHERE relname = ANY($1) AND relnamespace = current_schema()::regnamespace)))
      ORDER BY c.contype DESC, cl.relname, c.conname`,
    [tables],
  )
  const indexes = await client.query<{ table: string; name: string; def: string }>(
    `SELECT t.relname AS table, i.relname AS name, pg_get_indexdef(x.indexrelid) AS def
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
      WHERE t.relnamespace = current_schema()::regnamespace AND t.relname = ANY($1)
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)
      ORDER BY t.relname, i.relname`,
    [tables],
  )
  return [...constraints.rows, ...indexes.rows.map((r) => ({ ...r, kind: 'i' as const }))]
}

const same = (a: Definition[], b: Definition[]) => JSON.stringify(a) === JSON.stringify(b)

export interface DroppedKeys {
  tables: readonly string[]
  definitions: Definition[]
}

/**
 * Drop keys and indexes before a bulk COPY: loading into bare heaps and
 * building each index once with a sort is many times faster than maintaining
 * them row by row, and without the foreign keys no per-row check trigger runs
 * (tens of millions of queued trigger events would also cost gigabytes).
 * Runs inside the caller's transaction, so a failure restores everything.
 */
export async function dropKeys(client: pg.Client, tables: readonly string[] = BULK_TABLES): Promise<DroppedKeys> {
  const definitions = await readDefinitions(client, tables)
  for (const d of definitions.filter((x) => x.kind === 'f')) {
    await client.query(`ALTER TABLE ${quoteIdent(d.table)} DROP CONSTRAINT ${quoteIdent(d.name)}`)
  }
  for (const d of definitions.filter((x) => x.kind === 'p')) {
    await client.query(`ALTER TABLE ${quoteIdent(d.table)} DROP CONSTRAINT ${quoteIdent(d.name)}`)
  }
  for (const d of definitions.filter((x) => x.kind === 'i')) await client.query(`DROP INDEX ${quoteIdent(d.name)}`)
  return { tables, definitions }
}

/**
 * Rebuild what dropKeys removed, with the same names and definitions, then
 * check the catalog agrees. Primary keys first (their unique check also
 * validates the generated rows), then indexes, then foreign keys, each of
 * which is validated by one join instead of a trigger per row.
 */
export async function restoreKeys(client: pg.Client, dropped: DroppedKeys, progress: (msg: string) => void, timings: Record<string, number>): Promise<void> {
  const { definitions } = dropped
  const ordered = [...definitions.filter((x) => x.kind === 'p'), ...definitions.filter((x) => x.kind === 'i'), ...definitions.filter((x) => x.kind === 'f')]
  for (const d of ordered) {
    const t0 = performance.now()
    const sql = d.kind === 'i' ? d.def : `ALTER TABLE ${quoteIdent(d.table)} ADD CONSTRAINT ${quoteIdent(d.name)} ${d.def}`
    await client.query(sql)
    const ms = Math.round(performance.now() - t0)
    timings[`rebuild ${d.name}`] = ms
    progress(`rebuilt ${d.name} on ${d.table} (${(ms / 1000).toFixed(1)} s)`)
  }
  if (!same(definitions, await readDefinitions(client, dropped.tables))) {
    throw new Error('Rebuilt keys and indexes differ from the ones that were dropped; the seed was rolled back.')
  }
}
