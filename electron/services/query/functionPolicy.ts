/**
 * Which functions an audit query may call, decided from the server's own
 * catalog (pg_proc) rather than from a list of names: a function is allowed
 * only when it is built into PostgreSQL (oid below FirstNormalObjectId), granted
 * to PUBLIC, IMMUTABLE or STABLE, and not one of the few built-ins below that
 * run SQL or read relations they are handed; plus a short list of VOLATILE
 * built-ins that change nothing. Everything a store or an extension defined is
 * refused unless the profile allows it by name.
 */

import { parseAllowedFunction } from '@shared/api/profileSchemas'

/** PostgreSQL's FirstNormalObjectId: every oid below it was made by initdb (built in). */
export const FIRST_NORMAL_OBJECT_ID = 16384

/** One pg_proc row, as the console's catalog holds it. */
export interface CatalogFunction {
  oid: number
  schema: string
  name: string
  /** pronargs, pronargdefaults, provariadic <> 0 */
  nargs: number
  ndefaults: number
  variadic: boolean
  /** provolatile: i(mmutable), s(table), v(olatile). */
  volatility: 'i' | 's' | 'v'
  /** has_function_privilege('public', oid, 'EXECUTE'): false for the administrators' functions. */
  publicExecute: boolean
}

/**
 * Built-ins that are IMMUTABLE or STABLE (or might become so) yet run SQL given
 * as text, run a query over a relation they are handed (a view of the store
 * could call anything), or assign a transaction id. Found by reading pg_proc
 * (functions with a query, cursor, relation or schema argument, and the ones
 * that hand a type name to its input function); test/integration/consoleFunctions
 * checks each entry against the catalog and shows what it would do. A key
 * `name/n` means only the form with n arguments.
 */
export const SQL_RUNNING_BUILTINS: Readonly<Record<string, string>> = {
  query_to_xml: 'runs the SQL given as text',
  query_to_xmlschema: 'runs the SQL given as text',
  query_to_xml_and_xmlschema: 'runs the SQL given as text',
  cursor_to_xml: 'reads an open cursor, whose query could be anything',
  cursor_to_xmlschema: 'reads an open cursor, whose query could be anything',
  ts_stat: 'runs the SQL given as text',
  // Only the two-argument form (tsquery, text); ts_rewrite(tsquery, tsquery, tsquery) rewrites a query value.
  'ts_rewrite/2': 'runs the SQL given as text',
  table_to_xml: 'runs a query over the relation it is given (a view could call any function)',
  table_to_xmlschema: 'runs a query over the relation it is given (a view could call any function)',
  table_to_xml_and_xmlschema: 'runs a query over the relation it is given (a view could call any function)',
  schema_to_xml: 'runs a query over every table of a schema (a view could call any function)',
  schema_to_xmlschema: 'runs a query over every table of a schema (a view could call any function)',
  schema_to_xml_and_xmlschema: 'runs a query over every table of a schema (a view could call any function)',
  database_to_xml: 'runs a query over every table of the database (a view could call any function)',
  database_to_xmlschema: 'runs a query over every table of the database (a view could call any function)',
  database_to_xml_and_xmlschema: 'runs a query over every table of the database (a view could call any function)',
  pg_input_is_valid: "calls the input function of a type named in text (a type of the store's could run anything)",
  pg_input_error_info: "calls the input function of a type named in text (a type of the store's could run anything)",
  txid_current: 'assigns a transaction id (the transaction would write WAL)',
  pg_current_xact_id: 'assigns a transaction id (the transaction would write WAL)',
}

/** VOLATILE built-ins that read and change nothing, which audits use. */
export const HARMLESS_VOLATILE: ReadonlySet<string> = new Set([
  'random',
  'random_normal',
  'clock_timestamp',
  'timeofday',
  'gen_random_uuid',
  'array_sample',
  'array_shuffle',
  'pg_database_size',
  'pg_relation_size',
  'pg_table_size',
  'pg_indexes_size',
  'pg_total_relation_size',
  'pg_tablespace_size',
  'pg_is_in_recovery',
  'pg_current_wal_lsn',
  'pg_current_wal_insert_lsn',
  'pg_current_wal_flush_lsn',
  'pg_last_wal_receive_lsn',
  'pg_last_wal_replay_lsn',
  'pg_last_xact_replay_timestamp',
  'pg_is_wal_replay_paused',
  'pg_get_wal_replay_pause_state',
  'pg_blocking_pids',
  'pg_safe_snapshot_blocking_pids',
  'pg_lock_status',
  'pg_partition_tree',
  'pg_partition_ancestors',
  'pg_jit_available',
  'pg_notification_queue_usage',
  'pg_xact_status',
  'txid_status',
  'pg_xact_commit_timestamp',
  'pg_last_committed_xact',
  'pg_collation_actual_version',
  'pg_database_collation_actual_version',
  'pg_sequence_last_value',
  // Behind PostgreSQL's own statistics views (pg_prepared_xacts, pg_stat_io, pg_stat_recovery_prefetch, pg_wait_events, pg_stat_xact_*).
  'pg_prepared_xact',
  'pg_stat_get_io',
  'pg_stat_get_recovery_prefetch',
  'pg_get_wait_events',
  'pg_stat_get_xact_numscans',
  'pg_stat_get_xact_tuples_returned',
  'pg_stat_get_xact_tuples_fetched',
  'pg_stat_get_xact_tuples_inserted',
  'pg_stat_get_xact_tuples_updated',
  'pg_stat_get_xact_tuples_deleted',
  'pg_stat_get_xact_tuples_hot_updated',
  'pg_stat_get_xact_tuples_newpage_updated',
  'pg_stat_get_xact_blocks_fetched',
  'pg_stat_get_xact_blocks_hit',
  'pg_stat_get_xact_function_calls',
  'pg_stat_get_xact_function_total_time',
  'pg_stat_get_xact_function_self_time',
])

/** The first few harmless VOLATILE functions, for messages. */
const HARMLESS_EXAMPLES = 'random, clock_timestamp, timeofday, gen_random_uuid, pg_relation_size, …'

/** `schema.name` as the profile's allow list writes it. */
export const qualifiedName = (f: { schema: string; name: string }) => `${f.schema}.${f.name}`

/** Does the profile's list (entries `schema.name` or `schema.*`, identifiers as SQL writes them: unquoted ones fold to lower case) name this function? */
export function allowedByProfile(f: { schema: string; name: string }, allowed: readonly string[]): boolean {
  return allowed.some((entry) => {
    const a = parseAllowedFunction(entry)
    return !!a && a.schema === f.schema && (a.name === null || a.name === f.name)
  })
}

/** How a refusal tells the user to allow a function for one profile. */
export function howToAllow(f: { schema: string; name: string }): string {
  return `To allow it for this profile, add ${qualifiedName(f)} to the profile's SQL console allowed functions (profile editor, or mlflow-desk profiles add … --allow-function ${qualifiedName(f)}).`
}

/**
 * Why a call of `f` is refused, or null when it is allowed. The reason
 * completes "f() is not allowed in an audit query: it …".
 */
export function refusalReason(f: CatalogFunction, allowed: readonly string[]): string | null {
  if (allowedByProfile(f, allowed)) return null
  if (f.oid >= FIRST_NORMAL_OBJECT_ID) {
    return `is not built into PostgreSQL (it was created in this database, by a user or an extension), so what it does is unknown. ${howToAllow(f)}`
  }
  if (!f.publicExecute)
    return "is an administrator's function (not granted to PUBLIC): it reads server files or settings, signals sessions or changes the server"
  const sqlRunning = SQL_RUNNING_BUILTINS[`${f.name}/${f.nargs}`] ?? SQL_RUNNING_BUILTINS[f.name]
  if (sqlRunning) return sqlRunning
  if (f.volatility === 'v' && !HARMLESS_VOLATILE.has(f.name)) {
    return `is VOLATILE: it can change something (a setting, a lock, a sequence, a large object, the server), and it is not one of the harmless ones the console allows (${HARMLESS_EXAMPLES})`
  }
  return null
}

/** Could a call with `n` arguments resolve to `f`? (Defaults and VARIADIC widen it; named arguments count the same.) */
export function acceptsArgs(f: CatalogFunction, n: number): boolean {
  if (f.variadic) return n >= f.nargs - 1 - f.ndefaults
  return n >= f.nargs - f.ndefaults && n <= f.nargs
}
