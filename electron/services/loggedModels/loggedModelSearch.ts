import { AppError } from '@shared/api/errors'
import type { LoggedModelsSearchRequest } from '@shared/api/contract'
import { loggedModelStatusNumber, type LoggedModelsSearchResponse } from '@shared/domain/loggedModels'
import type { StoreHandle } from '../connections/storeConnection'
import { likePattern } from '../find/storeSearch'
import { decodePageToken, searchFingerprint } from '../tracking/pageToken'
import { traceExperimentIds } from '../traces/traceSearch'
import { latestMetricValueSql, latestMetricsJson, modelColumnsSql, toLoggedModel, type ModelRow } from './loggedModelSql'

/** MLflow's own page token shape ({"offset": N}), so its tooling's tokens and ours are one kind. */
function offsetToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64')
}

const ORDER_SQL = { creation_time: 'lm.creation_timestamp_ms', last_updated: 'lm.last_updated_timestamp_ms', name: 'lower(lm.name)' } as const

/**
 * search_logged_models over experiments: live models (not deleted), by a part of the name, statuses
 * and source run; newest first unless ordered by name, last update or a metric's latest value
 * (models without it last); offset-paged like MLflow. A store without logged models (before
 * MLflow 3.0) has none: an empty page.
 */
export async function searchLoggedModels(store: StoreHandle, req: LoggedModelsSearchRequest): Promise<LoggedModelsSearchResponse> {
  const order = req.order_by ?? { field: 'creation_time' as const, ascending: false, metric: null }
  const fingerprint = searchFingerprint({ t: 'logged_models', e: req.experiment_ids, n: req.name, s: req.statuses, r: req.source_run_id, o: order })
  const cursor = decodePageToken(req.page_token, fingerprint)
  if (cursor?.kind === 'keyset')
    throw new AppError('INVALID_PAGE_TOKEN', 'page_token is not a logged models page token; start again without it.', { field: 'page_token' })
  if (!store.capabilities.loggedModels) return { models: [], next_page_token: null }
  const bind: unknown[] = [traceExperimentIds(req.experiment_ids)]
  const param = (v: unknown) => (bind.push(v), `$${bind.length}`)
  const where = ['lm.experiment_id = ANY($1::int[])', "(lm.lifecycle_stage IS NULL OR lm.lifecycle_stage <> 'deleted')"]
  if (req.name) where.push(`lm.name ILIKE ${param(likePattern(req.name).contains)}`)
  if (req.statuses?.length) where.push(`lm.status = ANY(${param(req.statuses.map(loggedModelStatusNumber))}::int[])`)
  if (req.source_run_id) where.push(`lm.source_run_id = ${param(req.source_run_id)}`)
  const key = order.field === 'metric' ? latestMetricValueSql(`${param(order.metric)}::text`) : ORDER_SQL[order.field]
  const direction = order.ascending ? 'ASC' : 'DESC'
  const offset = cursor?.offset ?? 0
  const rows = await store.select<ModelRow>(
    `SELECT ${modelColumnsSql(latestMetricsJson())}
       FROM logged_models lm
      WHERE ${where.join(' AND ')}
      ORDER BY ${key} ${direction} NULLS LAST, lm.model_id ${direction}
      LIMIT ${req.max_results + 1} OFFSET ${offset}`,
    bind,
  )
  const more = rows.length > req.max_results
  return { models: rows.slice(0, req.max_results).map(toLoggedModel), next_page_token: more ? offsetToken(offset + req.max_results) : null }
}
