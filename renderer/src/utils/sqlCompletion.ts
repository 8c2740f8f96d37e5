import type { Completion } from '@codemirror/autocomplete'
import type { SQLNamespace } from '@codemirror/lang-sql'
import type { SchemaTable } from '@shared/domain/query'

/**
 * What the console's completion offers and how each item is typed (its `type` picks the icon):
 * `table` and `column` from the store's catalog, `function` for PostgreSQL's functions,
 * `keyword` and `type` from the dialect.
 */
export type CompletionKind = 'table' | 'view' | 'column' | 'function' | 'keyword' | 'type' | 'alias'

/** Functions an audit query reaches for; those missing from the dialect's word list are added to it. */
export const PG_FUNCTIONS = [
  'abs', 'array_agg', 'array_length', 'avg', 'bool_and', 'bool_or', 'ceil', 'coalesce', 'count', 'date_part',
  'date_trunc', 'extract', 'floor', 'greatest', 'jsonb_agg', 'jsonb_build_object', 'least', 'length', 'lower',
  'max', 'min', 'now', 'nullif', 'percentile_cont', 'rank', 'regexp_replace', 'round', 'row_number', 'split_part',
  'string_agg', 'substring', 'sum', 'to_char', 'to_timestamp', 'trim', 'upper',
] // prettier-ignore

const FUNCTIONS = new Set(PG_FUNCTIONS)

/** The catalog as lang-sql's namespace: each table typed by its kind, its columns with their SQL types. */
export function schemaNamespace(tables: readonly SchemaTable[]): SQLNamespace {
  return Object.fromEntries(
    tables.map((t) => [
      t.name,
      {
        self: { label: t.name, type: t.kind === 'table' || t.kind === 'partitioned table' ? 'table' : 'view', detail: t.kind },
        children: t.columns.map((c): Completion => ({ label: c.name, type: 'column', detail: c.type })),
      },
    ]),
  )
}

/**
 * lang-sql's dialect words typed for their icon: a known function is a function (lower case, as
 * written in PostgreSQL's docs); types stay types; the rest (TRUE, NULL too) are keywords.
 */
export function dialectCompletion(label: string, type: string): Completion {
  const lower = label.toLowerCase()
  if (FUNCTIONS.has(lower)) return { label: lower, type: 'function', boost: -1 }
  if (type === 'type') return { label, type: 'type', boost: -2 }
  return { label, type: 'keyword', boost: -2 }
}

/** A name as SQL must spell it: bare when PostgreSQL would read it back unchanged, else double-quoted. */
export function quoteIdent(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name) ? name : `"${name.replace(/"/g, '""')}"`
}
/** PostgreSQL's reserved words that a catalog name might be (a column "user", "order", "group"). */
const RESERVED = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'both', 'case', 'cast', 'check', 'collate', 'column',
  'constraint', 'create', 'current_date', 'current_role', 'current_time', 'current_timestamp', 'current_user', 'default',
  'desc', 'distinct', 'do', 'else', 'end', 'except', 'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group', 'having',
  'in', 'initially', 'intersect', 'into', 'leading', 'limit', 'localtime', 'localtimestamp', 'not', 'null', 'offset', 'on',
  'only', 'or', 'order', 'placing', 'primary', 'references', 'returning', 'select', 'session_user', 'some', 'symmetric',
  'table', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'when', 'where', 'window', 'with',
]) // prettier-ignore
