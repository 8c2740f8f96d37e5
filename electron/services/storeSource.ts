import type { ConnectionSummary } from '@shared/api/contract'
import type { SecretName } from '@shared/api/profileSchemas'
import type { ArtifactMapping, ProfileSettings, ProfileView } from '@shared/domain/profiles'
import { artifactAccess, type ArtifactAccess } from './artifacts/artifactAccess'
import type { ConnectionTarget } from './connections/connectionUrl'
import type { StoreOptions } from './connections/storeConnection'

/** How to (re)open one profile's store. */
export interface StoreSource {
  id: string
  summary: ConnectionSummary
  resolve(): Promise<ConnectionTarget>
  options?: StoreOptions
  /** Server-side artifact prefixes -> where this machine sees them (profile's, plus --artifact-map). */
  artifactMappings?: ArtifactMapping[]
  /** The profile's artifact store settings (null: MLflow's environment variables only). */
  artifactSettings?: ProfileSettings['artifact_store']
  /** Its artifact store secrets, opened only when a store is read. */
  artifactSecrets?: () => Promise<Partial<Record<SecretName, string>>>
}

/** How a source's artifact stores are read: its settings, secrets and mappings, MLflow's environment variables as defaults. */
export async function sourceArtifactAccess(source: StoreSource, env: NodeJS.ProcessEnv = process.env): Promise<ArtifactAccess> {
  return artifactAccess({ settings: source.artifactSettings, secrets: await source.artifactSecrets?.(), env, mappings: source.artifactMappings })
}

/** Profiles that are not in the profiles file: the demo, MLFLOW_TRACKING_URI, `--url`. */
export interface ExtraProfile {
  view: ProfileView
  source: StoreSource
  dispose?(): Promise<void>
}
