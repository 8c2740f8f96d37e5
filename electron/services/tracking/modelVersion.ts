import { AppError } from '@shared/api/errors'
import type { KeyValue, ModelVersion, RegisteredModelAlias } from '@shared/domain/mlflow'
import type { ModelVersionResponse } from '@shared/domain/models'
import type { StoreHandle } from '../connections/storeConnection'
import { liveVersion, modelAliasesJson, modelVersionJson, tagsJson } from './registry'
import { getRun } from './runs'

/** One live model version's row as the version page and the file reader need it. */
export interface VersionRow {
  version: ModelVersion
  storage_location: string | null
  model_description: string | null
  model_aliases: RegisteredModelAlias[]
  model_tags: KeyValue[]
  siblings: string[]
}

const versionNotFound = (store: StoreHandle, name: string, version: number, why = '') =>
  new AppError('NOT_FOUND', `Model version '${name}' version ${version} not found in ${store.where}${why}.`)
const NO_REGISTRY = ' (this store has no model registry: it was written by MLflow before 1.4)'

/** get_model_version, plus what of its registered model the version page shows (one statement). NOT_FOUND names model and version. */
export async function modelVersionRow(store: StoreHandle, name: string, version: number): Promise<VersionRow> {
  const can = store.capabilities
  if (!can.modelRegistry) throw versionNotFound(store, name, version, NO_REGISTRY)
  const [row] = await store.select<VersionRow>(
    `SELECT ${modelVersionJson(can)} AS version,
            ${can.modelVersionStorage ? 'v.storage_location' : 'NULL'} AS storage_location,
            m.description AS model_description, ${modelAliasesJson(can)} AS model_aliases,
            ${tagsJson(can.registeredModelTags, 'registered_model_tags', 't.name = m.name')} AS model_tags,
            COALESCE((SELECT json_agg(x.version::text ORDER BY x.version DESC) FROM model_versions x
                       WHERE x.name = m.name AND ${liveVersion('x')}), '[]'::json) AS siblings
       FROM model_versions v JOIN registered_models m ON m.name = v.name
      WHERE v.name = $1 AND v.version = $2 AND ${liveVersion()}`,
    [name, version],
  )
  if (!row) throw versionNotFound(store, name, version)
  return row
}

/** Where a live version's files come from (its source, storage location and run): all that finding them needs, without the page's JSON. */
export async function versionSource(
  store: StoreHandle,
  name: string,
  version: number,
): Promise<{ source: string | null; storage_location: string | null; run_id: string | null }> {
  const can = store.capabilities
  if (!can.modelRegistry) throw versionNotFound(store, name, version, NO_REGISTRY)
  const [row] = await store.select<{ source: string | null; storage_location: string | null; run_id: string | null }>(
    `SELECT v.source, ${can.modelVersionStorage ? 'v.storage_location' : 'NULL'} AS storage_location, v.run_id
       FROM model_versions v WHERE v.name = $1 AND v.version = $2 AND ${liveVersion()}`,
    [name, version],
  )
  if (!row) throw versionNotFound(store, name, version)
  return row
}

/** models:version — the version, its model's aliases and tags, and its source run (null when it has none or the run is gone). */
export async function getModelVersion(store: StoreHandle, name: string, version: number): Promise<ModelVersionResponse> {
  const row = await modelVersionRow(store, name, version)
  const runId = row.version.run_id
  const run = runId
    ? await getRun(store, runId).catch((e: unknown) => {
        if (e instanceof AppError && e.code === 'NOT_FOUND') return null
        throw e
      })
    : null
  return {
    model_version: row.version,
    storage_location: row.storage_location,
    model_aliases: row.model_aliases,
    model_tags: row.model_tags,
    model_description: row.model_description,
    sibling_versions: row.siblings,
    run,
  }
}
