import pLimit from 'p-limit'
import { AppError } from '@shared/api/errors'
import type { MlflowSpan } from '@shared/domain/traces'
import type { ExportedTraces } from '@shared/domain/exports'
import type { ArtifactRepository } from '../artifacts/artifactRepository'
import type { StoreHandle } from '../connections/storeConnection'
import { hexSpanId } from '../traces/spanJson'
import { getTrace, type OpenRepository } from '../traces/traceGet'
import { searchTraces, traceExperimentIds } from '../traces/traceSearch'
import { exportEnvelope, pythonJsonFile } from './exportJson'
import { folderSafe, keepEarlier, verifiedEarlier, writeExportFile, type ExportSink } from './exportFiles'
import { syncFiles } from './saveStream'

/** A trace to export and the experiment it is in. */
export interface TraceRef {
  trace_id: string
  experiment_id: string
}

/** Which traces: given ones, all of an experiment's, or an experiment's traces:search matches. */
export type TraceSource =
  { kind: 'ids'; traces: TraceRef[] } | { kind: 'experiment'; experimentId: string } | { kind: 'search'; experimentId: string; filter: string }

/** Traces read and written per page: a page's ids at a time are in memory, never the experiment's. */
const PAGE = 500
/** Traces read at once (one statement each, as traces:get). */
const CONCURRENCY = 4

/** mlflow-export-import's summary of the traces folder, its per-trace file, and the spans file MLflow keeps. */
const SUMMARY_FILE = 'traces.json'
const TRACE_FILE = 'trace.json'
const SPANS_FILE = 'artifacts/traces.json'

/** The source's traces, one page at a time; an experiment's by keyset over its (timestamp_ms, request_id) index. */
export async function* tracePages(store: StoreHandle, source: TraceSource): AsyncGenerator<TraceRef[]> {
  if (source.kind === 'ids') {
    for (let i = 0; i < source.traces.length; i += PAGE) yield source.traces.slice(i, i + PAGE)
    return
  }
  if (source.kind === 'search') {
    let token: string | null = null
    do {
      const page = await searchTraces(store, { experiment_ids: [source.experimentId], filter: source.filter, max_results: PAGE, page_token: token })
      yield page.traces.map((t) => ({ trace_id: t.trace_id, experiment_id: t.experiment_id }))
      token = page.next_page_token
    } while (token)
    return
  }
  const [experiment] = traceExperimentIds([source.experimentId])
  if (experiment === undefined) return
  let after: [string, string] | null = null
  for (;;) {
    const rows: Array<{ trace_id: string; ts: string }> = await store.select(
      `SELECT request_id AS trace_id, timestamp_ms::text AS ts FROM trace_info
        WHERE experiment_id = $1 ${after ? 'AND (timestamp_ms, request_id) > ($2::bigint, $3)' : ''}
        ORDER BY timestamp_ms, request_id LIMIT ${PAGE}`,
      after ? [experiment, ...after] : [experiment],
    )
    if (rows.length > 0) yield rows.map((r) => ({ trace_id: r.trace_id, experiment_id: source.experimentId }))
    if (rows.length < PAGE) return
    const last = rows[rows.length - 1]
    after = [last.ts, last.trace_id]
  }
}

/**
 * The experiment's traces made inside each run (metadata mlflow.sourceRun), by run id: run.json's
 * `mlflow.traces`, as mlflow-export-import adds a run's traces to it when it exports them beside the run.
 */
export async function tracesBySourceRun(store: StoreHandle, experimentId: string): Promise<Map<string, string[]>> {
  const [experiment] = traceExperimentIds([experimentId])
  if (!store.capabilities.traces || experiment === undefined) return new Map()
  const rows = await store.select<{ run_id: string; traces: string[] }>(
    `SELECT m.value AS run_id, json_agg(m.request_id ORDER BY t.timestamp_ms, m.request_id) AS traces
       FROM trace_request_metadata m JOIN trace_info t ON t.request_id = m.request_id
      WHERE t.experiment_id = $1 AND m.key = 'mlflow.sourceRun'
      GROUP BY m.value`,
    [experiment],
  )
  return new Map(rows.map((r) => [r.run_id, r.traces]))
}

/** trace.json's `data` as mlflow-export-import writes it: each span's name and ids (the whole spans are in artifacts/traces.json). */
function spanSummary(traceId: string, spans: MlflowSpan[]) {
  return spans.map((s) => ({
    name: s.name,
    trace_id: traceId,
    span_id: hexSpanId(s.span_id),
    parent_id: s.parent_span_id ? hexSpanId(s.parent_span_id) : null,
  }))
}

/**
 * Export traces into `dir` in mlflow-export-import's layout (its export-traces): `<trace_id>/trace.json`
 * with `mlflow.info` (MLflow's trace info: tags, metadata, assessments) and `mlflow.data`, the spans as
 * MLflow keeps them in `<trace_id>/artifacts/traces.json`, and `traces.json` listing them by experiment.
 * Streamed a page at a time; a trace whose files an earlier attempt completed is kept, not read again.
 * No traces: nothing is written and null is returned.
 */
export async function exportTraces(
  store: StoreHandle,
  source: TraceSource,
  dir: string,
  sink: ExportSink,
  open: OpenRepository,
): Promise<ExportedTraces | null> {
  const at = (name: string) => (dir ? `${dir}/${name}` : name)
  const result: ExportedTraces = { dir, exported: 0, kept_verified: 0, files: 0, bytes: 0, kept: { files: 0, bytes: 0 }, without_spans: [] }
  const byExperiment = new Map<string, string[]>()
  const failed: string[] = []
  const limit = pLimit(CONCURRENCY)
  const count = (size: number) => {
    result.files++
    result.bytes += size
  }

  const cancelled = () => new AppError('CANCELLED', 'The export was cancelled; the traces completed so far are kept, and a rerun with --resume completes it.')

  async function one(ref: TraceRef): Promise<boolean> {
    if (sink.signal?.aborted) throw cancelled()
    if (!folderSafe(ref.trace_id)) return false
    const base = at(ref.trace_id)
    const kept = await verifiedEarlier(sink, `${base}/${TRACE_FILE}`)
    if (kept) {
      const spans = await verifiedEarlier(sink, `${base}/${SPANS_FILE}`)
      // Kept whole: both files verified, or the earlier attempt wrote the trace without spans.
      if (spans || !sink.journal.known.has(`${base}/${SPANS_FILE}`)) {
        const both = spans ? [kept, spans] : [kept]
        keepEarlier(sink, both)
        for (const f of both) {
          count(f.size)
          result.kept.files++
          result.kept.bytes += f.size
        }
        result.kept_verified++
        return true
      }
    }
    const repos: ArtifactRepository[] = []
    const got = await getTrace(
      store,
      ref.trace_id,
      async (location) => {
        const repo = await open(location)
        repos.push(repo)
        return repo
      },
      sink.signal,
    ).finally(() => Promise.all(repos.map((r) => r.close().catch(() => undefined))))
    const { info, data } = got.trace
    // The spans first: a trace.json on disk says its spans were written (or could not be read), so a
    // rerun that finds it verified keeps the trace whole.
    if (got.view.spans_source === 'none') result.without_spans.push({ trace_id: ref.trace_id, problem: got.view.spans_problem ?? 'no spans' })
    else count((await writeExportFile(sink, `${base}/${SPANS_FILE}`, pythonJsonFile({ spans: data.spans }))).size)
    const doc = exportEnvelope(sink.system, { info, data: spanSummary(info.trace_id, data.spans) })
    count((await writeExportFile(sink, `${base}/${TRACE_FILE}`, pythonJsonFile(doc))).size)
    result.exported++
    return true
  }

  for await (const page of tracePages(store, source)) {
    if (sink.signal?.aborted) throw cancelled()
    // Every trace of the page settles before a failure or cancel is thrown: none is still writing when the export returns.
    const settled = await Promise.allSettled(page.map((ref) => limit(() => one(ref))))
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')
    if (failure) throw sink.signal?.aborted ? cancelled() : failure.reason
    // Flushed a page at a time, so the paths waiting for an fsync never grow with the experiment.
    await syncFiles(sink.unsynced.splice(0))
    page.forEach((ref, i) => {
      if (!(settled[i] as PromiseFulfilledResult<boolean>).value) return failed.push(ref.trace_id)
      const ids = byExperiment.get(ref.experiment_id) ?? []
      if (!byExperiment.has(ref.experiment_id)) byExperiment.set(ref.experiment_id, ids)
      ids.push(ref.trace_id)
    })
  }
  if (byExperiment.size === 0 && failed.length === 0) return null

  const names = new Map(
    (
      await store.select<{ id: string; name: string }>('SELECT experiment_id::text AS id, name FROM experiments WHERE experiment_id = ANY($1::int[])', [
        traceExperimentIds([...byExperiment.keys()]),
      ])
    ).map((e) => [e.id, e.name]),
  )
  const ok = result.exported + result.kept_verified
  const summary = exportEnvelope(
    sink.system,
    { experiments: [...byExperiment].map(([id, traces]) => ({ id, name: names.get(id) ?? null, traces })) },
    { num_total_trace: ok + failed.length, num_ok_traces: ok, num_failed_traces: failed.length, failed_traces: failed },
  )
  await writeExportFile(sink, at(SUMMARY_FILE), pythonJsonFile(summary))
  return result
}
