import type { ReadOptions, Reader, StoreHandle } from '../../electron/services/connections/storeConnection'
import { setLocalSql, type Settings } from '../../electron/services/connections/transactionSettings'

/** One statement a service sent: its SQL, bind values, and the SET LOCAL its transaction added (ReadOptions.settings). */
export type SentStatement = [sql: string, bind: unknown[], settings?: Settings]

/**
 * The store, with every statement it sends (by `select`, or inside `read`) kept in `sent` (SQL,
 * bind values and the read's own settings), so a test can EXPLAIN exactly what a service asked.
 */
export function recordingStore(store: StoreHandle): { spy: StoreHandle; sent: SentStatement[] } {
  const sent: SentStatement[] = []
  const recording =
    (reader: Reader, settings?: Settings): Reader['select'] =>
    (sql: string, bind: unknown[] = []) => (sent.push([sql, bind, settings]), reader.select(sql, bind))
  const spy = new Proxy(store, {
    get: (target, prop, receiver) => {
      if (prop === 'select')
        return <T extends object>(sql: string, bind?: unknown[], o?: ReadOptions) => (sent.push([sql, bind ?? [], o?.settings]), target.select<T>(sql, bind, o))
      if (prop === 'read')
        return <T>(fn: (reader: Reader) => Promise<T>, o?: ReadOptions) => target.read((reader) => fn({ select: recording(reader, o?.settings) }), o)
      return Reflect.get(target, prop, receiver)
    },
  })
  return { spy, sent }
}

/** EXPLAIN of a statement as one text, plan lines joined; under the SET LOCAL its read sent with it, as the server planned it. */
export async function explain(
  client: { query: (sql: string, bind?: unknown[]) => Promise<{ rows: Array<Record<string, string>> }> },
  [sql, bind, settings]: SentStatement,
  options = '',
): Promise<string> {
  const run = async () => (await client.query(`EXPLAIN ${options ? `(${options}) ` : ''}${sql}`, bind)).rows.map((r) => r['QUERY PLAN']).join('\n')
  if (!settings || !Object.keys(settings).length) return run()
  await client.query('BEGIN')
  try {
    await client.query(setLocalSql(settings))
    return await run()
  } finally {
    await client.query('ROLLBACK')
  }
}
