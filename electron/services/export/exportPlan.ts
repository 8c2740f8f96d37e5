import { AppError, isAppError } from '@shared/api/errors'
import type { Run } from '@shared/domain/mlflow'
import type { StoreHandle } from '../connections/storeConnection'
import { listExperiments } from '../tracking/experiments'
import { getRegisteredModel } from '../tracking/registry'
import { getRun, searchRuns } from '../tracking/runs'
import { parseTraceSearch, requireTraces } from '../traces/traceSearch'
import { experimentDocument, modelDocument, runDocument, versionDocument } from './exportDocuments'
import { datasetDocuments, loggedModelDocuments, type PlannedDataset, type PlannedModel } from './exportGenaiDocuments'
import { tracesBySourceRun, type TraceSource } from './exportTraces'

import type { ExportLayout, ExportSelection } from '@shared/domain/exports'
import type { PlannedDocument } from './plannedDocument'

export type { ExportLayout, ExportSelection }

/** One run to export and its folder inside the export ('' for a single-run export). */
export interface PlannedRun {
  run: Run
  dir: string
}

export type { PlannedDocument }

export interface ExportPlan {
  layout: ExportLayout
  runs: PlannedRun[]
  documents: PlannedDocument[]
  /** Traces, streamed into `dir` while the export runs (never read all at once); null: none. */
  traces: { dir: string; source: TraceSource } | null
  /** Logged models whose artifacts are copied (their JSON is in `documents`). */
  models: PlannedModel[]
  datasets: PlannedDataset[]
}

const NO_GENAI = { traces: null, models: [], datasets: [] }

const join = (dir: string, name: string) => (dir ? `${dir}/${name}` : name)

async function runDocuments(store: StoreHandle, runs: PlannedRun[]): Promise<PlannedDocument[]> {
  const docs: PlannedDocument[] = []
  for (const r of runs) docs.push({ path: join(r.dir, 'run.json'), mlflow: await runDocument(store, r.run) })
  return docs
}

async function experimentOf(store: StoreHandle, id: string) {
  const experiment = (await listExperiments(store, 'all')).find((e) => e.experiment_id === id)
  if (!experiment) throw new AppError('NOT_FOUND', `Experiment '${id}' not found in ${store.where}.`, { field: 'experiment-id' })
  return experiment
}

/** Every active run of an experiment, as mlflow-export-import's export-experiment takes them (deleted runs stay out). */
async function experimentRuns(store: StoreHandle, experimentId: string): Promise<Run[]> {
  const runs: Run[] = []
  let token: string | null | undefined
  do {
    const page = await searchRuns(store, { experiment_ids: [experimentId], view: 'active', max_results: 1000, page_token: token })
    runs.push(...page.runs)
    token = page.next_page_token
  } while (token)
  return runs
}

async function planRuns(store: StoreHandle, runIds: string[]): Promise<ExportPlan> {
  const runs = await Promise.all([...new Set(runIds)].map((id) => getRun(store, id)))
  if (runs.length === 1)
    return { layout: 'run', runs: [{ run: runs[0], dir: '' }], documents: await runDocuments(store, [{ run: runs[0], dir: '' }]), ...NO_GENAI }
  const experiments = [...new Set(runs.map((r) => r.info.experiment_id))]
  if (experiments.length > 1) {
    throw new AppError(
      'BAD_REQUEST',
      `--run-ids: the runs belong to ${experiments.length} experiments (${experiments.join(', ')}); mlflow-export-import's experiment layout holds one experiment, so export each experiment's runs separately.`,
      { field: 'run-ids' },
    )
  }
  return experimentPlan(store, experiments[0], runs)
}

async function experimentPlan(store: StoreHandle, experimentId: string, runs?: Run[]): Promise<ExportPlan> {
  const experiment = await experimentOf(store, experimentId)
  const planned = (runs ?? (await experimentRuns(store, experimentId))).map((run) => ({ run, dir: `runs/${run.info.run_id}` }))
  const doc = experimentDocument(
    experiment,
    planned.map((r) => r.run.info.run_id),
    [],
  )
  const runDocs = await runDocuments(store, planned)
  if (runs) return { layout: 'experiment', runs: planned, documents: [{ path: 'experiment.json', ...doc }, ...runDocs], ...NO_GENAI }
  // With the whole experiment go its traces (each run.json lists those made inside it), logged models and
  // evaluation datasets, as far as the store has them.
  const models = await loggedModelDocuments(store, experiment)
  const datasets = await datasetDocuments(store, experimentId)
  const runTraces = await tracesBySourceRun(store, experimentId)
  runDocs.forEach((d, i) => {
    const traces = runTraces.get(planned[i].run.info.run_id)
    if (traces) (d.mlflow as Record<string, unknown>).traces = traces
  })
  return {
    layout: 'experiment',
    runs: planned,
    documents: [{ path: 'experiment.json', ...doc }, ...runDocs, ...models.documents, ...datasets.documents],
    traces: store.capabilities.traces ? { dir: 'traces', source: { kind: 'experiment', experimentId } } : null,
    models: models.models,
    datasets: datasets.datasets,
  }
}

/** Traces by id, each checked to exist first: an unknown id is an error naming it, before anything is written. */
async function tracesPlan(store: StoreHandle, traceIds: string[]): Promise<ExportPlan> {
  requireTraces(store)
  const ids = [...new Set(traceIds)]
  const found = new Map(
    (
      await store.select<{ trace_id: string; experiment_id: string }>(
        'SELECT request_id AS trace_id, experiment_id::text AS experiment_id FROM trace_info WHERE request_id = ANY($1::text[])',
        [ids],
      )
    ).map((r) => [r.trace_id, r]),
  )
  const unknown = ids.filter((id) => !found.has(id))
  if (unknown.length > 0) {
    const named =
      unknown
        .slice(0, 5)
        .map((id) => `'${id}'`)
        .join(', ') + (unknown.length > 5 ? ` and ${unknown.length - 5} more` : '')
    throw new AppError('NOT_FOUND', `Trace${unknown.length > 1 ? 's' : ''} ${named} not found in ${store.where}.`, { field: 'traces' })
  }
  return {
    layout: 'traces',
    runs: [],
    documents: [],
    traces: { dir: '', source: { kind: 'ids', traces: ids.map((id) => found.get(id)!) } },
    models: [],
    datasets: [],
  }
}

/** The traces of an experiment that a traces:search filter matches (the filter checked before anything is written). */
async function traceSearchPlan(store: StoreHandle, experimentId: string, filter: string): Promise<ExportPlan> {
  parseTraceSearch({ filter })
  requireTraces(store)
  await experimentOf(store, experimentId)
  return { layout: 'traces', runs: [], documents: [], traces: { dir: '', source: { kind: 'search', experimentId, filter } }, models: [], datasets: [] }
}

/** "NAME/VERSION" when a model named NAME exists and VERSION is a number; otherwise the whole text is the name. */
async function findModel(store: StoreHandle, text: string) {
  const m = /^(.+)\/(\d+)$/.exec(text)
  if (m) {
    try {
      return { found: await getRegisteredModel(store, m[1]), version: m[2] }
    } catch (e) {
      if (!isAppError(e) || e.code !== 'NOT_FOUND') throw e
    }
  }
  return { found: await getRegisteredModel(store, text), version: null }
}

async function modelPlan(store: StoreHandle, text: string): Promise<ExportPlan> {
  const { found, version } = await findModel(store, text)
  const all = [...found.model_versions].sort((a, b) => Number(a.version) - Number(b.version))
  const versions = version === null ? all : all.filter((v) => v.version === version)
  if (versions.length === 0) {
    throw new AppError(
      'NOT_FOUND',
      `Registered model '${found.registered_model.name}' has no version ${version} in ${store.where} (versions: ${all.map((v) => v.version).join(', ') || 'none'}).`,
      { field: 'model' },
    )
  }
  const runs = new Map<string, Run>()
  const exported: Array<Record<string, unknown>> = []
  const failed: Array<{ version: string; run_id: string | null; reason: string }> = []
  const experimentNames = new Map<string, string>()
  for (const v of versions) {
    try {
      if (!v.run_id) throw new AppError('NOT_FOUND', 'the version has no source run')
      const run = runs.get(v.run_id) ?? (await getRun(store, v.run_id))
      runs.set(v.run_id, run)
      if (!experimentNames.has(run.info.experiment_id)) experimentNames.set(run.info.experiment_id, (await experimentOf(store, run.info.experiment_id)).name)
      exported.push(versionDocument(v, run, experimentNames.get(run.info.experiment_id)!))
    } catch (e) {
      if (!isAppError(e) || e.code !== 'NOT_FOUND') throw e
      failed.push({ version: v.version, run_id: v.run_id, reason: e.message })
    }
  }
  const planned = [...runs.values()].map((run) => ({ run, dir: run.info.run_id }))
  const doc = modelDocument(found.registered_model, exported, failed)
  return { layout: 'model', runs: planned, documents: [{ path: 'model.json', ...doc }, ...(await runDocuments(store, planned))], ...NO_GENAI }
}

/**
 * Read everything the export writes as JSON, and which runs' artifacts it downloads where. What to
 * export: runs by id, an experiment's active runs (with its traces, logged models and evaluation
 * datasets), a registered model ("NAME" or "NAME/VERSION") with its versions' source runs, or traces.
 */
export async function planExport(store: StoreHandle, selection: ExportSelection): Promise<ExportPlan> {
  if (selection.kind === 'runs') return planRuns(store, selection.run_ids)
  if (selection.kind === 'experiment') return experimentPlan(store, selection.experiment_id)
  if (selection.kind === 'traces') return tracesPlan(store, selection.trace_ids)
  if (selection.kind === 'trace_search') return traceSearchPlan(store, selection.experiment_id, selection.filter)
  return modelPlan(store, selection.model)
}
