import type { MlflowTraceInfo, TraceTokenUsage } from '@shared/domain/traces'

/**
 * What a trace's header says, read from MLflow's TraceInfo: name (mlflow.traceName tag), session
 * and user (request metadata in MLflow 3, tags in 2.x), the run and logged model it was made in,
 * token usage (mlflow.trace.tokenUsage), request time and duration in ms.
 */
export interface TraceFacts {
  name: string | null
  requestTime: number
  durationMs: number | null
  tokens: TraceTokenUsage | null
  session: string | null
  user: string | null
  runId: string | null
  loggedModelId: string | null
}

function tokens(text: string | undefined): TraceTokenUsage | null {
  if (!text) return null
  try {
    const v = JSON.parse(text) as Record<string, unknown>
    const n = (k: string) => (typeof v[k] === 'number' ? (v[k] as number) : null)
    return { input_tokens: n('input_tokens'), output_tokens: n('output_tokens'), total_tokens: n('total_tokens') }
  } catch {
    return null
  }
}

export function traceFacts(info: MlflowTraceInfo): TraceFacts {
  const key = (k: string) => info.trace_metadata[k] ?? info.tags[k] ?? null
  // protobuf's Duration: "0.636s".
  const seconds = info.execution_duration ? Number.parseFloat(info.execution_duration) : Number.NaN
  return {
    name: info.tags['mlflow.traceName'] ?? null,
    requestTime: Date.parse(info.request_time),
    durationMs: Number.isFinite(seconds) ? Math.round(seconds * 1000) : null,
    tokens: tokens(info.trace_metadata['mlflow.trace.tokenUsage']),
    session: key('mlflow.trace.session'),
    user: key('mlflow.trace.user'),
    runId: key('mlflow.sourceRun'),
    loggedModelId: key('mlflow.modelId'),
  }
}
