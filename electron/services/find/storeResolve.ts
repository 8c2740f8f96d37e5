import { AppError } from '@shared/api/errors'
import type { FindHit } from '@shared/domain/find'
import { INT4_MAX } from '@shared/domain/mlflow'
import type { FindRef } from '@shared/find/findRef'
import type { StoreHandle } from '../connections/storeConnection'
import { liveVersion } from '../tracking/registry'
import { isPromptSql } from '../prompts/promptSql'
import {
  EXACT_SCORE,
  experimentHit,
  loggedModelHit,
  modelHit,
  promptVersionHit,
  runHit,
  runRowSql,
  traceHit,
  versionHit,
  type ExperimentRow,
  type LoggedModelRow,
  type ModelRow,
  type RunRow,
  type TraceRow,
  type VersionRow,
} from './findHits'
import { runNameSql } from '../tracking/runNameSql'

/**
 * Exact lookups of what an id or URI names, each by primary key (or a unique key): one
 * indexed read, whatever the store's size. What the store's schema lacks is said as such.
 */

/** MLflow's registry stages (model_registry ALL_STAGES); a stage in a URI matches them in any case. */
const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const

function notFound(store: StoreHandle, what: string, why = ''): AppError {
  return new AppError('NOT_FOUND', `${what} not found in ${store.where}${why}.`)
}

export async function runById(store: StoreHandle, runId: string): Promise<RunRow | null> {
  const [row] = await store.select<RunRow>(
    `SELECT ${runRowSql(store.capabilities)} FROM runs r LEFT JOIN experiments e ON e.experiment_id = r.experiment_id WHERE r.run_uuid = $1`,
    [runId],
  )
  return row ?? null
}

export async function experimentById(store: StoreHandle, id: string): Promise<ExperimentRow | null> {
  // An integer column: a longer id names no experiment (and would be PostgreSQL's out-of-range error).
  if (Number(id) > INT4_MAX) return null
  const [row] = await store.select<ExperimentRow>(
    `SELECT experiment_id::text AS experiment_id, name, lifecycle_stage FROM experiments WHERE experiment_id = $1::int`,
    [id],
  )
  return row ?? null
}

const VERSION_COLUMNS = (can: StoreHandle['capabilities']) =>
  `v.name, v.version, v.current_stage, v.run_id, ${
    can.modelAliases
      ? `COALESCE((SELECT array_agg(a.alias ORDER BY a.alias) FROM registered_model_aliases a WHERE a.name = v.name AND a.version = v.version), '{}')`
      : `'{}'::text[]`
  } AS aliases`

async function versionRow(store: StoreHandle, name: string, version: number): Promise<VersionRow | null> {
  if (version > INT4_MAX) return null
  const [row] = await store.select<VersionRow>(
    `SELECT ${VERSION_COLUMNS(store.capabilities)} FROM model_versions v WHERE v.name = $1 AND v.version = $2 AND ${liveVersion()}`,
    [name, version],
  )
  return row ?? null
}

/** models:/<name>/<version|stage|latest> and models:/<name>@<alias>, to the version MLflow would load. */
async function modelUriVersion(store: StoreHandle, ref: Extract<FindRef, { kind: 'model_uri' }>): Promise<VersionRow> {
  const uri = `models:/${ref.name}${ref.alias ? `@${ref.alias}` : `/${ref.version ?? ref.stage ?? 'latest'}`}`
  if (!store.capabilities.modelRegistry) throw notFound(store, `Model '${uri}'`, ' (this store has no model registry: it was written by MLflow before 1.4)')
  if (!(await modelByName(store, ref.name))) throw notFound(store, `Registered model '${ref.name}' (of ${uri})`)
  let version: number | null
  if (ref.version !== null) version = Number(ref.version)
  else if (ref.alias !== null) {
    if (!store.capabilities.modelAliases)
      throw notFound(store, `Alias '${ref.alias}' of model '${ref.name}'`, ' (this store has no model aliases: MLflow before 2.3)')
    const [row] = await store.select<{ version: number }>(`SELECT version FROM registered_model_aliases WHERE name = $1 AND alias = $2`, [ref.name, ref.alias])
    if (!row) throw notFound(store, `Alias '${ref.alias}' of model '${ref.name}'`)
    version = row.version
  } else {
    // get_latest_versions: per stage the highest live version; a stage given is matched in any case, "latest" takes them all.
    const stage = ref.stage === null ? null : STAGES.find((s) => s.toLowerCase() === ref.stage!.toLowerCase())
    if (stage === undefined) {
      throw new AppError(
        'BAD_REQUEST',
        `'${ref.stage}' in ${uri} is not a model version stage: give a version number, latest, or one of ${STAGES.join(', ')}.`,
        {
          field: 'text',
        },
      )
    }
    const [row] = await store.select<{ version: number | null }>(
      `SELECT max(v.version) AS version FROM model_versions v WHERE v.name = $1 AND v.current_stage = ANY($2::text[])`,
      [ref.name, stage === null ? [...STAGES] : [stage]],
    )
    version = row?.version ?? null
    if (version === null) throw notFound(store, `A version of model '${ref.name}'${stage ? ` in stage ${stage}` : ''}`)
  }
  const row = await versionRow(store, ref.name, version)
  if (!row) throw notFound(store, `Version ${version} of model '${ref.name}'`)
  return row
}

async function modelByName(store: StoreHandle, name: string): Promise<ModelRow | null> {
  if (!store.capabilities.modelRegistry) return null
  const [row] = await store.select<ModelRow>(
    `SELECT m.name, m.description, (SELECT count(*)::int FROM model_versions v WHERE v.name = m.name AND ${liveVersion()}) AS versions,
            ${isPromptSql(store.capabilities, 'm')} AS prompt
       FROM registered_models m WHERE m.name = $1`,
    [name],
  )
  return row ?? null
}

async function loggedModelById(store: StoreHandle, modelId: string): Promise<LoggedModelRow | null> {
  if (!store.capabilities.loggedModels) return null
  const [row] = await store.select<LoggedModelRow>(
    `SELECT lm.model_id, lm.name, lm.experiment_id::text AS experiment_id, e.name AS experiment_name, lm.lifecycle_stage,
            (SELECT r.run_uuid FROM runs r WHERE r.run_uuid = lm.source_run_id) AS run_id
       FROM logged_models lm LEFT JOIN experiments e ON e.experiment_id = lm.experiment_id WHERE lm.model_id = $1`,
    [modelId],
  )
  return row ?? null
}

/** A trace by its request_id (tr-… in MLflow 3, 32 hex in 2.x), with the run it was made in when that run is here. */
export async function traceById(store: StoreHandle, traceId: string): Promise<TraceRow | null> {
  if (!store.capabilities.traces) return null
  const [row] = await store.select<TraceRow>(
    `SELECT t.request_id AS trace_id, t.experiment_id::text AS experiment_id, e.name AS experiment_name, t.status,
            (SELECT g.value FROM trace_tags g WHERE g.request_id = t.request_id AND g.key = 'mlflow.traceName') AS trace_name,
            r.run_uuid AS run_id, ${runNameSql(store.capabilities)} AS run_name
       FROM trace_info t
       LEFT JOIN experiments e ON e.experiment_id = t.experiment_id
       LEFT JOIN trace_request_metadata m ON m.request_id = t.request_id AND m.key = 'mlflow.sourceRun'
       LEFT JOIN runs r ON r.run_uuid = m.value
      WHERE t.request_id = $1`,
    [traceId],
  )
  return row ?? null
}

/** The thing a reference names, or NOT_FOUND naming it and the store (and why, when the store cannot have it). */
export async function resolveRef(store: StoreHandle, ref: FindRef): Promise<FindHit> {
  switch (ref.kind) {
    case 'run': {
      const run = await runById(store, ref.run_id)
      if (run) return runHit(run, EXACT_SCORE, { artifact: ref.artifact_path })
      // MLflow 2.x trace ids are 32 hex characters too.
      const trace = ref.artifact_path ? null : await traceById(store, ref.run_id)
      if (trace) return traceHit(trace, EXACT_SCORE)
      throw notFound(store, `Run '${ref.run_id}'`)
    }
    case 'model_uri':
      return versionHit(await modelUriVersion(store, ref), EXACT_SCORE)
    case 'prompt_uri': {
      // A prompt is a registered model tagged as one: its versions and aliases are the registry's.
      const prompt = await modelByName(store, ref.name)
      if (!prompt?.prompt) throw notFound(store, `Prompt '${ref.name}'`, store.capabilities.modelRegistry ? '' : ' (this store has no model registry)')
      if (ref.version === null && ref.alias === null) return modelHit(prompt, EXACT_SCORE)
      const alias = ref.alias?.toLowerCase() === 'latest' ? null : ref.alias
      return promptVersionHit(await modelUriVersion(store, { kind: 'model_uri', name: ref.name, version: ref.version, stage: null, alias }), EXACT_SCORE)
    }
    case 'model': {
      if (ref.version !== null) return versionHit(await modelUriVersion(store, { ...ref, kind: 'model_uri', stage: null, alias: null }), EXACT_SCORE)
      const model = await modelByName(store, ref.name)
      if (!model) throw notFound(store, `Registered model '${ref.name}'`, store.capabilities.modelRegistry ? '' : ' (this store has no model registry)')
      return modelHit(model, EXACT_SCORE)
    }
    case 'logged_model': {
      const model = await loggedModelById(store, ref.model_id)
      if (!model)
        throw notFound(store, `Logged model '${ref.model_id}'`, store.capabilities.loggedModels ? '' : ' (this store has no logged models: MLflow before 3.0)')
      return loggedModelHit(model, EXACT_SCORE)
    }
    case 'trace': {
      const trace = await traceById(store, ref.trace_id)
      if (!trace) throw notFound(store, `Trace '${ref.trace_id}'`, store.capabilities.traces ? '' : ' (this store has no traces: MLflow before 2.13)')
      return traceHit(trace, EXACT_SCORE)
    }
    case 'experiment': {
      const experiment = await experimentById(store, ref.experiment_id)
      if (!experiment) throw notFound(store, `Experiment ${ref.experiment_id}`)
      return experimentHit(experiment, EXACT_SCORE)
    }
  }
}

/**
 * What a text that is no id or URI names exactly: an experiment by id or name, a registered model
 * by name, runs by name (any experiment). Best first: experiments, models, then live runs, newest first.
 */
export async function resolveName(store: StoreHandle, text: string, maxRuns: number): Promise<FindHit[]> {
  const hits: FindHit[] = []
  if (/^\d{1,9}$/.test(text)) {
    const byId = await experimentById(store, text)
    if (byId) hits.push(experimentHit(byId, EXACT_SCORE + 3))
  }
  const [byName] = await store.select<ExperimentRow>(`SELECT experiment_id::text AS experiment_id, name, lifecycle_stage FROM experiments WHERE name = $1`, [
    text,
  ])
  if (byName) hits.push(experimentHit(byName, EXACT_SCORE + 2))
  const model = await modelByName(store, text)
  if (model) hits.push(modelHit(model, EXACT_SCORE + 1))
  const can = store.capabilities
  // Where MLflow's UI finds the name: the column, else the tag (looked up by its key only for runs without one).
  const runs = await store.select<RunRow>(
    `SELECT ${runRowSql(can)} FROM runs r LEFT JOIN experiments e ON e.experiment_id = r.experiment_id
      WHERE ${runNameSql(can)} = $1
      ORDER BY (r.lifecycle_stage = 'deleted'), r.start_time DESC NULLS LAST, r.run_uuid LIMIT $2`,
    [text, maxRuns],
  )
  runs.forEach((r, i) => hits.push(runHit(r, EXACT_SCORE - (r.lifecycle_stage === 'deleted' ? 150 : 0) - i)))
  return hits
}
