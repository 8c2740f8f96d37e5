import type { StoreHandle } from '../connections/storeConnection'
import { cachedPerStore } from '../connections/storeCache'

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

const cached = cachedPerStore(STORE_INDEXES_TTL_MS, readStoreIndexes)

/**
 * The store's indexes of metrics, runs and latest_metrics (valid ones only: an interrupted CONCURRENTLY build does
 * not count), read once per open store and kept for STORE_INDEXES_TTL_MS (cachedPerStore).
 */
export function storeIndexes(store: StoreHandle): Promise<StoreIndexes> {
  return cached.get(store)
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
  cached.forget(store)
}
