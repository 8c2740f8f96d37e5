import { previewArtifact } from '../artifacts/artifactPreview'
import { artifactPath, type ArtifactRepository } from '../artifacts/artifactRepository'
import { runArtifactRoot } from '../tracking/runs'
import type { WindowSession } from '../workspace'
import type { HandlerGroup } from './handlers'

/** The run's artifact root as recorded, and the window's (cached) repository for it. */
async function runRepository(window: WindowSession, runId: string): Promise<{ root: string; repo: ArtifactRepository }> {
  const root = await runArtifactRoot(await window.store(), runId)
  return { root, repo: await window.artifactRepositories.get(root, () => window.artifactAccess()) }
}

/** Browsing a run's artifacts, in whatever store they live, for the calling window's profile. */
export function artifactHandlers(): HandlerGroup<'artifacts:list' | 'artifacts:preview'> {
  return {
    'artifacts:list': async (req, call) => {
      const path = artifactPath(req.path)
      const { root, repo } = await runRepository(call.window, req.run_id)
      return { root_uri: root, location: repo.describe, files: await repo.list(path) }
    },
    'artifacts:preview': async (req, call) => {
      const { repo } = await runRepository(call.window, req.run_id)
      return previewArtifact(repo, req.path, req.max_bytes)
    },
  }
}
