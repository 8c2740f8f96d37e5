import { AppError } from '@shared/api/errors'
import type { StoreHandle } from '../connections/storeConnection'
import { artifactPath, joinArtifactPath } from '../artifacts/artifactRepository'
import { versionSource } from '../tracking/modelVersion'
import { runArtifactRoot } from '../tracking/runs'

/** Where a model's files are: a URI an artifact repository opens, and the run artifact folder it is, when it is one. */
export interface ModelLocation {
  uri: string
  run_artifact: { run_id: string; path: string } | null
}

/** `models:/` sources point at another version (name/version, name@alias) at most this deep. */
const MAX_MODEL_HOPS = 3

/** runs:/<run_id>/<path> as MLflow parses it (mlflow.store.artifact.utils.models / runs_artifact_repo). */
function runsUri(uri: string): { runId: string; path: string } | null {
  const m = /^runs:\/+([^/]+)\/?(.*)$/.exec(uri)
  return m ? { runId: m[1], path: m[2] } : null
}

/** The run artifact folder a URI lies in, given the run's root (a source recorded as the run's own file URI). */
function underRoot(uri: string, root: string, runId: string): ModelLocation['run_artifact'] {
  const base = root.replace(/\/+$/, '')
  if (uri === base) return { run_id: runId, path: '' }
  return uri.startsWith(`${base}/`) ? { run_id: runId, path: uri.slice(base.length + 1).replace(/\/+$/, '') } : null
}

async function loggedModelLocation(store: StoreHandle, modelId: string): Promise<string> {
  if (!store.capabilities.loggedModels) throw new AppError('NOT_FOUND', `Logged model '${modelId}' not found: ${store.where} has no MLflow 3 logged models.`)
  const [row] = await store.select<{ artifact_location: string }>('SELECT artifact_location FROM logged_models WHERE model_id = $1', [modelId])
  if (!row) throw new AppError('NOT_FOUND', `Logged model '${modelId}' not found in ${store.where}.`)
  return row.artifact_location
}

async function resolve(store: StoreHandle, uri: string, runId: string | null, hops: number): Promise<ModelLocation> {
  const runs = runsUri(uri)
  if (runs) {
    const path = artifactPath(runs.path, 'source')
    return { uri: joinArtifactPath(await runArtifactRoot(store, runs.runId), path), run_artifact: { run_id: runs.runId, path } }
  }
  const models = /^models:\/+(.+?)\/*$/.exec(uri)?.[1]
  if (models !== undefined) {
    // MLflow 3: models:/m-<id> is a logged model; else models:/<name>/<version> (aliases and stages are not recorded facts here).
    if (/^m-[0-9a-f]{32}$/.test(models)) return resolve(store, await loggedModelLocation(store, models), runId, hops)
    const nv = /^(.+)\/(\d+)$/.exec(models)
    if (!nv || hops >= MAX_MODEL_HOPS)
      throw new AppError('NOT_FOUND', `The model source '${uri}' names no model version this app can follow (use models:/<name>/<version>).`)
    const target = await versionSource(store, nv[1], Number(nv[2]))
    return modelLocation(store, target.source, target.storage_location, target.run_id, hops + 1)
  }
  // A relative path is no location (MLflow's prompt registry records 'dummy-source'): read against this app's folder, it would read the wrong files.
  if (!/^[a-z][a-z0-9+.-]*:/i.test(uri) && !uri.startsWith('/')) {
    throw new AppError('NOT_FOUND', `The model source '${uri}' is a relative path, not a location: there are no files to read for it.`)
  }
  if (!runId) return { uri, run_artifact: null }
  const root = await runArtifactRoot(store, runId).catch(() => null)
  return { uri, run_artifact: root ? underRoot(uri, root, runId) : null }
}

/**
 * Where a registered model version's files are, as MLflow's get_model_version_download_uri
 * says: storage_location (where the registry copied them, MLflow 2.8+) else source.
 * A `runs:/` source is the run's artifact folder, `models:/m-…` an MLflow 3 logged
 * model's location, `models:/name/version` another version's; any other URI is read as it is.
 */
export async function modelLocation(store: StoreHandle, source: string | null, storage: string | null, runId: string | null, hops = 0): Promise<ModelLocation> {
  const uri = storage?.trim() || source?.trim()
  if (!uri) throw new AppError('NOT_FOUND', 'The model version records no source or storage location: there are no files to read.')
  return resolve(store, uri, runId, hops)
}
