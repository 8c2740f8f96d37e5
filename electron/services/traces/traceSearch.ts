import { AppError } from '@shared/api/errors'
import type { TracesSearchRequest, TracesSearchResponse } from '@shared/api/contract'
import { INT4_MAX } from '@shared/domain/mlflow'
import type { StoreHandle } from '../connections/storeConnection'
import { searchFingerprint } from '../tracking/pageToken'
import { SqlBuilder } from '../tracking/search/searchSql'
import { parseTraceFilter, type TraceFilter } from './traceFilter'
import { parseTraceOrderBy, type TraceOrderTerm } from './traceOrder'
import { tracePageSql, toTraceRow, type TracePageRow } from './traceRows'
import { experimentCondition, traceFilterSql, traceOrderKeys } from './traceSql'
import { pageOf, resumeAt } from '../tracking/keysetPage'

/**
 * A search's filter and order_by, parsed: their faults found without a store
 * (INVALID_FILTER with the field and position), so a handler answers them
 * before it opens one.
 */
export function parseTraceSearch(req: Pick<TracesSearchRequest, 'filter' | 'order_by'>): { terms: TraceOrderTerm[]; filter: TraceFilter | null } {
  return { terms: parseTraceOrderBy(req.order_by), filter: parseTraceFilter(req.filter) }
}

/** The store has no trace tables (MLflow < 2.13): a clear refusal, not a missing-relation error. */
export function requireTraces(store: StoreHandle): void {
  if (!store.capabilities.traces) {
    throw new AppError('NOT_FOUND', `${store.where} keeps no traces: its MLflow schema predates tracing (MLflow 2.13).`)
  }
}

/** The experiments' ids as numbers, once each; an id past int4 names no experiment of MLflow's (and must not reach a cast). */
export function traceExperimentIds(ids: readonly string[]): number[] {
  return [...new Set(ids.map(Number))].filter((id) => id <= INT4_MAX)
}

/** The experiments condition: one id as `=`, so the (experiment_id, timestamp_ms) index applies. */
export function traceExperimentCondition(b: SqlBuilder, givenIds: readonly string[]): string {
  return experimentCondition('ti.experiment_id', traceExperimentIds(givenIds), b)
}

/**
 * search_traces over experiments: MLflow's filter syntax, results and order
 * (default: request time newest first, then trace id), plus our extensions;
 * keyset-paged (MLflow's own {"offset": N} tokens are read too).
 */
export async function searchTraces(store: StoreHandle, req: TracesSearchRequest): Promise<TracesSearchResponse> {
  const { terms, filter } = parseTraceSearch(req)
  requireTraces(store)
  const b = new SqlBuilder(store.capabilities, [])
  const { keys: order, joins } = traceOrderKeys(terms, b)
  const where: string[] = []
  const condition = traceFilterSql(filter, b, traceExperimentIds(req.experiment_ids))
  if (condition) where.push(condition)
  const fingerprint = searchFingerprint({
    t: 'traces',
    e: traceExperimentIds(req.experiment_ids).sort((x, y) => x - y),
    f: req.filter?.trim() ?? '',
    o: order.map((k) => [k.sql, k.direction]),
    // Assessment names are bound, not in the SQL text.
    k: terms.map((t) => [t.entity, t.key, t.assessmentKind]),
  })
  const offset = resumeAt(req.page_token, fingerprint, order, b.bind, where)
  // One row more than asked tells whether another page exists.
  const sql = tracePageSql(store.capabilities, {
    experimentIds: traceExperimentIds(req.experiment_ids),
    where,
    joins,
    bind: b.bind,
    order,
    limit: req.max_results + 1,
    offset,
  })
  const rows = await store.select<TracePageRow>(sql, b.bind)
  const { page, next_page_token } = pageOf(rows, req.max_results, fingerprint, (r) => r.cursor)
  return { traces: page.map(toTraceRow), next_page_token }
}
