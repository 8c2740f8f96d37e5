import { artifactStoreSchema } from '@shared/api/artifactSchemas'
import type { SecretName } from '@shared/api/profileSchemas'
import type { ArtifactMapping, ProfileSettings } from '@shared/domain/profiles'

export type ArtifactStoreSettings = NonNullable<ProfileSettings['artifact_store']>
export type ArtifactSecretName = Extract<SecretName, `${'s3' | 'azure' | 'gcs' | 'http' | 'sftp'}_${string}`>

/**
 * What opening an artifact store may use, for one profile: its settings (MLflow's environment
 * variables fill what is unset, each implementation knows its own), its opened secrets (main
 * process only), and where this machine sees server-side prefixes. Never sent anywhere.
 */
export interface ArtifactAccess {
  settings: ArtifactStoreSettings
  secret(name: ArtifactSecretName): string | undefined
  env: NodeJS.ProcessEnv
  /** Longest prefix first. */
  mappings: ArtifactMapping[]
}

export function artifactAccess(opts: {
  settings?: ProfileSettings['artifact_store'] | null
  secrets?: Partial<Record<SecretName, string>>
  env?: NodeJS.ProcessEnv
  mappings?: ArtifactMapping[]
}): ArtifactAccess {
  const secrets = opts.secrets ?? {}
  return {
    settings: opts.settings ?? artifactStoreSchema.parse({}),
    secret: (name) => secrets[name] || undefined,
    env: opts.env ?? process.env,
    mappings: [...(opts.mappings ?? [])].sort((a, b) => b.prefix.length - a.prefix.length),
  }
}

/** The local path an artifact location is mapped to by the profile (or --artifact-map), else null. */
export function mappedPath(uri: string, mappings: readonly ArtifactMapping[]): string | null {
  for (const m of mappings) {
    const prefix = m.prefix.replace(/\/+$/, '')
    if (uri === prefix || uri.startsWith(`${prefix}/`)) return m.path.replace(/\/+$/, '') + uri.slice(prefix.length)
  }
  return null
}
