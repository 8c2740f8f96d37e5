import { describe, expect, it } from 'vitest'
import type { LoggedModelMetric, LoggedModelWithMetrics } from '@shared/domain/loggedModels'
import { compareMetrics, latestMetrics, metricLabel, metricLabels, modelTracesFilter } from '@/utils/loggedModels'

const metric = (key: string, value: number | null, extra: Partial<LoggedModelMetric> = {}): LoggedModelMetric => ({
  key,
  value,
  step: 0,
  timestamp: 1,
  run_id: 'r1',
  dataset_name: null,
  dataset_digest: null,
  ...extra,
})
const model = (id: string, metrics: LoggedModelMetric[]): LoggedModelWithMetrics => ({
  model_id: id,
  name: id,
  experiment_id: '1',
  source_run_id: null,
  artifact_location: 'file:///x',
  creation_timestamp_ms: 1,
  last_updated_timestamp_ms: 1,
  status: 'READY',
  status_message: null,
  model_type: null,
  lifecycle_stage: 'active',
  tags: [],
  params: [],
  metrics,
})

describe('logged model metrics', () => {
  it('labels a metric by its dataset when it has one', () => {
    expect(metricLabel(metric('acc', 1))).toBe('acc')
    expect(metricLabel(metric('acc', 1, { dataset_name: 'eval' }))).toBe('acc (eval)')
  })

  it('keeps the latest row per metric and dataset: highest step, then newest', () => {
    const got = latestMetrics([
      metric('acc', 0.5, { step: 1, timestamp: 9 }),
      metric('acc', 0.7, { step: 2, timestamp: 3 }),
      metric('acc', 0.6, { step: 2, timestamp: 2 }),
      metric('acc', 0.1, { dataset_name: 'test' }),
    ])
    expect(got.get('acc')?.value).toBe(0.7)
    expect(got.get('acc (test)')?.value).toBe(0.1)
    expect(metricLabels([model('a', [metric('z', 1)]), model('b', [metric('a', 1), metric('z', 2)])])).toEqual(['a', 'z'])
  })

  it('compares models side by side, the best value by direction (latency and loss low, others high), ties all best', () => {
    const rows = compareMetrics([
      model('a', [metric('answer_relevance', 0.7), metric('latency_p95_ms', 1500), metric('only_a', 3)]),
      model('b', [metric('answer_relevance', 0.8), metric('latency_p95_ms', 2400)]),
      model('c', [metric('answer_relevance', 0.8), metric('latency_p95_ms', NaN)]),
    ])
    const by = Object.fromEntries(rows.map((r) => [r.label, r]))
    expect(by.answer_relevance).toMatchObject({ direction: 'max', values: [0.7, 0.8, 0.8], best: [1, 2] })
    expect(by.latency_p95_ms).toMatchObject({ direction: 'min', best: [0] })
    // One model alone has nothing to be best against.
    expect(by.only_a).toMatchObject({ values: [3, null, null], best: [] })
  })

  it("filters the Traces tab on a model's id, quoting it as search_traces reads it", () => {
    expect(modelTracesFilter('m-abc')).toBe("metadata.`mlflow.modelId` = 'm-abc'")
  })
})
