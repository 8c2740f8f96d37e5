import type { FindHit } from '@shared/domain/find'
import { bestScore, hitScore } from '@shared/find/findRank'
import { experimentRoute, modelRoute, modelVersionRoute, promptRoute, runRoute, traceRoute } from '@shared/find/findRoutes'
import type { StoreCapabilities } from '../mlflowSchema/capabilities'
import { runNameSql } from '../tracking/runNameSql'

/**
 * The store's things as "find anything" hits: the SQL that reads each kind's row, and the
 * hit made of it. The searches (storeSearch.ts) and the exact lookups (storeResolve.ts) share them.
 */

/** A hit from an exact id or URI: above every match by name. */
export const EXACT_SCORE = 2000

export interface RunRow {
  run_id: string
  run_name: string | null
  experiment_id: string
  experiment_name: string | null
  status: string | null
  lifecycle_stage: string | null
}

/** RunRow's columns from runs alias `r` (joined to experiments `e`). */
export function runRowSql(can: StoreCapabilities): string {
  return `r.run_uuid AS run_id, ${runNameSql(can)} AS run_name, r.experiment_id::text AS experiment_id,
          e.name AS experiment_name, r.status, r.lifecycle_stage`
}

export function runHit(row: RunRow, score: number, opts: { artifact?: string } = {}): FindHit {
  const deleted = row.lifecycle_stage === 'deleted'
  const where = row.experiment_name ?? `experiment ${row.experiment_id}`
  return {
    kind: 'run',
    id: row.run_id,
    title: row.run_name || row.run_id,
    detail: [where, row.status?.toLowerCase(), deleted ? 'deleted' : null].filter(Boolean).join(' · '),
    route: runRoute(row.run_id, 'overview', opts.artifact ?? ''),
    note: opts.artifact ? `Opens the run's artifacts at ${opts.artifact}.` : null,
    experiment_id: row.experiment_id,
    deleted,
    score,
  }
}

/** A run's score for a text: by its name or its id, whichever matches better. */
export function runScore(text: string, row: RunRow): number | null {
  const match = bestScore(text, [row.run_name, row.run_id])
  return match === null ? null : hitScore(match, 'run', row.lifecycle_stage === 'deleted')
}

export interface ExperimentRow {
  experiment_id: string
  name: string
  lifecycle_stage: string | null
}

export function experimentHit(row: ExperimentRow, score: number): FindHit {
  const deleted = row.lifecycle_stage === 'deleted'
  return {
    kind: 'experiment',
    id: row.experiment_id,
    title: row.name,
    detail: `Experiment ${row.experiment_id}${deleted ? ' · deleted' : ''}`,
    route: experimentRoute(row.experiment_id),
    note: null,
    experiment_id: row.experiment_id,
    deleted,
    score,
  }
}

export interface ModelRow {
  name: string
  description: string | null
  versions: number
  /** Tagged mlflow.prompt.is_prompt: a prompt of the prompt registry. */
  prompt: boolean
}

/** A registered model, or a prompt (MLflow keeps prompts as registered models): each opens on its own page. */
export function modelHit(row: ModelRow, score: number): FindHit {
  return {
    kind: row.prompt ? 'prompt' : 'model',
    id: row.name,
    title: row.name,
    detail: `${row.prompt ? 'Prompt' : 'Registered model'} · ${row.versions} version${row.versions === 1 ? '' : 's'}`,
    route: row.prompt ? promptRoute(row.name) : modelRoute(row.name),
    note: null,
    experiment_id: null,
    deleted: false,
    score,
  }
}

export interface VersionRow {
  name: string
  version: number
  current_stage: string | null
  aliases: string[]
  run_id: string | null
}

/** A model version opens its own page. */
export function versionHit(row: VersionRow, score: number): FindHit {
  const stage = row.current_stage && row.current_stage !== 'None' ? row.current_stage : null
  return {
    kind: 'model_version',
    id: `${row.name}/${row.version}`,
    title: `${row.name} v${row.version}`,
    detail: ['Model version', stage, ...row.aliases.map((a) => `@${a}`)].filter(Boolean).join(' · '),
    route: modelVersionRoute(row.name, row.version),
    note: null,
    experiment_id: null,
    deleted: false,
    score,
  }
}

/** A prompt version (prompts:/<name>/<version> or @<alias>) opens its prompt's page on that version. */
export function promptVersionHit(row: VersionRow, score: number): FindHit {
  return {
    kind: 'prompt',
    id: `${row.name}/${row.version}`,
    title: `${row.name} v${row.version}`,
    detail: ['Prompt version', ...row.aliases.map((a) => `@${a}`)].join(' · '),
    route: promptRoute(row.name, row.version),
    note: null,
    experiment_id: null,
    deleted: false,
    score,
  }
}

export interface LoggedModelRow {
  model_id: string
  name: string
  experiment_id: string
  experiment_name: string | null
  /** The run that logged it, when that run is in the store. */
  run_id: string | null
  lifecycle_stage: string | null
}

/** A logged model opens its own page (/logged-models/<id>). */
export function loggedModelHit(row: LoggedModelRow, score: number): FindHit {
  const deleted = row.lifecycle_stage === 'deleted'
  return {
    kind: 'logged_model',
    id: row.model_id,
    title: row.name,
    detail: [`Logged model ${row.model_id}`, row.experiment_name, deleted ? 'deleted' : null].filter(Boolean).join(' · '),
    route: `/logged-models/${encodeURIComponent(row.model_id)}`,
    note: null,
    experiment_id: row.experiment_id,
    deleted,
    score,
  }
}

export interface TraceRow {
  trace_id: string
  experiment_id: string
  experiment_name: string | null
  status: string | null
  trace_name: string | null
  /** The run it was made in (request metadata mlflow.sourceRun), when that run is in the store. */
  run_id: string | null
  run_name: string | null
}

/** A trace opens on its own page (/traces/<id>). */
export function traceHit(row: TraceRow, score: number): FindHit {
  return {
    kind: 'trace',
    id: row.trace_id,
    title: row.trace_name ? `${row.trace_name} (${row.trace_id})` : row.trace_id,
    detail: ['Trace', row.status, row.experiment_name ?? `experiment ${row.experiment_id}`].filter(Boolean).join(' · '),
    route: traceRoute(row.trace_id),
    note: null,
    experiment_id: row.experiment_id,
    deleted: false,
    score,
  }
}
