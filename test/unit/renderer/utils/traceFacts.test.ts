import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { MlflowTraceInfo } from '@shared/domain/traces'
import { traceFacts } from '@/utils/traceFacts'

interface FixtureTrace {
  experiment_id: string
  state: string
  request_time: number
  execution_duration: number
  tags: Record<string, string>
  metadata: Record<string, string>
}

/** MLflow's own answers for the GenAI fixture's traces, as TraceInfo's JSON form gives them to the header. */
const fixture = JSON.parse(readFileSync('test/fixtures/genai/mlflow-genai-seed21.search-traces.json', 'utf8')) as { traces: Record<string, FixtureTrace> }

function info(id: string, t: FixtureTrace): MlflowTraceInfo {
  return {
    trace_id: id,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: t.experiment_id } },
    request_time: new Date(t.request_time).toISOString(),
    execution_duration: `${t.execution_duration / 1000}s`,
    state: t.state,
    trace_metadata: t.metadata,
    assessments: [],
    tags: t.tags,
  }
}

describe('traceFacts', () => {
  it('reads name, time, duration, tokens, session, user, run and logged model as MLflow wrote them', () => {
    const entries = Object.entries(fixture.traces)
    expect(entries.length).toBe(128)
    for (const [id, t] of entries) {
      const f = traceFacts(info(id, t))
      expect(f.name).toBe(t.tags['mlflow.traceName'] ?? null)
      expect(f.requestTime).toBe(t.request_time)
      expect(f.durationMs).toBe(t.execution_duration)
      expect(f.session).toBe(t.metadata['mlflow.trace.session'] ?? null)
      expect(f.user).toBe(t.metadata['mlflow.trace.user'] ?? null)
      expect(f.runId).toBe(t.metadata['mlflow.sourceRun'] ?? null)
      expect(f.loggedModelId).toBe(t.metadata['mlflow.modelId'] ?? null)
      const usage = t.metadata['mlflow.trace.tokenUsage']
      expect(f.tokens).toEqual(usage ? JSON.parse(usage) : null)
    }
  })

  it('a 2.x trace keeps session and user as tags; a trace in progress has no duration', () => {
    const f = traceFacts({
      ...info('abc', {
        experiment_id: '1',
        state: 'IN_PROGRESS',
        request_time: 0,
        execution_duration: 0,
        tags: { 'mlflow.trace.session': 's1', 'mlflow.trace.user': 'u1' },
        metadata: {},
      }),
      execution_duration: undefined,
    })
    expect([f.session, f.user, f.durationMs, f.tokens]).toEqual(['s1', 'u1', null, null])
  })
})
