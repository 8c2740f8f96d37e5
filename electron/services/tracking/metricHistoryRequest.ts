import { AppError } from '@shared/api/errors'
import type { MetricHistoryResponse, MetricsHistoryRequest } from '@shared/api/contract'
import type { StoreHandle } from '../connections/storeConnection'
import { getMetricHistory } from './metricHistory'
import { downsampleHistory } from './metricSeries'

const given = (v: unknown): boolean => v !== null && v !== undefined

/**
 * metrics:history as a whole: without max_points MLflow's get_metric_history (paged, unchanged);
 * with it, the chart's downsampled series for [from_step, to_step] in one answer (never paged).
 */
export async function answerMetricHistory(store: StoreHandle, req: MetricsHistoryRequest): Promise<MetricHistoryResponse> {
  if (!given(req.max_points)) {
    for (const field of ['from_step', 'to_step'] as const) {
      if (given(req[field])) throw new AppError('BAD_REQUEST', `${field} narrows a downsampled series: give max_points with it.`, { field })
    }
    return getMetricHistory(store, req)
  }
  for (const field of ['max_results', 'page_token'] as const) {
    if (given(req[field])) throw new AppError('BAD_REQUEST', `${field} pages the full history; a downsampled series (max_points) comes in one answer.`, { field })
  }
  if (given(req.from_step) && given(req.to_step) && req.from_step! > req.to_step!) {
    throw new AppError('BAD_REQUEST', `from_step (${req.from_step}) is after to_step (${req.to_step}).`, { field: 'from_step' })
  }
  const series = await downsampleHistory(store, { run_id: req.run_id, metric_key: req.metric_key, max_points: req.max_points!, from_step: req.from_step, to_step: req.to_step })
  return { ...series, next_page_token: null }
}
