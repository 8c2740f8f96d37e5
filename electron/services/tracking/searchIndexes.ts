import pg from 'pg'
import type { StoreHandle } from '../connections/storeConnection'
import { checkServerVersion, checkWritable, readServer } from '../connections/serverVersion'
import { AppError } from '@shared/api/errors'
import { REQUIRED_TABLES, capabilitiesOf, type Capability, type StoreCapabilities } from '../mlflowSchema/capabilities'

/**
 * The optional migration "MLflow Desk search indexes": indexes MLflow's schema lacks
 * (runs has only its primary key; metric history has only run_uuid).
 * Never created silently — only by `mlflow-desk indexes create`, which the user
 * runs with a role allowed to write. Named mlflow_desk_* so they can never be
 * mistaken for (or collide with) MLflow's own; MLflow ignores extra indexes,
 * and `indexes drop` removes them again. Built CONCURRENTLY: the store keeps
 * taking writes while they build.
 */
export interface SearchIndex {
  name: string
  table: string
  /** Column list, as in CREATE INDEX ... ON table (<columns>). */
  columns: string
  /** Columns stored in the index but not ordered by (CREATE INDEX ... INCLUDE), so scans never visit the table. */
  include?: string
  /** What it speeds up, for `indexes status`. */
  purpose: string
  /** What an older store may lack for it (a table, a column): without it the index is not built ('no-table'). */
  needs?: Capability
  /**
   * Built only when asked for (`indexes create --metric-history`): what it costs MLflow's own writes,
   * past the 1.1x the others keep to. Without it the app reads the same rows by MLflow's indexes.
   */
  optIn?: { flag: string; cost: string }
}

export const SEARCH_INDEXES: readonly SearchIndex[] = [
  {
    name: 'mlflow_desk_runs_experiment_start',
    table: 'runs',
    columns: 'experiment_id, start_time DESC, run_uuid',
    purpose: "runs of an experiment in MLflow's default order (start_time DESC, run_uuid): first and deep pages without a scan of all runs",
  },
  {
    name: 'mlflow_desk_runs_start',
    table: 'runs',
    columns: 'start_time DESC, run_uuid',
    purpose: 'the same across several experiments (or all of them)',
  },
  {
    name: 'mlflow_desk_latest_metrics_asc',
    table: 'latest_metrics',
    needs: 'latestMetrics',
    columns: 'key, is_nan, value, run_uuid',
    purpose:
      'metric filters (metrics.acc > 0.9) read only the matching range; ordering by a metric walks the index (forward for ASC, backward for DESC) instead of sorting every run',
  },
  {
    name: 'mlflow_desk_metrics_run_key_step',
    table: 'metrics',
    needs: 'metricSteps',
    columns: 'run_uuid, key, step',
    include: 'timestamp, value, is_nan',
    purpose:
      "a metric's history by step without reading the run's other metrics: chart windows seek to their steps, previews probe, downsampling scans only the index",
    optIn: {
      flag: '--metric-history',
      cost: 'every metric row MLflow logs is one more index entry: its log_batch of 1,000 metrics ran 1.09-1.13x (side by side, 100k-run store)',
    },
  },
]

/** The ones `indexes create` builds without being asked for more: none costs MLflow's own calls over 1.1x. */
export const DEFAULT_SEARCH_INDEXES: readonly SearchIndex[] = SEARCH_INDEXES.filter((i) => !i.optIn)

/** "table (columns) INCLUDE (...)", as CREATE INDEX takes it and `indexes status` shows it. */
export function indexTarget(i: SearchIndex): string {
  return `${i.table} (${i.columns})${i.include ? ` INCLUDE (${i.include})` : ''}`
}

/**
 * Desk objects of earlier releases that `create` and `drop` remove:
 * - a metrics index replaced by the step-ordered one above;
 * - the key/value statistics on params and tags. Those taught the planner how many runs a
 *   params.lr = '0.01' filter matches, and MLflow's planner learned it too: its metric + param
 *   filtered search then probed params run by run and ran 1.4-1.5x slower (measured side by side
 *   on the 100k-run bench store), past the 1.1x our indexes may cost MLflow;
 * - latest_metrics (key, is_nan, (-value), run_uuid), for metric orders DESC, now walked backward
 *   in the index above. Each value index is one more entry on every update of a run's latest value
 *   (a value in an index makes the update non-HOT): MLflow's log_metric ran 1.05-1.10x with both,
 *   1.02-1.03x with one.
 */
export const RETIRED_INDEXES: readonly string[] = [
  'mlflow_desk_metrics_run_key_time',
  'mlflow_desk_params_key_value',
  'mlflow_desk_tags_key_value',
  'mlflow_desk_latest_metrics_desc',
]

export interface SearchIndexStatus extends SearchIndex {
  /** present: built and usable; invalid: a build was interrupted (create rebuilds it); absent. */
  state: 'present' | 'invalid' | 'absent' | 'no-table'
  /** On disk, for a built index (what it costs the store); null for absent ones. */
  bytes: number | null
}

const STATUS_SQL = `
  SELECT c.relname AS name, i.indisvalid AS valid, 'index' AS kind, pg_relation_size(c.oid) AS bytes
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
   WHERE c.relnamespace = $2::text::regnamespace AND c.relname = ANY($1::text[])
  UNION ALL
  SELECT s.stxname, true, 'statistics', NULL FROM pg_statistic_ext s
   WHERE s.stxnamespace = $2::text::regnamespace AND s.stxname = ANY($1::text[])`

type Query = (sql: string, bind: unknown[]) => Promise<Array<Record<string, unknown>>>

async function statusWith(query: Query, schema: string, can: StoreCapabilities): Promise<SearchIndexStatus[]> {
  const rows = await query(STATUS_SQL, [SEARCH_INDEXES.map((i) => i.name), pg.escapeIdentifier(schema)])
  return SEARCH_INDEXES.map((index) => {
    const row = rows.find((r) => r.name === index.name)
    const state = index.needs && !can[index.needs] ? 'no-table' : !row ? 'absent' : row.valid ? 'present' : 'invalid'
    return { ...index, state, bytes: row?.bytes === null || row?.bytes === undefined ? null : Number(row.bytes) }
  })
}

/** Which of the optional indexes this store has (read-only). */
export function searchIndexStatus(store: StoreHandle): Promise<SearchIndexStatus[]> {
  return statusWith((sql, bind) => store.select(sql, bind), store.schema.name, store.capabilities)
}

/** Which of the optional indexes the store behind a writable connection has (after `create`, say). */
export async function searchIndexStatusOn(client: pg.Client, target: IndexTarget): Promise<SearchIndexStatus[]> {
  const schema = target.schema ?? (await client.query<{ s: string }>('SELECT current_schema() AS s')).rows[0].s
  return statusWith(async (sql, bind) => (await client.query(sql, bind)).rows, schema, await capabilitiesIn(client, schema))
}

/** Where a write of indexes goes, on a writable connection outside any transaction. */
export interface IndexTarget {
  /** The store's schema (the connection's search_path); default: the session's current_schema(). */
  schema?: string
  /** user@host:port/db, for messages. */
  where: string
}

/**
 * CREATE/DROP INDEX CONCURRENTLY cannot run inside a transaction, so nothing
 * can be SET LOCAL for them: every name is qualified with the store's schema
 * instead of relying on a session's search_path (which a transaction-mode
 * pooler would not keep between statements anyway). A standby is refused up
 * front, by name.
 */
async function writeSchema(client: pg.Client, target: IndexTarget, what: string): Promise<string> {
  const server = await readServer(client)
  checkServerVersion(server, target.where)
  checkWritable(server, target.where, what)
  return target.schema ?? (await client.query<{ s: string }>('SELECT current_schema() AS s')).rows[0].s
}

/** The capabilities of the store in `schema`, from its catalog (a writable connection has no StoreHandle to ask). */
async function capabilitiesIn(client: pg.Client, schema: string): Promise<StoreCapabilities> {
  const { rows } = await client.query<{ t: string; c: string }>(
    `SELECT table_name AS t, column_name AS c FROM information_schema.columns WHERE table_schema = $1`,
    [schema],
  )
  const has = (table: string, column?: string) => rows.some((r) => r.t === table && (column === undefined || r.c === column))
  const missing = REQUIRED_TABLES.filter((t) => !has(t))
  if (missing.length > 0) throw new AppError('NOT_MLFLOW_STORE', `Schema "${schema}" is not an MLflow tracking store: it has no ${missing.join(', ')} table.`)
  return capabilitiesOf(has)
}

/**
 * Build the missing ones (and rebuild interrupted ones) on a writable connection; returns what was
 * built. The opt-in ones only with `metricHistory`; one built earlier is kept either way.
 */
export async function createSearchIndexes(
  client: pg.Client,
  target: IndexTarget,
  onProgress: (message: string) => void = () => {},
  opts: { metricHistory?: boolean } = {},
): Promise<string[]> {
  const schema = await writeSchema(client, target, 'indexes create')
  const q = (name: string) => `${pg.escapeIdentifier(schema)}.${name}`
  const can = await capabilitiesIn(client, schema)
  const status = await statusWith(async (sql, bind) => (await client.query(sql, bind)).rows, schema, can)
  await dropRetired(client, schema)
  const built: string[] = []
  for (const index of status) {
    if (index.state === 'present' || index.state === 'no-table') continue
    if (index.optIn && !opts.metricHistory && index.state === 'absent') continue
    // An interrupted CONCURRENTLY build leaves an invalid index behind: drop it first.
    if (index.state === 'invalid') await client.query(`DROP INDEX CONCURRENTLY IF EXISTS ${q(index.name)}`)
    onProgress(`building ${index.name} on ${indexTarget(index)}`)
    const started = Date.now()
    await client.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${index.name} ON ${q(indexTarget(index))}`)
    await client.query(`ANALYZE ${q(index.table)}`)
    onProgress(`  built in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    built.push(index.name)
  }
  return built
}

const dropStatement = (kind: string) => (kind === 'index' ? 'DROP INDEX CONCURRENTLY IF EXISTS' : 'DROP STATISTICS IF EXISTS')

async function dropRetired(client: pg.Client, schema: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string; kind: string }>(STATUS_SQL, [RETIRED_INDEXES, pg.escapeIdentifier(schema)])
  for (const r of rows) await client.query(`${dropStatement(r.kind)} ${pg.escapeIdentifier(schema)}.${r.name}`)
  return rows.map((r) => r.name)
}

/** Remove them again (and any retired ones); returns what was dropped. */
export async function dropSearchIndexes(client: pg.Client, target: IndexTarget): Promise<string[]> {
  const schema = await writeSchema(client, target, 'indexes drop')
  const retired = await dropRetired(client, schema)
  const { rows } = await client.query<{ name: string; kind: string }>(STATUS_SQL, [SEARCH_INDEXES.map((i) => i.name), pg.escapeIdentifier(schema)])
  for (const r of rows) await client.query(`${dropStatement(r.kind)} ${pg.escapeIdentifier(schema)}.${r.name}`)
  return [...retired, ...rows.map((r) => r.name)]
}
