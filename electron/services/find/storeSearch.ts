import type { FindHit, FindKind } from '@shared/domain/find'
import { bestScore, hitScore } from '@shared/find/findRank'
import type { StoreHandle } from '../connections/storeConnection'
import { liveVersion } from '../tracking/registry'
import { isPromptSql } from '../prompts/promptSql'
import {
  experimentHit,
  loggedModelHit,
  modelHit,
  runHit,
  runRowSql,
  runScore,
  type ExperimentRow,
  type LoggedModelRow,
  type ModelRow,
  type RunRow,
} from './findHits'
import { runNameSql } from '../tracking/runNameSql'

/**
 * The store's things whose name holds a text (ILIKE, words in order), or whose id starts with it.
 * Each kind is one bounded statement (LIMIT), ordered so the best candidates (exact, then prefix,
 * then newest) are the ones kept; the final ranking is findRank's. Run names are read from runs.name,
 * else the mlflow.runName tag: no search here touches metrics, params or latest_metrics.
 */

/** ILIKE's wildcards and escape taken literally; spaces between words match anything ("val loss" finds "val_loss"). */
export function likePattern(text: string): { contains: string; prefix: string } {
  const escaped = text
    .trim()
    .replace(/[\\%_]/g, (c) => `\\${c}`)
    .replace(/\s+/g, '%')
  return { contains: `%${escaped}%`, prefix: `${escaped}%` }
}

/** A hex run-id prefix long enough to mean one (shorter hex is as likely a word: "add", "bead"). */
const RUN_ID_PREFIX = /^[0-9a-f]{6,31}$/i

type Wanted = (kind: FindKind) => boolean

async function searchRuns(store: StoreHandle, text: string, limit: number): Promise<FindHit[]> {
  const can = store.capabilities
  const { contains, prefix } = likePattern(text)
  const bind: unknown[] = [contains, prefix, text, limit]
  const byId = RUN_ID_PREFIX.test(text.trim())
  if (byId) bind.push(text.trim().toLowerCase())
  // One pass over runs: the name column, and the mlflow.runName tag looked up (by its primary key)
  // only for runs whose column is empty, as MLflow <= 1.29 left them. Ranked in SQL only to keep
  // the best `limit`: exact, then prefix, then newest.
  const name = runNameSql(can)
  const rows = await store.select<RunRow>(
    `WITH named AS (
       (SELECT r.run_uuid FROM runs r WHERE ${name} ILIKE $1
         ORDER BY (lower(${name}) = lower($3)) DESC, (${name} ILIKE $2) DESC, r.start_time DESC NULLS LAST LIMIT $4)
       ${
         // A range on the primary key (hex sorts alike in every collation), checked exactly after.
         byId ? `UNION (SELECT run_uuid FROM runs WHERE run_uuid >= $5 AND run_uuid < $5 || 'g' AND left(run_uuid, length($5)) = $5 LIMIT $4)` : ''
       })
     SELECT ${runRowSql(can)} FROM named JOIN runs r ON r.run_uuid = named.run_uuid LEFT JOIN experiments e ON e.experiment_id = r.experiment_id`,
    bind,
  )
  return rows.flatMap((r) => {
    const score = runScore(text, r)
    return score === null ? [] : [runHit(r, score)]
  })
}

async function searchExperiments(store: StoreHandle, text: string, limit: number): Promise<FindHit[]> {
  const { contains, prefix } = likePattern(text)
  const rows = await store.select<ExperimentRow>(
    `SELECT experiment_id::text AS experiment_id, name, lifecycle_stage FROM experiments
      WHERE name ILIKE $1 OR experiment_id::text = $3
      ORDER BY (lower(name) = lower($3)) DESC, (name ILIKE $2) DESC, (lifecycle_stage = 'deleted'), name LIMIT $4`,
    [contains, prefix, text.trim(), limit],
  )
  return rows.flatMap((r) => {
    const match = r.experiment_id === text.trim() ? 1000 : bestScore(text, [r.name])
    return match === null ? [] : [experimentHit(r, hitScore(match, 'experiment', r.lifecycle_stage === 'deleted'))]
  })
}

/** Registered models and prompts (registered models tagged as prompts): one statement, each kind only when asked for. */
async function searchModels(store: StoreHandle, text: string, limit: number, kinds: { model: boolean; prompt: boolean }): Promise<FindHit[]> {
  if (!store.capabilities.modelRegistry) return []
  const { contains, prefix } = likePattern(text)
  const isPrompt = isPromptSql(store.capabilities, 'rm')
  const only = kinds.model && kinds.prompt ? '' : kinds.model ? ` AND NOT ${isPrompt}` : ` AND ${isPrompt}`
  const rows = await store.select<ModelRow>(
    `SELECT m.name, m.description, (SELECT count(*)::int FROM model_versions v WHERE v.name = m.name AND ${liveVersion()}) AS versions, m.prompt
       FROM (SELECT rm.name, rm.description, ${isPrompt} AS prompt FROM registered_models rm WHERE rm.name ILIKE $1${only}
              ORDER BY (lower(rm.name) = lower($3)) DESC, (rm.name ILIKE $2) DESC, rm.name LIMIT $4) m`,
    [contains, prefix, text.trim(), limit],
  )
  return rows.flatMap((r) => {
    const match = bestScore(text, [r.name])
    return match === null ? [] : [modelHit(r, hitScore(match, r.prompt ? 'prompt' : 'model', false))]
  })
}

async function searchLoggedModels(store: StoreHandle, text: string, limit: number): Promise<FindHit[]> {
  if (!store.capabilities.loggedModels) return []
  const { contains, prefix } = likePattern(text)
  const rows = await store.select<LoggedModelRow>(
    `SELECT lm.model_id, lm.name, lm.experiment_id::text AS experiment_id, e.name AS experiment_name, lm.lifecycle_stage,
            (SELECT r.run_uuid FROM runs r WHERE r.run_uuid = lm.source_run_id) AS run_id
       FROM (SELECT * FROM logged_models WHERE name ILIKE $1 OR model_id = lower($3)
              ORDER BY (lower(name) = lower($3)) DESC, (name ILIKE $2) DESC, creation_timestamp_ms DESC LIMIT $4) lm
       LEFT JOIN experiments e ON e.experiment_id = lm.experiment_id`,
    [contains, prefix, text.trim(), limit],
  )
  return rows.flatMap((r) => {
    const match = bestScore(text, [r.name, r.model_id])
    return match === null ? [] : [loggedModelHit(r, hitScore(match, 'logged_model', r.lifecycle_stage === 'deleted'))]
  })
}

/** Every kind asked for, searched one after another (a window's store pool is small; each statement is bounded). */
export async function searchStore(store: StoreHandle, text: string, limit: number, wanted: Wanted): Promise<FindHit[]> {
  const hits: FindHit[] = []
  if (wanted('experiment')) hits.push(...(await searchExperiments(store, text, limit)))
  if (wanted('model') || wanted('prompt')) hits.push(...(await searchModels(store, text, limit, { model: wanted('model'), prompt: wanted('prompt') })))
  if (wanted('run')) hits.push(...(await searchRuns(store, text, limit)))
  if (wanted('logged_model')) hits.push(...(await searchLoggedModels(store, text, limit)))
  return hits
}
