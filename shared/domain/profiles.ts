import type { z } from 'zod'
import { AppError } from '../api/errors'
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

/** What the connected role could do beyond reading the store: the three levels the app shows. */
export type RoleAccessLevel = 'read-only' | 'can-write' | 'superuser'

/**
 * What the role a profile connects as can do, read from the server's catalog at
 * connect time. MLflow Desk never writes (every transaction is READ ONLY), but a
 * role that cannot write makes sure: "read-only role" is good, "can write" a
 * warning, "superuser" a strong one.
 */
export interface RoleAccess {
  /** current_user. */
  role: string
  level: RoleAccessLevel
  superuser: boolean
  /** Anything beyond reading: level !== 'read-only'. */
  can_write: boolean
  /** MLflow's tables (in the store's schema) the role may change. */
  tables: string[]
  /** The same, with which of INSERT, UPDATE, DELETE, TRUNCATE it has on each. */
  writable: Array<{ table: string; privileges: string[] }>
  /** Predefined roles reaching beyond the store it is a member of: pg_write_server_files, pg_read_server_files, pg_signal_backend, pg_execute_server_program. */
  server_roles: string[]
  /** CREATE on the store's schema (new tables, functions, ...). */
  create_in_schema: boolean
  /** CREATEROLE: can grant itself (or others) more. */
  createrole: boolean
  /** The store's schema. */
  schema: string
  /** Sessions of the role start read-only (default_transaction_read_only, as the recommended role sets). */
  default_read_only: boolean
  /** Why it is not read-only, in words, one per reason (empty when it is). */
  reasons: string[]
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
  /** What the role can do (read-only role, can write, superuser), and the SQL for a dedicated read-only role. */
  write_access: (RoleAccess & { read_only_role_sql: string }) | null
  /** SSH first contact: the host key to confirm before it is pinned. */
  ssh_host_fingerprint: string | null
}

/** user@host:port/database, never the password. */
export function describeTarget(t: {
  user: string
  host: string
  port: number
  database: string
  ssh?: { user: string; host: string; port: number } | null
}): string {
  return `${t.user}@${t.host}:${t.port}/${t.database}` + (t.ssh ? ` via ssh ${t.ssh.user}@${t.ssh.host}:${t.ssh.port}` : '')
}

/** The refusal for a profile asked for by a name (or id) no saved profile has, listing those there are. */
export function noSuchProfile(idOrName: string, names: string[]): AppError {
  return new AppError('NOT_FOUND', `No profile named "${idOrName}".${names.length ? ` Profiles: ${names.join(', ')}.` : ' No profiles are saved yet.'}`, {
    field: 'profile',
  })
}

/** The schemes of a PostgreSQL connection URI, as MLflow and libpq write them (`postgresql+psycopg2://` too). */
export const POSTGRES_URI_SCHEME = /^(postgres|postgresql)(\+[a-z0-9_]+)?:\/\//i
