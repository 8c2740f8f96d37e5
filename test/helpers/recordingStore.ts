import type { Reader, StoreHandle } from '../../electron/services/connections/storeConnection'

/**
 * The store, with every statement it sends (by `select`, or inside `read`) kept in `sent` (SQL and
 * bind values), so a test can EXPLAIN exactly what a service asked.
 */
export function recordingStore(store: StoreHandle): { spy: StoreHandle; sent: Array<[string, unknown[]]> } {
  const sent: Array<[string, unknown[]]> = []
  const recording =
    (reader: Reader): Reader['select'] =>
    (sql: string, bind: unknown[] = []) => (sent.push([sql, bind]), reader.select(sql, bind))
  const spy = new Proxy(store, {
    get: (target, prop, receiver) => {
      if (prop === 'select') return recording(target)
      if (prop === 'read') return <T>(fn: (reader: Reader) => Promise<T>) => target.read((reader) => fn({ select: recording(reader) }))
      return Reflect.get(target, prop, receiver)
    },
  })
  return { spy, sent }
}

/** EXPLAIN of a statement as one text, plan lines joined. */
export async function explain(
  client: { query: (sql: string, bind: unknown[]) => Promise<{ rows: Array<Record<string, string>> }> },
  [sql, bind]: [string, unknown[]],
  options = '',
): Promise<string> {
  return (await client.query(`EXPLAIN ${options ? `(${options}) ` : ''}${sql}`, bind)).rows.map((r) => r['QUERY PLAN']).join('\n')
}
