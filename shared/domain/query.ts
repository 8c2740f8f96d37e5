import type { z } from 'zod'
import type { queryTab } from '../api/querySchemas'

/**
 * Raw audit queries: what the SQL console, the EXPLAIN view, history, saved
 * queries and the audit library exchange with main. Values are JSON-safe so
 * they cross IPC, HTTP and the CLI unchanged.
 */

/** What kind of read a statement is (the only kinds that run). */
export type StatementKind = 'select' | 'values' | 'show' | 'explain'

/**
 * A coarse family of a column's PostgreSQL type, for the grid to align and
 * format values (numbers right-aligned, JSON pretty-printed, ...).
 */
export type ColumnCategory = 'number' | 'string' | 'boolean' | 'datetime' | 'json' | 'binary' | 'array' | 'other'

/** A result column. */
export interface QueryColumn {
  name: string
  /** PostgreSQL's name of the type, as format_type() writes it: "bigint", "character varying(250)", "timestamp with time zone", "integer[]". */
  type: string
  category: ColumnCategory
}

/**
 * One value of a result row, JSON-safe:
 * - NULL is null;
 * - booleans are booleans;
 * - smallint/integer/real/double precision are numbers, except NaN, Infinity and -Infinity, which are those strings;
 * - bigint and numeric are numbers when exact in a double (|n| <= 2^53, at most 15 significant digits), otherwise strings with every digit;
 * - timestamps are ISO 8601 ("2026-01-05T12:34:56.123456Z" for timestamptz, always UTC; no zone for timestamp);
 * - bytea is hex ("\\x0a1b…"); json/jsonb are their JSON text; arrays and every other type are PostgreSQL's text form.
 */
export type QueryCell = string | number | boolean | null

/**
 * A value that arrived cut: it was larger than the cap asked for (the grid's
 * default is 1 MiB). Its cell holds the value's first bytes, cut at a character
 * boundary (bytea: the hex of its first bytes); the whole value is one
 * query:value call away (up to 64 MiB), or an export of that cell.
 */
export interface CutValue {
  /** 0-based row and column of the cell. */
  row: number
  column: number
  /** The whole value's size in bytes: of its text (UTF-8), or for bytea of the binary value. */
  bytes: number
}

/** A refusal of the SQL guard, or a server error, pointing into the text the user typed. */
export interface SqlProblem {
  message: string
  /** 0-based character offset in the submitted text, when known. */
  position?: number
  /** Characters from `position` to underline. */
  length?: number
}

/** A node of an EXPLAIN plan (PostgreSQL's EXPLAIN (FORMAT JSON) keys, in our names). */
export interface PlanNode {
  /** "Seq Scan", "Hash Join", "Index Only Scan", ... */
  node_type: string
  /** "Outer", "Inner", "InitPlan", "SubPlan", ... (null for the root). */
  parent_relationship: string | null
  /** The table or view scanned, schema-qualified when PostgreSQL gives the schema. */
  relation: string | null
  alias: string | null
  index: string | null
  /** "Inner", "Left", "Semi", ... for joins. */
  join_type: string | null
  /** Planner estimates. */
  startup_cost: number
  total_cost: number
  plan_rows: number
  plan_width: number
  /** EXPLAIN ANALYZE only: measured, per loop (as PostgreSQL reports them), in ms. */
  actual_startup_ms: number | null
  actual_total_ms: number | null
  actual_rows: number | null
  actual_loops: number | null
  /** Conditions and keys worth showing on one line each: "Filter: (status = 'RUNNING')", "Sort Key: start_time DESC". */
  details: string[]
  children: PlanNode[]
}

/** One entry of a profile's query history. */
export interface QueryHistoryEntry {
  id: string
  sql: string
  /** When it ran, ms since the epoch. */
  at: number
  duration_ms: number
  /** Rows shown (the grid's cap applies), or exported. */
  rows: number | null
  ok: boolean
  /** The error's message, when !ok. */
  error: string | null
  /** What ran it. */
  action: 'run' | 'explain' | 'export'
}

/** A parameter of a saved or library query (`:experiment_id` in its text). */
export interface QueryParameter {
  name: string
  /** What to give, from the query's header comment. */
  description: string | null
  /** A value to start from, from the header comment ("-- param: days = 30 | ..."). */
  default: string | null
}

/** A query the user saved by name (shared by every profile). */
export interface SavedQuery {
  id: string
  name: string
  sql: string
  description: string | null
  /** Its :named parameters, in order of first appearance. */
  params: string[]
  created_at: number
  updated_at: number
}

/** A ready audit query shipped with the app: editable in a tab, never changed in place. */
export interface LibraryQuery {
  /** The file name without .sql, e.g. "zombie-runs". */
  id: string
  title: string
  description: string
  sql: string
  params: QueryParameter[]
  /** The store capabilities its tables need (electron/services/mlflowSchema/capabilities.ts); empty: every store. */
  needs: string[]
  /** Why this window's store cannot run it (it lacks the tables), or null. */
  unavailable: string | null
}

/** How far an export of a console result is: rows and bytes written so far, time taken, finished or not. */
export interface QueryExportProgress {
  rows: number
  bytes: number
  elapsed_ms: number
  done: boolean
}

/** A console tab, kept per profile across restarts: its id, title, SQL and the last values of its :named parameters. */
export type QueryTab = z.output<typeof queryTab>

/** A table or view of the connected store, for autocomplete. */
export interface SchemaTable {
  name: string
  kind: 'table' | 'view' | 'materialized view' | 'foreign table' | 'partitioned table'
  columns: Array<{ name: string; type: string }>
}
