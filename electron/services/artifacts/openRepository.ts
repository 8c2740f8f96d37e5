import { AppError } from '@shared/api/errors'
import { mappedPath, type ArtifactAccess } from './artifactAccess'
import type { ArtifactRepository } from './artifactRepository'
import { openLocalRepository } from './localRepository'

type Opener = (uri: string, access: ArtifactAccess) => Promise<ArtifactRepository>

/**
 * Which repository reads which scheme. The cloud SDKs load only when a location needs them,
 * so starting the app or the CLI never pays for them.
 */
const OPENERS: Record<string, Opener> = {
  file: async (uri) => openLocalRepository(uri),
  s3: async (uri, access) => (await import('./s3Repository')).openS3Repository(uri, access),
  wasbs: async (uri, access) => (await import('./azureRepository')).openAzureRepository(uri, access),
  abfss: async (uri, access) => (await import('./azureRepository')).openAzureRepository(uri, access),
  gs: async (uri, access) => (await import('./gcsRepository')).openGcsRepository(uri, access),
  'mlflow-artifacts': async (uri, access) => (await import('./httpRepository')).openHttpRepository(uri, access),
  http: async (uri, access) => (await import('./httpRepository')).openHttpRepository(uri, access),
  https: async (uri, access) => (await import('./httpRepository')).openHttpRepository(uri, access),
  sftp: async (uri, access) => (await import('./sftpRepository')).openSftpRepository(uri, access),
}

export const ARTIFACT_SCHEMES = Object.keys(OPENERS)

/**
 * The repository for an artifact location (a run's artifact_uri, or below it). A profile's
 * prefix mapping wins over the scheme (a server path mounted here); a plain path is a local folder.
 */
export async function openArtifactRepository(uri: string, access: ArtifactAccess): Promise<ArtifactRepository> {
  const mapped = mappedPath(uri, access.mappings)
  if (mapped !== null) return openLocalRepository(mapped)
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase()
  // A Windows drive path (C:\mlruns, C:/mlruns) is a local folder, not a one-letter scheme.
  if (!scheme || uri.startsWith('/') || /^[a-z]:[\\/]/i.test(uri)) return openLocalRepository(uri)
  const open = OPENERS[scheme]
  if (!open) {
    throw new AppError(
      'ARTIFACT_UNSUPPORTED',
      `Artifact location "${uri}" uses the scheme "${scheme}:", which MLflow Desk cannot read (it reads ${ARTIFACT_SCHEMES.map((s) => `${s}:`).join(', ')}). A prefix mapping in the profile can point it at a local folder.`,
    )
  }
  return open(uri, access)
}
