import type pg from 'pg'

/**
 * A reference for conformance: search_runs answered the way MLflow's
 * SqlAlchemyStore answers it on PostgreSQL, statement shape for statement shape
 * (mlflow/store/tracking/sqlalchemy_store.py: _search_runs,
 * _get_sqlalchemy_filter_clauses, _get_orderby_clauses; the SQL it sends is in
 * ../shared/mlflow-schema.md Appendix B). It has its own small reader of
 * MLflow's AND-only grammar, independent of the app's parser, so that both
 * the parser and the SQL are checked. Test code only.
 */

const ENTITIES: Record<string, string> = {
  metric: 'metric',
  metrics: 'metric',
  param: 'param',
  params: 'param',
  parameter: 'param',
  parameters: 'param',
  tag: 'tag',
  tags: 'tag',
  attribute: 'attribute',
  attributes: 'attribute',
  attr: 'attribute',
  run: 'attribute',
  dataset: 'dataset',
  datasets: 'dataset',
}
const ALIASES: Record<string, string> = { created: 'start_time', Created: 'start_time', 'run name': 'run_name', 'Run name': 'run_name', 'Run Name': 'run_name' }
const RUN_COLUMN: Record<string, string> = {
  run_id: 'run_uuid',
  run_name: 'name',
  status: 'status',
  user_id: 'user_id',
  artifact_uri: 'artifact_uri',
  start_time: 'start_time',
  end_time: 'end_time',
}

interface Clause {
  type: string
  key: string
  comparator: string
  value: string | string[]
}

const unquote = (s: string) => (/^(['"`]).*\1$/s.test(s) ? s.slice(1, -1) : s)

/** Split on AND outside quotes, as MLflow's statement tokens are split. */
function splitAnd(filter: string): string[] {
  const parts: string[] = []
  let quote: string | null = null
  let start = 0
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i]
    if (quote) {
      if (c === quote) quote = null
    } else if (c === "'" || c === '"' || c === '`') quote = c
    else if (/\s/.test(c) && /^\s+and\s+/i.test(filter.slice(i))) {
      const m = /^\s+and\s+/i.exec(filter.slice(i))!
      parts.push(filter.slice(start, i))
      i += m[0].length - 1
      start = i + 1
    }
  }
  parts.push(filter.slice(start))
  return parts.map((p) => p.trim()).filter(Boolean)
}

function parseClause(text: string): Clause {
  const m = /^((?:`[^`]*`|"[^"]*"|[\w]+)(?:\.(?:`[^`]*`|"[^"]*"|[\w.]+))?)\s*(!=|>=|<=|=|<|>|not\s+in\b|in\b|ilike\b|like\b)\s*(.+)$/is.exec(text)
  if (!m) throw new Error(`reference: cannot read clause ${text}`)
  const [, ident, op, rawValue] = m
  const dot = splitEntity(ident)
  const type = ENTITIES[unquote(dot[0])]
  if (!type) throw new Error(`reference: entity ${dot[0]}`)
  let key = unquote(dot[1])
  key = ALIASES[key] ?? key
  const v = rawValue.trim()
  const value = v.startsWith('(') ? [...v.slice(1, -1).matchAll(/'([^']*)'|"([^"]*)"/g)].map((x) => x[1] ?? x[2]) : unquote(v)
  return { type, key, comparator: op.replace(/\s+/g, ' ').toUpperCase(), value }
}

/** MLflow: identifier.split(".", 1) — the entity is everything before the first dot. */
function splitEntity(ident: string): [string, string] {
  if (ident.startsWith('`') || ident.startsWith('"')) {
    const end = ident.indexOf(ident[0], 1)
    if (ident[end + 1] !== '.') return ['attribute', ident]
    return [ident.slice(0, end + 1), ident.slice(end + 2)]
  }
  const i = ident.indexOf('.')
  return i < 0 ? ['attribute', ident] : [ident.slice(0, i), ident.slice(i + 1)]
}

export interface ReferenceSearch {
  experimentIds: string[]
  stages: string[]
  filter?: string
  orderBy?: string[]
}

/** The run ids MLflow's search_runs returns, all pages in order (max_results per page, offset tokens). */
export async function mlflowSearchRunIds(client: pg.Client, s: ReferenceSearch, maxResults = 5): Promise<string[]> {
  const ids: string[] = []
  for (let offset = 0; ; offset += maxResults) {
    const { sql, params } = referenceSql(s, maxResults, offset)
    const { rows } = await client.query(sql, params)
    ids.push(...rows.map((r: { run_uuid: string }) => r.run_uuid))
    if (rows.length < maxResults) return ids
  }
}

function referenceSql(s: ReferenceSearch, limit: number, offset: number): { sql: string; params: unknown[] } {
  const params: unknown[] = []
  const p = (v: unknown) => {
    params.push(v)
    return `$${params.length}`
  }
  const sqlOp = (c: Clause, column: string) => {
    if (c.comparator === 'IN') return `${column} IN (${(c.value as string[]).map(p).join(', ')})`
    if (c.comparator === 'NOT IN') return `(${column} NOT IN (${(c.value as string[]).map(p).join(', ')}))`
    return `${column} ${c.comparator} ${p(c.type === 'metric' ? Number(c.value) : c.value)}`
  }
  const joins: string[] = []
  const attributeFilters: string[] = []
  let anon = 0
  for (const c of s.filter ? splitAnd(s.filter).map(parseClause) : []) {
    const a = `anon_${++anon}`
    if (c.type === 'attribute' && c.key !== 'run_name') attributeFilters.push(sqlOp(c, `runs.${RUN_COLUMN[c.key]}`))
    else if (c.type === 'dataset') {
      const inner =
        c.key === 'context'
          ? `SELECT inputs.destination_id FROM datasets JOIN inputs ON inputs.source_id = datasets.dataset_uuid JOIN input_tags ON input_tags.input_uuid = inputs.input_uuid AND input_tags.name = 'mlflow.data.context' AND ${sqlOp(c, 'input_tags.value')}`
          : `SELECT inputs.destination_id FROM datasets JOIN inputs ON inputs.source_id = datasets.dataset_uuid WHERE ${sqlOp(c, `datasets.${c.key}`)}`
      joins.push(`JOIN (${inner}) AS ${a} ON runs.run_uuid = ${a}.destination_id`)
    } else {
      const table = c.type === 'metric' ? 'latest_metrics' : c.type === 'param' ? 'params' : 'tags'
      const key = c.type === 'attribute' ? 'mlflow.runName' : c.key
      joins.push(
        `JOIN (SELECT ${table}.run_uuid FROM ${table} WHERE ${table}.key = ${p(key)} AND ${sqlOp(c, `${table}.value`)}) AS ${a} ON runs.run_uuid = ${a}.run_uuid`,
      )
    }
  }
  const select: string[] = ['runs.run_uuid', 'runs.start_time']
  const order: string[] = []
  let sawStartTime = false
  for (const [i, entry] of (s.orderBy ?? []).entries()) {
    const m = /^(.*?)(?:\s+(asc|desc))?$/is.exec(entry.trim())!
    const c = parseClause(`${m[1]} = 0`)
    const desc = m[2]?.toLowerCase() === 'desc'
    let value: string
    let caseExpr: string
    if (c.type === 'attribute') {
      value = `runs.${RUN_COLUMN[c.key]}`
      caseExpr = `CASE WHEN (${value} IS NULL) THEN 1 ELSE 0 END`
      if (c.key === 'start_time') sawStartTime = true
    } else {
      const table = c.type === 'metric' ? 'latest_metrics' : c.type === 'param' ? 'params' : 'tags'
      const a = `ord_${i}`
      joins.push(`LEFT OUTER JOIN (SELECT * FROM ${table} WHERE ${table}.key = ${p(c.key)}) AS ${a} ON runs.run_uuid = ${a}.run_uuid`)
      value = `${a}.value`
      caseExpr =
        c.type === 'metric'
          ? `CASE WHEN (${a}.is_nan = true) THEN 1 WHEN (${a}.value IS NULL) THEN 2 ELSE 0 END`
          : `CASE WHEN (${value} IS NULL) THEN 1 ELSE 0 END`
    }
    select.push(`${caseExpr} AS clause_${i}`, `${value} AS value_${i}`)
    order.push(`clause_${i}`, `value_${i}${desc ? ' DESC' : ''}`)
  }
  if (!sawStartTime) order.push('runs.start_time DESC')
  order.push('runs.run_uuid')
  const sql = `SELECT DISTINCT ${select.join(', ')}
FROM runs ${joins.join('\n')}
WHERE runs.experiment_id IN (${s.experimentIds.map((e) => p(Number(e))).join(', ')}) AND runs.lifecycle_stage IN (${s.stages.map(p).join(', ')})${attributeFilters.map((f) => ` AND ${f}`).join('')}
ORDER BY ${order.join(', ')}
LIMIT ${limit} OFFSET ${offset}`
  return { sql, params }
}
