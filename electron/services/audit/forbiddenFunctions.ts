/**
 * Functions an audit query may not call, anywhere in the statement (select
 * list, FROM, WHERE, sub-queries, CTEs): they act on the server or on other
 * sessions, read or write server files, or run SQL the guard cannot see —
 * things a READ ONLY transaction does not stop. The one list; every entry has a
 * test (test/unit/services/forbiddenFunctions.test.ts), and the families are
 * checked against PostgreSQL's own catalog (test/integration/auditGuard.test.ts).
 *
 * Names match in any case and with any schema (pg_catalog.set_config,
 * "PG_SLEEP"): a look-alike in another schema is refused too, on purpose.
 */
export interface ForbiddenFunction {
  /** An exact function name, or a prefix ending in "*" for a family. */
  name: string
  /** Why, completing "<name>() is not allowed: it ...". */
  reason: string
  /** Real members of a family (PostgreSQL 17 and its contrib modules), tested one by one. */
  members?: string[]
}

const SIGNALS = 'acts on other sessions'
const CONFIG = 'changes server settings'
const FILES = 'reads or writes files on the database server'
const LARGE_OBJECTS = 'reads or writes large objects (and server files)'
const WAL = 'changes WAL, backup or replication state on the server'
const STRING_SQL = 'runs SQL given as a string, which this check cannot see'

export const FORBIDDEN_FUNCTIONS: readonly ForbiddenFunction[] = [
  { name: 'pg_terminate_backend', reason: `ends another session (${SIGNALS})` },
  { name: 'pg_cancel_backend', reason: `cancels another session's statement (${SIGNALS})` },
  { name: 'pg_reload_conf', reason: `reloads the server's configuration (${CONFIG})` },
  { name: 'pg_rotate_logfile*', reason: "rotates the server's log file", members: ['pg_rotate_logfile', 'pg_rotate_logfile_old'] },
  { name: 'set_config', reason: `${CONFIG} (set_config('transaction_read_only', 'off', true) would lift read-only)` },
  {
    name: 'pg_advisory_*',
    reason: 'takes or releases advisory locks that other sessions wait on',
    members: ['pg_advisory_lock', 'pg_advisory_lock_shared', 'pg_advisory_unlock', 'pg_advisory_unlock_shared', 'pg_advisory_unlock_all', 'pg_advisory_xact_lock', 'pg_advisory_xact_lock_shared'],
  },
  {
    name: 'pg_try_advisory_*',
    reason: 'takes advisory locks that other sessions wait on',
    members: ['pg_try_advisory_lock', 'pg_try_advisory_lock_shared', 'pg_try_advisory_xact_lock', 'pg_try_advisory_xact_lock_shared'],
  },
  {
    name: 'lo_*',
    reason: LARGE_OBJECTS,
    members: ['lo_import', 'lo_export', 'lo_unlink', 'lo_create', 'lo_creat', 'lo_open', 'lo_close', 'lo_put', 'lo_get', 'lo_from_bytea', 'lo_truncate', 'lo_truncate64', 'lo_lseek', 'lo_lseek64', 'lo_tell', 'lo_tell64'],
  },
  { name: 'loread', reason: LARGE_OBJECTS },
  { name: 'lowrite', reason: LARGE_OBJECTS },
  { name: 'pg_read_file', reason: FILES },
  { name: 'pg_read_binary_file', reason: FILES },
  { name: 'pg_stat_file', reason: FILES },
  {
    name: 'pg_ls_*',
    reason: 'lists folders on the database server',
    members: ['pg_ls_dir', 'pg_ls_logdir', 'pg_ls_waldir', 'pg_ls_tmpdir', 'pg_ls_archive_statusdir', 'pg_ls_logicalsnapdir', 'pg_ls_logicalmapdir', 'pg_ls_replslotdir'],
  },
  { name: 'pg_file_*', reason: `${FILES} (adminpack)`, members: ['pg_file_write', 'pg_file_rename', 'pg_file_unlink', 'pg_file_sync'] },
  {
    name: 'dblink*',
    reason: 'connects to another database, outside this read-only transaction',
    members: ['dblink', 'dblink_exec', 'dblink_connect', 'dblink_connect_u', 'dblink_send_query', 'dblink_open', 'dblink_fetch', 'dblink_close', 'dblink_disconnect'],
  },
  { name: 'pg_notify', reason: 'sends a notification to listening sessions' },
  { name: 'nextval', reason: 'advances a sequence (ROLLBACK does not undo it)' },
  { name: 'setval', reason: 'sets a sequence (ROLLBACK does not undo it)' },
  { name: 'txid_current', reason: 'assigns a transaction id (the transaction would write WAL)' },
  { name: 'pg_current_xact_id', reason: 'assigns a transaction id (the transaction would write WAL)' },
  { name: 'pg_switch_wal', reason: WAL },
  { name: 'pg_promote', reason: WAL },
  { name: 'pg_logical_emit_message', reason: WAL },
  { name: 'pg_backup_start', reason: WAL },
  { name: 'pg_backup_stop', reason: WAL },
  { name: 'pg_log_standby_snapshot', reason: WAL },
  { name: 'pg_sync_replication_slots', reason: WAL },
  { name: 'pg_drop_replication_slot', reason: WAL },
  { name: 'pg_replication_slot_advance', reason: WAL },
  { name: 'pg_wal_replay_*', reason: WAL, members: ['pg_wal_replay_pause', 'pg_wal_replay_resume'] },
  { name: 'pg_create_*', reason: WAL, members: ['pg_create_restore_point', 'pg_create_physical_replication_slot', 'pg_create_logical_replication_slot'] },
  { name: 'pg_copy_*', reason: WAL, members: ['pg_copy_physical_replication_slot', 'pg_copy_logical_replication_slot'] },
  { name: 'pg_logical_slot_*', reason: WAL, members: ['pg_logical_slot_get_changes', 'pg_logical_slot_get_binary_changes', 'pg_logical_slot_peek_changes', 'pg_logical_slot_peek_binary_changes'] },
  {
    name: 'pg_replication_origin_*',
    reason: WAL,
    members: ['pg_replication_origin_create', 'pg_replication_origin_drop', 'pg_replication_origin_advance', 'pg_replication_origin_session_setup', 'pg_replication_origin_session_reset', 'pg_replication_origin_xact_setup', 'pg_replication_origin_xact_reset'],
  },
  {
    // A sleep holds a connection and a snapshot while doing nothing; the statement timeout would
    // end it, but nothing an auditor asks needs one. Decided: refused, like the other no-read calls.
    name: 'pg_sleep*',
    reason: 'holds a connection and a snapshot while doing nothing',
    members: ['pg_sleep', 'pg_sleep_for', 'pg_sleep_until'],
  },
  { name: 'query_to_xml*', reason: STRING_SQL, members: ['query_to_xml', 'query_to_xmlschema', 'query_to_xml_and_xmlschema'] },
  { name: 'cursor_to_xml*', reason: 'reads a cursor opened outside this statement', members: ['cursor_to_xml', 'cursor_to_xmlschema'] },
  { name: 'ts_stat', reason: STRING_SQL },
  {
    name: 'pg_stat_reset*',
    reason: "resets the server's statistics",
    members: ['pg_stat_reset', 'pg_stat_reset_shared', 'pg_stat_reset_single_table_counters', 'pg_stat_reset_single_function_counters', 'pg_stat_reset_slru', 'pg_stat_reset_replication_slot', 'pg_stat_reset_subscription_stats'],
  },
  { name: 'pg_stat_statements_reset', reason: "resets the server's statistics" },
  { name: 'pg_log_backend_memory_contexts', reason: 'writes to the server log' },
  { name: 'pg_import_system_collations', reason: 'creates collations' },
  { name: 'pg_truncate_visibility_map', reason: 'changes a table on disk (pg_visibility)' },
  { name: 'pg_nextoid', reason: 'consumes an object id' },
  { name: 'binary_upgrade_*', reason: 'is for pg_upgrade only', members: ['binary_upgrade_set_next_pg_type_oid', 'binary_upgrade_create_empty_extension'] },
  {
    name: 'pg_restore_*',
    reason: "changes the planner's statistics",
    members: ['pg_restore_relation_stats', 'pg_restore_attribute_stats'],
  },
  { name: 'pg_clear_*', reason: "changes the planner's statistics", members: ['pg_clear_relation_stats', 'pg_clear_attribute_stats'] },
]

/** The list entry that forbids a function name (as written, any case), or null. */
export function forbiddenFunction(name: string): ForbiddenFunction | null {
  const n = name.toLowerCase()
  return FORBIDDEN_FUNCTIONS.find((f) => (f.name.endsWith('*') ? n.startsWith(f.name.slice(0, -1)) : n === f.name)) ?? null
}
