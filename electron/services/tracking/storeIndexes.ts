import type { StoreHandle } from '../connections/storeConnection'

/** The key columns, in order, of each valid index of the tables whose plans the app shapes. */
export interface StoreIndexes {
  metrics: string[][]
  runs: string[][]
  latest_metrics: string[][]
}

/**
 * How long what the catalog said is believed: an index built meanwhile (`mlflow-desk indexes
 * create`, from another process) is used within this long, and a chart, history page or search
 * does not ask the catalog each time.
 */
export const STORE_INDEXES_TTL_MS = 60_000

const cache = new WeakMap<StoreHandle, { at: number; indexes: Promise<StoreIndexes> }>()

/**
 * The store's indexes of metrics, runs and latest_metrics (valid ones only: an interrupted CONCURRENTLY build does
 * not count), read once per open store and kept for STORE_INDEXES_TTL_MS; read through the shared
 * handle, so one caller's abort does not fail another's wait.
 */
export function storeIndexes(store: StoreHandle): Promise<StoreIndexes> {
  const shared = store.shared
  const hit = cache.get(shared)
  if (hit && Date.now() - hit.at < STORE_INDEXES_TTL_MS) return hit.indexes
  const indexes = readStoreIndexes(shared)
  cache.set(shared, { at: Date.now(), indexes })
  indexes.catch(() => cache.delete(shared))
  return indexes
}

async function readStoreIndexes(store: StoreHandle): Promise<StoreIndexes> {
  // An expression's position holds '' (no column), so the others keep their places.
  const rows = await store.select<{ relname: keyof StoreIndexes; columns: string[] }>(
    `SELECT t.relname::text AS relname,
            ARRAY(SELECT coalesce(a.attname::text, '') FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                    LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
                   WHERE k.ord <= i.indnkeyatts ORDER BY k.ord) AS columns
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
      WHERE t.relname IN ('metrics', 'runs', 'latest_metrics') AND t.relnamespace = current_schema()::regnamespace AND i.indisvalid`,
  )
  const of = (table: keyof StoreIndexes) => rows.filter((r) => r.relname === table).map((r) => r.columns)
  return { metrics: of('metrics'), runs: of('runs'), latest_metrics: of('latest_metrics') }
}

/** Forget what the catalog said (indexes were just built or dropped through another connection): the next read asks again. */
export function forgetStoreIndexes(store: StoreHandle): void {
  cache.delete(store.shared)
}
