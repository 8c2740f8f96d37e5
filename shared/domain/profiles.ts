import type { z } from 'zod'
import type { ENVIRONMENTS, SSL_MODES, SecretName, profileSettingsSchema } from '../api/profileSchemas'

export type Environment = (typeof ENVIRONMENTS)[number]
export type SslMode = (typeof SSL_MODES)[number]
export type ProfileSettings = z.output<typeof profileSettingsSchema>
export type SshSettings = ProfileSettings['ssh']
export type SslSettings = ProfileSettings['ssl']
export type ArtifactMapping = ProfileSettings['artifact_mappings'][number]

/** What the renderer may know of a profile's secrets: whether each is set. Never the values. */
export type SecretStatus = Record<SecretName, boolean>

/** A profile as the renderer sees it. */
export interface ProfileView extends ProfileSettings {
  id: string
  /** built-in: the demo store; saved: in the profiles file; env: MLFLOW_TRACKING_URI; url: given with --url. */
  kind: 'built-in' | 'saved' | 'env' | 'url'
  secrets: SecretStatus
  created_at: number | null
  updated_at: number | null
}

/** The outcome of "Test connection". */
export interface ConnectionTestResult {
  ok: boolean
  /** When !ok: the typed error, as the UI shows it. */
  error: { code: string; message: string } | null
  server_version: string | null
  /** Median round trip of a trivial query, in ms. */
  latency_ms: number | null
  tls: boolean | null
  via_ssh: boolean
  mlflow: {
    is_store: boolean
    revision: string | null
    mlflow_versions: string | null
    known_revision: boolean
    experiments: number | null
    runs: number | null
    /** True when the run count is the planner's estimate (very large stores). */
    runs_estimated: boolean
  } | null
  /** The role could change the store: MLflow Desk never writes, but a read-only role makes sure. */
  write_access: { can_write: boolean; superuser: boolean; tables: string[]; read_only_role_sql: string } | null
  /** SSH first contact: the host key to confirm before it is pinned. */
  ssh_host_fingerprint: string | null
}
