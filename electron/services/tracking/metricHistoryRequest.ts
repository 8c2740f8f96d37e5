import type { MetricHistoryResponse, MetricsHistoryRequest } from '@shared/api/contract'
import type { StoreHandle } from '../connections/storeConnection'
import { getMetricHistory } from './metricHistory'
import { downsampleHistory } from './metricSeries'

/**
 * metrics:history as a whole: without max_points MLflow's get_metric_history (paged, unchanged);
 * with it, the chart's downsampled series for [from_step, to_step] in one answer (never paged).
 * The request's rules (paging or a window, never both; a window that does not end before it
 * starts) are the contract's: a request that reaches here keeps them.
 */
export async function answerMetricHistory(store: StoreHandle, req: MetricsHistoryRequest): Promise<MetricHistoryResponse> {
  if (req.max_points === null || req.max_points === undefined) return getMetricHistory(store, req)
  const series = await downsampleHistory(store, {
    run_id: req.run_id,
    metric_key: req.metric_key,
    max_points: req.max_points,
    from_step: req.from_step,
    to_step: req.to_step,
  })
  return { ...series, next_page_token: null }
}
