import { AppError } from '@shared/api/errors'
import type { ArtifactAccess } from './artifactAccess'
import type { ArtifactRepository } from './artifactRepository'

// Placeholder until this store's repository lands (issue #7, in progress): the location is named, nothing is read.
export async function openAzureRepository(uri: string, _access: ArtifactAccess): Promise<ArtifactRepository> {
  throw new AppError('ARTIFACT_UNSUPPORTED', `Reading "${uri}" is not built yet.`)
}
