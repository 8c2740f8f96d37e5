import { AppError } from '@shared/api/errors'
import type { MetricHistoryResponse, MetricsHistoryRequest } from '@shared/api/contract'
import type { Reader, StoreHandle } from '../connections/storeConnection'
import { keysetCondition, orderByClause, type OrderKey } from './keyset'
import { decodePageToken, encodePageToken, searchFingerprint } from './pageToken'
import { metricAccess, metricRowsFrom } from './metricRows'
import { metricValue } from './runMapper'

interface HistoryRow {
  key: string
  value: number | string
  timestamp: number
  step: number
  is_nan: boolean
}

/**
 * MLflow's order (timestamp, step, value), then is_nan: the metrics primary key
 * makes (timestamp, step, value, is_nan) unique per run and key, so the order is
 * total and a keyset cursor never skips or repeats a row. Stores from MLflow < 1.2
 * lack step / is_nan: MLflow reads those as 0 / false.
 */
function historyOrder(store: StoreHandle): OrderKey[] {
  const key = (sql: string, cast: string): OrderKey => ({ sql, direction: 'ASC', nulls: 'LAST', cast, nullable: false })
  return [
    key('m.timestamp', 'bigint'),
    key(store.capabilities.metricSteps ? 'm.step' : '0::bigint', 'bigint'),
    key('m.value', 'float8'),
    key(store.capabilities.metricNaN ? 'm.is_nan' : 'false', 'boolean'),
  ]
}

/** A float8 travels in the cursor as a number, or as PostgreSQL's text for the non-finite ones. */
function cursorValue(v: number | string): number | string {
  const n = Number(v)
  return Number.isFinite(n) ? n : String(v)
}

/**
 * get_metric_history as MLflow answers it: every stored row of the metric
 * (duplicate steps included) in ORDER BY timestamp, step, value; NaN restored
 * from is_nan, +-inf left as the +-max double MLflow stored. Paged by
 * max_results with an opaque keyset token (MLflow's {"offset": N} tokens work too).
 */
export async function getMetricHistory(store: StoreHandle, req: MetricsHistoryRequest): Promise<MetricHistoryResponse> {
  const order = historyOrder(store)
  const fingerprint = searchFingerprint({ history: [req.run_id, req.metric_key] })
  const cursor = decodePageToken(req.page_token, fingerprint)
  const bind: unknown[] = [req.run_id, req.metric_key]
  const other: string[] = []
  if (cursor?.kind === 'keyset') {
    if (cursor.values.length !== order.length) {
      throw new AppError('INVALID_PAGE_TOKEN', 'page_token does not fit this metric history; start again without it.', { field: 'page_token' })
    }
    other.push(keysetCondition(order, cursor.values, bind))
  }
  const limit = req.max_results ? ` LIMIT ${req.max_results + 1}` : ''
  const offset = cursor?.kind === 'offset' && cursor.offset > 0 ? ` OFFSET ${cursor.offset}` : ''
  // The run's rows, never the key's across the store: metric_pk's (key, timestamp, ...) order tempts a LIMIT (metricRowsFrom).
  const access = await metricAccess(store)
  const rows = await store.select<HistoryRow>(
    `SELECT m.key, m.value, m.timestamp, ${order[1].sql} AS step, ${order[3].sql} AS is_nan
       FROM ${metricRowsFrom(access, { runs: 'm.run_uuid = $1', keys: 'm.key = $2', other })}
      ORDER BY ${orderByClause(order)}${limit}${offset}`,
    bind,
  )
  if (rows.length === 0 && !cursor) await assertRunExists(store, req.run_id)
  const page = req.max_results ? rows.slice(0, req.max_results) : rows
  const last = page[page.length - 1]
  const more = req.max_results !== null && req.max_results !== undefined && rows.length > req.max_results
  return {
    metrics: page.map((r) => ({ key: r.key, value: metricValue(r.value, r.is_nan), timestamp: r.timestamp, step: r.step })),
    next_page_token: more && last ? encodePageToken([last.timestamp, last.step, cursorValue(last.value), last.is_nan], fingerprint) : null,
  }
}

/** An empty history is only an answer when the run exists; otherwise say which run is missing. */
export async function assertRunExists(store: StoreHandle, runId: string, reader: Reader = store): Promise<void> {
  const found = await reader.select<{ one: number }>('SELECT 1 AS one FROM runs WHERE run_uuid = $1', [runId])
  if (found.length === 0) throw new AppError('NOT_FOUND', `Run '${runId}' not found in ${store.where}.`)
}
