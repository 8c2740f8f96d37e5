import { describe, expect, it } from 'vitest'
import { FORBIDDEN_FUNCTIONS, forbiddenFunction } from '../../../electron/services/audit/forbiddenFunctions'
import { guardSql } from '../../../electron/services/audit/sqlGuard'

/** Every concrete name the list forbids: exact entries, and each named member of a family. */
const NAMES = FORBIDDEN_FUNCTIONS.flatMap((f) => (f.name.endsWith('*') ? (f.members ?? []) : [f.name]).map((name) => ({ entry: f.name, name })))

/** Where a refusal points, as the text it underlines. */
async function refusedAt(sql: string) {
  const r = await guardSql(sql)
  if (r.ok) throw new Error(`not refused: ${sql}`)
  const { position = -1, length = 0, message } = r.refusal
  return { message, at: sql.slice(position, position + length) }
}

describe('the forbidden function list', () => {
  it('gives every family real members, and names each entry once', () => {
    for (const f of FORBIDDEN_FUNCTIONS) {
      if (f.name.endsWith('*')) {
        expect(f.members?.length, f.name).toBeGreaterThan(0)
        for (const m of f.members!) expect(m.startsWith(f.name.slice(0, -1)), `${m} belongs to ${f.name}`).toBe(true)
      }
    }
    const names = FORBIDDEN_FUNCTIONS.map((f) => f.name)
    expect(new Set(names).size).toBe(names.length)
  })

  it('covers what the issue names', () => {
    for (const name of [
      'pg_terminate_backend', 'pg_cancel_backend', 'pg_reload_conf', 'set_config', 'pg_advisory_lock', 'pg_advisory_xact_lock_shared', 'pg_try_advisory_lock',
      'lo_import', 'lo_export', 'lo_unlink', 'pg_read_file', 'pg_read_binary_file', 'pg_ls_dir', 'pg_ls_waldir', 'dblink', 'dblink_exec', 'pg_notify',
      'nextval', 'setval', 'txid_current', 'pg_current_xact_id', 'pg_switch_wal', 'pg_create_restore_point', 'pg_promote', 'pg_logical_emit_message',
      'pg_sleep', 'pg_sleep_for', 'pg_sleep_until', 'query_to_xml', 'query_to_xml_and_xmlschema', 'cursor_to_xml', 'pg_rotate_logfile', 'pg_stat_file',
    ]) {
      expect(forbiddenFunction(name), name).not.toBeNull()
    }
  })

  it('lets ordinary reads through', () => {
    for (const name of ['count', 'now', 'to_timestamp', 'coalesce', 'string_agg', 'currval', 'pg_backend_pid', 'current_setting', 'table_to_xml', 'lower', 'pg_size_pretty', 'log']) {
      expect(forbiddenFunction(name), name).toBeNull()
    }
  })

  describe.each(NAMES)('$name ($entry)', ({ name }) => {
    it('is refused in the select list, naming it and pointing at it', async () => {
      const sql = `SELECT 1, ${name}(1)`
      const r = await refusedAt(sql)
      expect(r.message).toContain(`${name}() is not allowed`)
      expect(r.at).toBe(name)
    })

    it('is refused schema-qualified, in any case, and hidden in FROM, WHERE, a sub-query or a CTE', async () => {
      for (const sql of [
        `SELECT pg_catalog.${name}(1)`,
        `select ${name.toUpperCase()}(1)`,
        `SELECT "${name}"(1)`,
        `SELECT * FROM ${name}(1) AS x`,
        `SELECT * FROM runs WHERE run_uuid = ${name}('x')::text`,
        `SELECT (SELECT max(v) FROM (SELECT ${name}(1) AS v) s)`,
        `WITH x AS (SELECT ${name}(1)) SELECT * FROM x`,
        `EXPLAIN SELECT ${name}(1)`,
      ]) {
        const r = await guardSql(sql)
        expect(r.ok, sql).toBe(false)
        if (!r.ok) expect(r.refusal.message, sql).toContain(`${name}() is not allowed`)
      }
    })
  })
})
