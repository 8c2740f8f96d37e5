import { AppError } from '@shared/api/errors'
import type { MlflowSpan } from '@shared/domain/traces'
import { previewArtifact } from '../artifacts/artifactPreview'
import type { ArtifactRepository } from '../artifacts/artifactRepository'
import { parseSpans } from './spanJson'

/** MLflow 2.14–3.2 keep a trace's spans in this file under the trace's artifact location (tag mlflow.artifactLocation). */
export const TRACE_DATA_FILE = 'traces.json'

/** The biggest traces.json read: tens of thousands of spans with their inputs and outputs. */
export const MAX_TRACE_ARTIFACT_BYTES = 64 * 1024 * 1024

/** The tag MLflow records a trace's artifact location in. */
export const ARTIFACT_LOCATION_TAG = 'mlflow.artifactLocation'

/** Where MLflow puts a trace's artifacts when the trace has no mlflow.artifactLocation tag: under its experiment's location. */
export function defaultTraceArtifactLocation(experimentLocation: string, traceId: string): string {
  return `${experimentLocation.replace(/\/+$/, '')}/traces/${traceId}/artifacts`
}

/**
 * The spans of a trace's traces.json, read through the artifact store its location is in (the
 * profile's artifact settings; at most MAX_TRACE_ARTIFACT_BYTES). No file: NOT_FOUND; too big,
 * or not MLflow's trace data: INVALID_ARTIFACT, each naming where.
 */
export async function readTraceArtifactSpans(repo: ArtifactRepository, signal?: AbortSignal): Promise<MlflowSpan[]> {
  const where = `${TRACE_DATA_FILE} in ${repo.describe}`
  const file = await previewArtifact(repo, TRACE_DATA_FILE, MAX_TRACE_ARTIFACT_BYTES, signal)
  if (file.kind !== 'text' || file.text === null) throw new AppError('INVALID_ARTIFACT', `${where} is not text.`)
  if (file.truncated) {
    throw new AppError('INVALID_ARTIFACT', `${where} is ${file.size} bytes, more than the ${MAX_TRACE_ARTIFACT_BYTES} read for a trace.`)
  }
  return parseSpans(file.text, where)
}
