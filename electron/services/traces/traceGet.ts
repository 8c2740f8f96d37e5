import { AppError, isAppError } from '@shared/api/errors'
import type { MlflowSpan, MlflowTraceInfo, TraceGetResponse } from '@shared/domain/traces'
import type { ArtifactRepository } from '../artifacts/artifactRepository'
import type { StoreHandle } from '../connections/storeConnection'
import { assessmentJson, overriddenBy, type AssessmentRow } from './assessments'
import { durationJson, timestampJson } from './protoJson'
import { parseSpans } from './spanJson'
import { spanTree } from './spanTree'
import { ARTIFACT_LOCATION_TAG, defaultTraceArtifactLocation, readTraceArtifactSpans, TRACE_DATA_FILE } from './traceArtifact'

interface TraceRow {
  trace_id: string
  experiment_id: string
  timestamp_ms: string
  execution_time_ms: string | null
  status: string
  client_request_id: string | null
  request_preview: string | null
  response_preview: string | null
  experiment_location: string | null
  tags: Record<string, string>
  metadata: Record<string, string>
  assessments: AssessmentRow[]
  /** The spans table's contents, joined into one JSON list (null: no rows, or no spans table). */
  spans: string | null
}

/**
 * One statement for the whole trace: its row, tags, metadata and assessments as JSON, and its spans'
 * JSON joined into one text (parsed once). Parts a store lacks (previews before MLflow 3.2, the
 * assessments and spans tables) are NULL, as its capabilities say.
 */
function traceSql(can: StoreHandle['capabilities']): string {
  const previews = can.tracePreviews
    ? 't.client_request_id, t.request_preview, t.response_preview'
    : 'NULL AS client_request_id, NULL AS request_preview, NULL AS response_preview'
  const assessments = can.assessments
    ? `(SELECT coalesce(json_agg(json_build_object(
          'assessment_id', a.assessment_id, 'trace_id', a.trace_id, 'name', a.name, 'assessment_type', a.assessment_type,
          'value', a.value, 'error', a.error, 'created_timestamp', a.created_timestamp, 'last_updated_timestamp', a.last_updated_timestamp,
          'source_type', a.source_type, 'source_id', a.source_id, 'run_id', a.run_id, 'span_id', a.span_id, 'rationale', a.rationale,
          'overrides', a.overrides, 'valid', a.valid, 'assessment_metadata', a.assessment_metadata)
        ORDER BY a.created_timestamp, a.assessment_id), '[]'::json)
        FROM assessments a WHERE a.trace_id = t.request_id)`
    : `'[]'::json`
  const spans = can.traceSpans
    ? `(SELECT '[' || string_agg(s.content, ',' ORDER BY s.start_time_unix_nano, s.span_id) || ']' FROM spans s WHERE s.trace_id = t.request_id)`
    : 'NULL::text'
  return `SELECT t.request_id AS trace_id, t.experiment_id::text AS experiment_id, t.timestamp_ms::text AS timestamp_ms,
                 t.execution_time_ms::text AS execution_time_ms, t.status, ${previews},
                 e.artifact_location AS experiment_location,
                 (SELECT coalesce(json_object_agg(g.key, g.value), '{}'::json) FROM trace_tags g WHERE g.request_id = t.request_id) AS tags,
                 (SELECT coalesce(json_object_agg(m.key, m.value), '{}'::json) FROM trace_request_metadata m WHERE m.request_id = t.request_id) AS metadata,
                 ${assessments} AS assessments,
                 ${spans} AS spans
            FROM trace_info t
            LEFT JOIN experiments e ON e.experiment_id = t.experiment_id
           WHERE t.request_id = $1`
}

/** MLflow 2 wrote trace_info.status as TraceStatus (TRACE_STATUS_UNSPECIFIED); MLflow 3 reads it as TraceState. */
const state = (status: string) => (status === 'TRACE_STATUS_UNSPECIFIED' ? 'STATE_UNSPECIFIED' : status)

function traceInfo(r: TraceRow): MlflowTraceInfo {
  const info: MlflowTraceInfo = {
    trace_id: r.trace_id,
    trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: r.experiment_id } },
    request_time: timestampJson(Number(r.timestamp_ms)),
    state: state(r.status),
    trace_metadata: r.metadata,
    assessments: r.assessments.map(assessmentJson),
    tags: r.tags,
  }
  if (r.client_request_id !== null) info.client_request_id = r.client_request_id
  if (r.request_preview !== null) info.request_preview = r.request_preview
  if (r.response_preview !== null) info.response_preview = r.response_preview
  if (r.execution_time_ms !== null) info.execution_duration = durationJson(Number(r.execution_time_ms))
  return info
}

/** Opens the artifact store a location is in, with the window's artifact settings. */
export type OpenRepository = (location: string) => Promise<ArtifactRepository>

interface SpansRead {
  spans: MlflowSpan[]
  source: 'store' | 'artifact' | 'none'
  problem: string | null
  location: string | null
}

/** The trace's spans from its traces.json; what went wrong (but a cancel) is said, not thrown: the trace's info still shows. */
async function artifactSpans(r: TraceRow, open: OpenRepository, signal?: AbortSignal): Promise<SpansRead> {
  const location = r.tags[ARTIFACT_LOCATION_TAG] ?? (r.experiment_location ? defaultTraceArtifactLocation(r.experiment_location, r.trace_id) : null)
  if (!location) return { spans: [], source: 'none', problem: `Trace '${r.trace_id}' has no spans in the store and no artifact location.`, location: null }
  try {
    return { spans: await readTraceArtifactSpans(await open(location), signal), source: 'artifact', problem: null, location }
  } catch (e) {
    if (signal?.aborted || (isAppError(e) && e.code === 'CANCELLED')) throw e
    const why = isAppError(e) ? e.message : `${TRACE_DATA_FILE} under ${location} could not be read.`
    return { spans: [], source: 'none', problem: why, location }
  }
}

/**
 * A trace as MLflow's get_trace gives it (info with tags, metadata and assessments; data with the
 * spans) and its view (span tree, critical path, tokens, models). Spans come from the spans table
 * (MLflow 3.3+); a trace with none there (stores written by MLflow 2.14–3.2) has them read from
 * its traces.json through `open`. Unknown id: NOT_FOUND naming the store.
 */
export async function getTrace(store: StoreHandle, traceId: string, open: OpenRepository, signal?: AbortSignal): Promise<TraceGetResponse> {
  if (!store.capabilities.traces) throw new AppError('NOT_FOUND', `${store.where} has no traces: its MLflow schema predates tracing (MLflow 2.13).`)
  const [row] = await store.select<TraceRow>(traceSql(store.capabilities), [traceId])
  if (!row) throw new AppError('NOT_FOUND', `Trace '${traceId}' not found in ${store.where}.`, { field: 'trace_id' })
  const read: SpansRead =
    row.spans !== null
      ? { spans: parseSpans(row.spans, `the spans of trace '${traceId}' in ${store.where}`), source: 'store', problem: null, location: null }
      : await artifactSpans(row, open, signal)
  const info = traceInfo(row)
  const tree = spanTree(read.spans)
  return {
    trace: { info, data: { spans: read.spans } },
    view: {
      spans: tree.rows,
      critical_path: tree.critical_path,
      start_time_unix_nano: tree.start === null ? null : String(tree.start),
      spans_source: read.source,
      spans_problem: read.problem,
      artifact_location: read.location,
      overridden_by: overriddenBy(info.assessments),
    },
  }
}
