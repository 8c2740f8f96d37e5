import type { ModelFilesResponse, ModelVersionResponse } from '@shared/domain/models'
import { api } from '@/api'
import { useLatestRequest } from './useLatestRequest'

/**
 * One registered model version as its page (or one side of a comparison) shows it: the
 * version and its source run from the store, and its MLmodel from the artifact store.
 * The two are asked at once and fail apart: a version whose files cannot be read still
 * shows its facts. Latest request wins; leaving the component aborts both.
 */
export function useModelVersion() {
  const version = useLatestRequest<ModelVersionResponse>()
  const files = useLatestRequest<ModelFilesResponse>()

  function load(name: string, v: string): void {
    // Another version: drop the one shown, so its facts never sit under the new title.
    const shown = version.data.value?.model_version
    if (shown && (shown.name !== name || shown.version !== v)) {
      version.reset()
      files.reset()
    }
    void version.run((signal) => api.call('models:version', { name, version: v }, { signal }))
    void files.run((signal) => api.call('models:version-files', { name, version: v }, { signal }))
  }

  return { version, files, load }
}

export type ModelVersionData = ReturnType<typeof useModelVersion>
