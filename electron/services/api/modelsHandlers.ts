import { readModelFiles } from '../models/modelFiles'
import { modelLocation } from '../models/modelLocation'
import { getModelVersion, versionSource } from '../tracking/modelVersion'
import { getRegisteredModel, listRegisteredModels } from '../tracking/registry'
import type { HandlerGroup } from './handlerTypes'

/** models:* — the model registry, in the calling window's store; a version's files in whatever artifact store holds them. */
export function modelsHandlers(): HandlerGroup<'models:list' | 'models:get' | 'models:version' | 'models:version-files'> {
  return {
    'models:list': async (req, call) => listRegisteredModels(await call.window.store(call.signal), req),
    'models:get': async (req, call) => getRegisteredModel(await call.window.store(call.signal), req.name),
    'models:version': async (req, call) => getModelVersion(await call.window.store(call.signal), req.name, req.version),
    'models:version-files': async (req, call) => {
      const store = await call.window.store(call.signal)
      const v = await versionSource(store, req.name, req.version)
      const where = await modelLocation(store, v.source, v.storage_location, v.run_id)
      const repo = await call.window.artifactRepositories.get(where.uri, () => call.window.artifactAccess())
      const files = await readModelFiles(repo, call.signal)
      return { location: where.uri, read_from: repo.describe, run_artifact: where.run_artifact, ...files }
    },
  }
}
