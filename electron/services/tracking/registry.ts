import { AppError } from '@shared/api/errors'
import type { ModelGetResponse, ModelsListRequest, ModelsListResponse } from '@shared/api/contract'
import type { ModelVersion, RegisteredModel } from '@shared/domain/mlflow'
import type { StoreHandle } from '../connections/storeConnection'
import type { StoreCapabilities } from '../mlflowSchema/capabilities'
import { type OrderKey } from './keyset'
import { modelNameConditions } from './modelNameFilter'
import { notPromptSql } from '../prompts/promptSql'
import { searchFingerprint } from './pageToken'
import { pageOf, resumeAt } from './keysetPage'

/**
 * The model registry in MLflow's REST shapes. Each entity is built as JSON by
 * PostgreSQL (tags, aliases and versions aggregated), so a page is one statement.
 * What an older store lacks (its capabilities say) reads as MLflow reads it: no tags
 * before 1.10, no run link before 1.11, no aliases before 2.3, no registry at all before 1.4.
 */

/** MLflow marks a deleted model version by this stage instead of removing the row. */
const STAGE_DELETED_INTERNAL = 'Deleted_Internal'

/** search_registered_models' default order, name ASC; names are unique, so it is a total order. */
const MODEL_ORDER: readonly OrderKey[] = [{ sql: 'rm.name', direction: 'ASC', nulls: 'LAST', cast: 'text', nullable: false }]

const emptyJsonArray = `'[]'::json`

/** A JSON array of {key, value} from a tags table (`t`), by key; [] where the store has no such table. */
export function tagsJson(present: boolean, table: string, where: string): string {
  if (!present) return emptyJsonArray
  return `COALESCE((SELECT json_agg(json_build_object('key', t.key, 'value', COALESCE(t.value, '')) ORDER BY t.key) FROM ${table} t WHERE ${where}), ${emptyJsonArray})`
}

/** SQL building one ModelVersion as JSON from model_versions alias `v`, keys in MLflow's REST (protobuf) order. */
export function modelVersionJson(can: StoreCapabilities, v = 'v'): string {
  const aliases = can.modelAliases
    ? `COALESCE((SELECT json_agg(a.alias ORDER BY a.alias) FROM registered_model_aliases a WHERE a.name = ${v}.name AND a.version = ${v}.version), ${emptyJsonArray})`
    : emptyJsonArray
  return `json_build_object(
    'name', ${v}.name, 'version', ${v}.version::text,
    'creation_timestamp', ${v}.creation_time, 'last_updated_timestamp', ${v}.last_updated_time,
    'user_id', ${v}.user_id, 'current_stage', ${v}.current_stage, 'description', ${v}.description,
    'source', ${v}.source, 'run_id', ${v}.run_id, 'status', ${v}.status, 'status_message', ${v}.status_message,
    'tags', ${tagsJson(can.modelVersionTags, 'model_version_tags', `t.name = ${v}.name AND t.version = ${v}.version`)},
    'run_link', ${can.modelVersionRunLink ? `${v}.run_link` : 'NULL'}, 'aliases', ${aliases})`
}

/** Versions that are not deleted (MLflow's stage test, NULL stages kept as MLflow keeps them). */
export function liveVersion(v = 'v'): string {
  return `${v}.current_stage IS DISTINCT FROM '${STAGE_DELETED_INTERNAL}'`
}

/**
 * One RegisteredModel as JSON from registered_models alias `m`. latest_versions
 * is MLflow's: per stage, the highest version (deleted ones never count), listed
 * by version.
 */
/** A registered model's (alias `m`) aliases as JSON [{alias, version}], by alias; [] before MLflow 2.3. */
export function modelAliasesJson(can: StoreCapabilities, m = 'm'): string {
  return can.modelAliases
    ? `COALESCE((SELECT json_agg(json_build_object('alias', a.alias, 'version', a.version::text) ORDER BY a.alias) FROM registered_model_aliases a WHERE a.name = ${m}.name), ${emptyJsonArray})`
    : emptyJsonArray
}

function registeredModelJson(can: StoreCapabilities): string {
  return `json_build_object(
    'name', m.name, 'creation_timestamp', m.creation_time, 'last_updated_timestamp', m.last_updated_time, 'description', m.description,
    'latest_versions', COALESCE((SELECT json_agg(${modelVersionJson(can)} ORDER BY v.version)
         FROM (SELECT DISTINCT ON (x.current_stage) x.* FROM model_versions x
                WHERE x.name = m.name AND ${liveVersion('x')} ORDER BY x.current_stage, x.version DESC) v), ${emptyJsonArray}),
    'tags', ${tagsJson(can.registeredModelTags, 'registered_model_tags', 't.name = m.name')},
    'aliases', ${modelAliasesJson(can)})`
}

/** search_registered_models: name-ordered pages, filtered by a name substring or MLflow's name clauses; prompts left out as MLflow leaves them. */
export async function listRegisteredModels(store: StoreHandle, req: ModelsListRequest): Promise<ModelsListResponse> {
  const bind: unknown[] = []
  // Parse first: a malformed filter is refused even on a store without a registry.
  const where = modelNameConditions(req.filter, 'rm.name', bind).map((c) => c.sql)
  const fingerprint = searchFingerprint({ models: req.filter ?? '' })
  const resumed = resumeAt(req.page_token, fingerprint, MODEL_ORDER, bind, where)
  if (!store.capabilities.modelRegistry) return { registered_models: [], next_page_token: null }
  // Prompts are registered models too; MLflow's search_registered_models leaves them out, and so does this list.
  where.push(notPromptSql(store.capabilities, 'rm'))
  const offset = resumed ? ` OFFSET ${resumed}` : ''
  const rows = await store.select<{ name: string; model: RegisteredModel }>(
    `WITH m AS (
       SELECT rm.name, rm.creation_time, rm.last_updated_time, rm.description FROM registered_models rm
        WHERE ${where.length ? where.join(' AND ') : 'TRUE'}
        ORDER BY rm.name ASC LIMIT ${req.max_results + 1}${offset})
     SELECT m.name, ${registeredModelJson(store.capabilities)} AS model FROM m ORDER BY m.name ASC`,
    bind,
  )
  const { page, next_page_token } = pageOf(rows, req.max_results, fingerprint, (r) => [r.name])
  return { registered_models: page.map((r) => r.model), next_page_token }
}

/** get_registered_model plus every live version, newest first. */
export async function getRegisteredModel(store: StoreHandle, name: string): Promise<ModelGetResponse> {
  const notFound = (why = '') => new AppError('NOT_FOUND', `Registered model '${name}' not found in ${store.where}${why}.`)
  if (!store.capabilities.modelRegistry) throw notFound(' (this store has no model registry: it was written by MLflow before 1.4)')
  const [row] = await store.select<{ model: RegisteredModel; versions: ModelVersion[] }>(
    `SELECT ${registeredModelJson(store.capabilities)} AS model,
            COALESCE((SELECT json_agg(${modelVersionJson(store.capabilities)} ORDER BY v.version DESC)
                        FROM model_versions v WHERE v.name = m.name AND ${liveVersion()}), ${emptyJsonArray}) AS versions
       FROM registered_models m WHERE m.name = $1`,
    [name],
  )
  if (!row) throw notFound()
  return { registered_model: row.model, model_versions: row.versions }
}
