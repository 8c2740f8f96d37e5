import type { StoreCapabilities } from '../mlflowSchema/capabilities'
import { orderByClause, type OrderKey, type OrderRange } from './keyset'

/**
 * The SQL that loads a page of runs with everything MLflow returns for each run
 * (latest metrics, params, tags, dataset and model inputs/outputs) in ONE
 * statement: the children come back as JSON arrays. MLflow's own store needs
 * five statements for the same page; one round trip matters on remote stores.
 * Columns and tables an older store lacks are replaced by what MLflow itself
 * would return for them.
 */
export interface RunPageQuery {
  /** Conditions over alias `r` (runs); parameters already in `bind`. */
  where: string[]
  /** LEFT JOINs the order keys read from (aliases o0, o1, ...). */
  joins?: string[]
  bind: unknown[]
  order: readonly OrderKey[]
  limit: number
  offset?: number
  /** The order read as two ranges (nullRanges), each walked in an order an index can give. */
  ranges?: readonly OrderRange[]
}

/** One row of the page query, before mapping. */
export interface RunPageRow {
  run_uuid: string
  name: string | null
  user_id: string | null
  status: string | null
  start_time: number | null
  end_time: number | null
  lifecycle_stage: string | null
  artifact_uri: string | null
  experiment_id: number | null
  /** Order-key values of this row, for the next page's cursor. */
  cursor: unknown[]
  /** [key, value, timestamp, step, is_nan] */
  metrics: Array<[string, number | string, number | null, number, boolean]> | null
  params: Array<[string, string]> | null
  tags: Array<[string, string | null]> | null
  /** [name, digest, source_type, source, schema, profile, [[tag, value]...]] */
  datasets: Array<[string, string, string, string, string | null, string | null, Array<[string, string]> | null]> | null
  model_inputs: string[] | null
  model_outputs: Array<[string, number]> | null
}

function metricsSubquery(can: StoreCapabilities): string {
  const row = (a: string) => `json_build_array(${a}.key, ${a}.value, ${a}.timestamp, ${a}.step, ${a}.is_nan)`
  if (can.latestMetrics) {
    return `(SELECT json_agg(${row('m')} ORDER BY m.key) FROM latest_metrics m WHERE m.run_uuid = p.run_uuid)`
  }
  // MLflow < 1.3 had no latest_metrics: the latest entry is the greatest (step, timestamp, value).
  const step = can.metricSteps ? 'h.step' : '0::bigint'
  const isNan = can.metricNaN ? 'h.is_nan' : 'false'
  return `(SELECT json_agg(${row('m')} ORDER BY m.key) FROM (
      SELECT DISTINCT ON (h.key) h.key, h.value, h.timestamp, ${step} AS step, ${isNan} AS is_nan
        FROM metrics h WHERE h.run_uuid = p.run_uuid
       ORDER BY h.key, ${step} DESC, h.timestamp DESC, h.value DESC) m)`
}

function datasetsSubquery(can: StoreCapabilities): string {
  if (!can.datasets) return 'NULL::json'
  return `(SELECT json_agg(json_build_array(d.name, d.digest, d.dataset_source_type, d.dataset_source, d.dataset_schema, d.dataset_profile,
            (SELECT json_agg(json_build_array(it.name, it.value) ORDER BY it.name) FROM input_tags it WHERE it.input_uuid = i.input_uuid))
            ORDER BY d.name, d.digest)
       FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id
      WHERE i.destination_type = 'RUN' AND i.destination_id = p.run_uuid AND i.source_type = 'DATASET')`
}

function modelIoSubqueries(can: StoreCapabilities): [string, string] {
  if (!can.runModelIO) return ['NULL::json', 'NULL::json']
  return [
    `(SELECT json_agg(i.destination_id ORDER BY i.destination_id) FROM inputs i
       WHERE i.source_type = 'RUN_INPUT' AND i.source_id = p.run_uuid AND i.destination_type = 'MODEL_INPUT')`,
    `(SELECT json_agg(json_build_array(i.destination_id, i.step) ORDER BY i.step, i.destination_id) FROM inputs i
       WHERE i.source_type = 'RUN_OUTPUT' AND i.source_id = p.run_uuid AND i.destination_type = 'MODEL_OUTPUT')`,
  ]
}

export function runPageSql(can: StoreCapabilities, q: RunPageQuery): string {
  const cursorCols = q.order.map((k, i) => `${k.sql} AS k${i}`).join(', ')
  const outerOrder = orderByClause(q.order.map((k, i) => ({ ...k, sql: `p.k${i}` })))
  const [modelInputs, modelOutputs] = modelIoSubqueries(can)
  const limit = `LIMIT ${Math.floor(q.limit)}` + (q.offset ? ` OFFSET ${Math.floor(q.offset)}` : '')
  const joins = (q.joins ?? []).map((j) => `\n    ${j}`).join('')
  const where = (extra: readonly string[] = []) => [...q.where, ...extra].join(' AND ') || 'TRUE'
  // The page is chosen on narrow rows (id and order keys: sorting or hashing
  // thousands of candidates stays cheap); only the chosen rows are widened.
  const page = q.ranges
    ? // Each range's first limit + offset rows by an index walk, then the page out of those few.
      `SELECT * FROM (${q.ranges
        .map(
          (range) => `
    (SELECT r.run_uuid, ${cursorCols} FROM runs r${joins}
      WHERE ${where(range.where)}
      ORDER BY ${orderByClause(range.order)} LIMIT ${Math.floor(q.limit) + Math.floor(q.offset ?? 0)})`,
        )
        .join(' UNION ALL')}) u
   ORDER BY ${orderByClause(q.order.map((k, i) => ({ ...k, sql: `u.k${i}` })))}
   ${limit}`
    : `SELECT r.run_uuid, ${cursorCols}
    FROM runs r${joins}
   WHERE ${where()}
   ORDER BY ${orderByClause(q.order)}
   ${limit}`
  return `WITH p AS (
  ${page}
)
SELECT p.run_uuid, ${can.runNameColumn ? 'w.name' : 'NULL::varchar'} AS name, w.user_id, w.status, w.start_time, w.end_time, w.lifecycle_stage, w.artifact_uri, w.experiment_id,
       json_build_array(${q.order.map((_, i) => `p.k${i}`).join(', ')}) AS cursor,
       ${metricsSubquery(can)} AS metrics,
       (SELECT json_agg(json_build_array(x.key, x.value) ORDER BY x.key) FROM params x WHERE x.run_uuid = p.run_uuid) AS params,
       (SELECT json_agg(json_build_array(t.key, t.value) ORDER BY t.key) FROM tags t WHERE t.run_uuid = p.run_uuid) AS tags,
       ${datasetsSubquery(can)} AS datasets,
       ${modelInputs} AS model_inputs,
       ${modelOutputs} AS model_outputs
  FROM p JOIN runs w ON w.run_uuid = p.run_uuid
 ORDER BY ${outerOrder}`
}
