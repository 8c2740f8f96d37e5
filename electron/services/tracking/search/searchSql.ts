import { AppError } from '@shared/api/errors'
import type { StoreCapabilities } from '../../mlflowSchema/capabilities'
import type { OrderKey } from '../keyset'
import { filterError } from './filterLexer'
import type { Comparison, FilterNode } from './filterParser'
import type { OrderTerm } from './orderBy'

/**
 * Filters and orderings as parameterized SQL over `runs r`. User input only
 * ever travels as bind parameters; the SQL text is built from our own
 * fragments. Semantics are MLflow's SqlAlchemyStore's:
 *  - a metric/param/tag clause matches runs that HAVE the key with a matching
 *    value (MLflow inner-joins a subquery; `!=` too); metrics compare the
 *    latest value as stored (NaN is stored as 0, ±inf as ±1.797e308);
 *  - attributes.run_name compares the mlflow.runName tag;
 *  - datasets.* match when any dataset input of the run matches.
 * EXISTS keeps those semantics and composes under OR and parentheses.
 */
export class SqlBuilder {
  constructor(
    /** What the store's schema has (older stores lack tables and columns). */
    readonly can: StoreCapabilities,
    readonly bind: unknown[],
  ) {}

  param(value: unknown, cast: string): string {
    this.bind.push(value)
    return `$${this.bind.length}::${cast}`
  }
}

const RUN_COLUMNS: Record<string, string> = {
  run_id: 'r.run_uuid',
  status: 'r.status',
  user_id: 'r.user_id',
  artifact_uri: 'r.artifact_uri',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
  lifecycle_stage: 'r.lifecycle_stage',
}

/** The filter as one SQL condition; `done` are clauses an order join already applies. */
export function filterSql(node: FilterNode | null, b: SqlBuilder, done: ReadonlySet<Comparison> = new Set()): string | null {
  if (!node) return null
  if (node.kind === 'compare') return done.has(node) ? null : comparisonSql(node, b)
  const parts = node.items.map((n) => filterSql(n, b, done)).filter((x): x is string => x !== null)
  if (parts.length === 0) return null
  return parts.length === 1 ? parts[0] : `(${parts.join(node.kind === 'and' ? ' AND ' : ' OR ')})`
}

/** Clauses every matching run satisfies on their own: the filter itself, or the items of a top-level AND. */
export function requiredClauses(node: FilterNode | null): Comparison[] {
  if (!node) return []
  if (node.kind === 'compare') return [node]
  return node.kind === 'and' ? node.items.filter((n): n is Comparison => n.kind === 'compare') : []
}

function comparisonSql(c: Comparison, b: SqlBuilder): string {
  switch (c.entity) {
    case 'metric':
      return `EXISTS (SELECT 1 FROM ${latestMetricsSource(b, 'm')} WHERE ${keyMatch(b, 'm', c.key)} AND ${compare('m.value', c, b, 'float8')})`
    case 'param':
      return `EXISTS (SELECT 1 FROM params p WHERE p.run_uuid = r.run_uuid AND p.key = ${b.param(c.key, 'text')} AND ${compare('p.value', c, b, 'text')})`
    case 'tag':
      return tagSql(c.key, c, b)
    case 'dataset':
      return datasetSql(c, b)
    case 'attribute':
      if (c.key === 'run_name') return tagSql('mlflow.runName', c, b)
      if (c.key === 'start_time' || c.key === 'end_time') {
        const integer = c.value.kind === 'number' && /^-?\d+$/.test(c.value.text)
        return compare(RUN_COLUMNS[c.key], c, b, integer ? 'bigint' : 'numeric')
      }
      return compare(RUN_COLUMNS[c.key], c, b, 'text')
  }
}

function tagSql(key: string, c: Comparison, b: SqlBuilder): string {
  return `EXISTS (SELECT 1 FROM tags t WHERE t.run_uuid = r.run_uuid AND t.key = ${b.param(key, 'text')} AND ${compare('t.value', c, b, 'text')})`
}

function datasetSql(c: Comparison, b: SqlBuilder): string {
  if (!b.can.datasets) {
    throw filterError('This store has no datasets (they came with MLflow 2.4), so datasets.* cannot be searched here.', 'filter', c.position, c.length)
  }
  const base = 'FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id'
  if (c.key === 'context') {
    return `EXISTS (SELECT 1 ${base} JOIN input_tags it ON it.input_uuid = i.input_uuid AND it.name = 'mlflow.data.context' WHERE i.destination_id = r.run_uuid AND ${compare('it.value', c, b, 'text')})`
  }
  return `EXISTS (SELECT 1 ${base} WHERE i.destination_id = r.run_uuid AND ${compare(`d.${c.key === 'name' ? 'name' : 'digest'}`, c, b, 'text')})`
}

/** `column <comparator> value` with the value bound (cast to `cast`); IN / NOT IN bind the list as an array. */
export function compare(column: string, c: Pick<Comparison, 'comparator' | 'value'>, b: SqlBuilder, cast: string): string {
  const v = c.value
  switch (c.comparator) {
    case 'IN':
    case 'NOT IN': {
      if (v.kind !== 'list') throw new AppError('INTERNAL', 'IN without a list')
      const list = b.param(v.values, `${cast}[]`)
      return c.comparator === 'IN' ? `${column} = ANY(${list})` : `${column} <> ALL(${list})`
    }
    default: {
      const raw = v.kind === 'number' ? v.text : v.kind === 'string' ? v.value : null
      if (raw === null) throw new AppError('INTERNAL', 'list without IN')
      const op = c.comparator === '!=' ? '<>' : c.comparator
      return `${column} ${op} ${b.param(cast === 'float8' ? Number(raw) : raw, cast)}`
    }
  }
}

/** latest_metrics, or for MLflow < 1.3 the latest row per key computed from metrics. */
function latestMetricsSource(b: SqlBuilder, alias: string): string {
  if (b.can.latestMetrics) return `latest_metrics ${alias}`
  const step = b.can.metricSteps ? 'h.step' : '0'
  const isNan = b.can.metricNaN ? 'h.is_nan' : 'false'
  return `(SELECT DISTINCT ON (h.run_uuid, h.key) h.run_uuid, h.key, h.value, ${isNan} AS is_nan FROM metrics h
            ORDER BY h.run_uuid, h.key, ${step} DESC, h.timestamp DESC, h.value DESC) ${alias}`
}

function keyMatch(b: SqlBuilder, alias: string, key: string): string {
  return `${alias}.run_uuid = r.run_uuid AND ${alias}.key = ${b.param(key, 'text')}`
}

/** ORDER BY terms as keyset keys, plus the joins they need. */
export interface CompiledOrder {
  joins: string[]
  keys: OrderKey[]
  /** Filter clauses the joins apply (an INNER JOIN on the ordered key carrying the clause). */
  applied: Set<Comparison>
}

/**
 * MLflow's ordering (sqlalchemy_store._get_orderby_clauses): for each term
 * missing values last (metrics: NaN after numbers, then missing) whatever the
 * direction, then the value; then start_time DESC unless start_time was ordered
 * on, then run_uuid ASC. With no terms: start_time DESC, run_uuid. MLflow writes
 * "missing last" as a CASE column before the value, which no index can give;
 * here it is the value's own NULLS LAST (the same order), which an index can,
 * read as two ranges where the column's index has the other placement (nullRanges).
 */
export function orderSql(terms: readonly OrderTerm[], b: SqlBuilder, required: readonly Comparison[] = []): CompiledOrder {
  const joins: string[] = []
  const keys: OrderKey[] = []
  const applied = new Set<Comparison>()
  // When every match must have the ordered key (a required clause on it), the
  // order join can be an INNER JOIN carrying that clause: one lookup, not two.
  const join = (t: OrderTerm, table: string, alias: string, valueCast: string) => {
    const clause = required.find((c) => c.entity === t.entity && c.key === t.key && !applied.has(c))
    if (!clause) return `LEFT JOIN ${table} ON ${keyMatch(b, alias, t.key)}`
    applied.add(clause)
    return `JOIN ${table} ON ${keyMatch(b, alias, t.key)} AND ${compare(`${alias}.value`, clause, b, valueCast)}`
  }
  const dir = (t: OrderTerm) => (t.ascending ? 'ASC' : 'DESC') as 'ASC' | 'DESC'
  // Within the non-NULL block a value's NULL placement is moot; PostgreSQL's defaults keep plans simple.
  const defaultNulls = (t: OrderTerm) => (t.ascending ? 'LAST' : 'FIRST') as 'LAST' | 'FIRST'
  for (const [i, t] of terms.entries()) {
    const alias = `o${i}`
    if (t.entity === 'attribute') {
      const column = t.key === 'run_name' ? runNameColumn(b) : RUN_COLUMNS[t.key]
      const cast = t.key === 'start_time' || t.key === 'end_time' ? 'bigint' : 'text'
      keys.push({ sql: column, direction: dir(t), nulls: 'LAST', cast })
    } else if (t.entity === 'metric') {
      const sql = join(t, latestMetricsSource(b, alias), alias, 'float8')
      joins.push(sql)
      if (sql.startsWith('JOIN')) {
        // Every run has the metric: MLflow's CASE reduces to is_nan (false first), then the
        // value, which the optional mlflow_desk_latest_metrics index (key, is_nan, value) walks:
        // forward for ASC, backward for DESC within each is_nan (flagRanges), not a sort.
        keys.push(
          { sql: `${alias}.is_nan`, direction: 'ASC', nulls: 'LAST', cast: 'boolean', nullable: false },
          { sql: `${alias}.value`, direction: dir(t), nulls: defaultNulls(t), cast: 'float8', nullable: false },
        )
      } else {
        keys.push(
          {
            sql: `(CASE WHEN ${alias}.is_nan THEN 1 WHEN ${alias}.value IS NULL THEN 2 ELSE 0 END)`,
            direction: 'ASC',
            nulls: 'LAST',
            cast: 'int',
            nullable: false,
          },
          { sql: `${alias}.value`, direction: dir(t), nulls: defaultNulls(t), cast: 'float8' },
        )
      }
    } else {
      const table = t.entity === 'param' ? 'params' : 'tags'
      joins.push(join(t, `${table} ${alias}`, alias, 'text'))
      keys.push({ sql: `${alias}.value`, direction: dir(t), nulls: 'LAST', cast: 'text' })
    }
  }
  if (!terms.some((t) => t.entity === 'attribute' && t.key === 'start_time')) {
    keys.push({ sql: 'r.start_time', direction: 'DESC', nulls: 'FIRST', cast: 'bigint' })
  }
  keys.push({ sql: 'r.run_uuid', direction: 'ASC', nulls: 'LAST', cast: 'text', nullable: false })
  return { joins, keys, applied }
}

/** runs.name (MLflow >= 1.29); older stores keep the name only in the mlflow.runName tag. */
function runNameColumn(b: SqlBuilder): string {
  return b.can.runNameColumn ? 'r.name' : `(SELECT t.value FROM tags t WHERE t.run_uuid = r.run_uuid AND t.key = 'mlflow.runName')`
}
