import { describe, expect, it } from 'vitest'
import { loggedModelJson, loggedModelStatusName, loggedModelStatusNumber, type LoggedModelWithMetrics } from '@shared/domain/loggedModels'

const model: LoggedModelWithMetrics = {
  model_id: 'm-1',
  name: 'bot',
  experiment_id: '3',
  source_run_id: null,
  artifact_location: 'file:///a/models/m-1/artifacts',
  creation_timestamp_ms: 10,
  last_updated_timestamp_ms: 20,
  status: 'FAILED',
  status_message: 'upload failed',
  model_type: null,
  lifecycle_stage: 'active',
  tags: [{ key: 'stage', value: 'candidate' }],
  params: [{ key: 'llm', value: 'gpt' }],
  metrics: [{ key: 'acc', value: 0.5, step: 2, timestamp: 30, run_id: 'r1', dataset_name: 'eval', dataset_digest: 'abc' }],
}

describe('logged model status and REST JSON', () => {
  it('reads the stored status numbers as MLflow names them, unknown ones as UNSPECIFIED', () => {
    expect([0, 1, 2, 3, 7, null].map(loggedModelStatusName)).toEqual(['UNSPECIFIED', 'PENDING', 'READY', 'FAILED', 'UNSPECIFIED', 'UNSPECIFIED'])
    expect(loggedModelStatusNumber('READY')).toBe(2)
  })

  it("writes get_logged_model's shape: info with artifact_uri and the proto status name, data with params and metrics; unset fields left out", () => {
    const j = loggedModelJson(model)
    expect(j.info).toEqual({
      model_id: 'm-1',
      experiment_id: '3',
      name: 'bot',
      creation_timestamp_ms: 10,
      last_updated_timestamp_ms: 20,
      artifact_uri: 'file:///a/models/m-1/artifacts',
      status: 'LOGGED_MODEL_UPLOAD_FAILED',
      status_message: 'upload failed',
      tags: [{ key: 'stage', value: 'candidate' }],
    })
    expect(j.data).toEqual({
      params: [{ key: 'llm', value: 'gpt' }],
      metrics: [{ key: 'acc', value: 0.5, timestamp: 30, step: 2, dataset_name: 'eval', dataset_digest: 'abc', model_id: 'm-1', run_id: 'r1' }],
    })
  })
})
