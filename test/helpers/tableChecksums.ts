import type pg from 'pg'

/**
 * A fingerprint of everything a write could change in a store: every table's
 * rows (md5 of its rows as text, sorted), every sequence's position, the set of
 * relations and functions in the schema, and the large objects. Equal before
 * and after = the store is unchanged.
 */
export async function storeChecksums(client: pg.Client, schema = 'public'): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const { rows: tables } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') ORDER BY 1`,
    [schema],
  )
  for (const { name } of tables) {
    const table = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)}`
    const { rows } = await client.query<{ n: string; md5: string | null }>(
      `SELECT count(*)::text AS n, md5(string_agg(t::text, E'\\n' ORDER BY t::text)) AS md5 FROM ${table} t`,
    )
    out[`table ${name}`] = `${rows[0].n} rows ${rows[0].md5 ?? '-'}`
  }
  const { rows: seqs } = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'S' ORDER BY 1`,
    [schema],
  )
  for (const { name } of seqs) {
    const { rows } = await client.query<{ v: string }>(
      `SELECT last_value::text || '/' || is_called::text AS v FROM ${client.escapeIdentifier(schema)}.${client.escapeIdentifier(name)}`,
    )
    out[`sequence ${name}`] = rows[0].v
  }
  const { rows: objects } = await client.query<{ list: string | null }>(
    `SELECT string_agg(kind || ' ' || name, ', ' ORDER BY kind, name) AS list FROM (
       SELECT c.relkind::text AS kind, c.relname::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1
       UNION ALL
       SELECT 'function', p.proname::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = $1) o`,
    [schema],
  )
  out['objects'] = objects[0].list ?? ''
  const { rows: temp } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_class WHERE relpersistence = 't'`)
  out['temporary tables'] = temp[0].n
  const { rows: lo } = await client.query<{ n: string }>('SELECT count(*)::text AS n FROM pg_largeobject_metadata')
  out['large objects'] = lo[0].n
  return out
}
