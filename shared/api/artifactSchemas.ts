import { z } from 'zod'

/**
 * A profile's artifact store settings: where and how to read the files MLflow recorded only
 * the locations of. Every field is optional; MLflow's own environment variables fill what is
 * not set (MLFLOW_S3_ENDPOINT_URL, AWS_*, AZURE_STORAGE_*, GOOGLE_APPLICATION_CREDENTIALS,
 * MLFLOW_TRACKING_URI/USERNAME/PASSWORD/TOKEN). Secrets are not here: see ARTIFACT_SECRET_NAMES.
 */
const text = (max: number) => z.string().trim().max(max)
const opt = (max: number) => text(max).min(1).nullable().default(null)

export const s3SettingsSchema = z.object({
  /** A custom endpoint (MinIO, Ceph, ...); MLFLOW_S3_ENDPOINT_URL when null. */
  endpoint_url: opt(2000),
  region: opt(64),
  /** The access key id (an identifier; its secret is the s3_secret_access_key secret). AWS_ACCESS_KEY_ID when null. */
  access_key_id: opt(256),
  /** A named profile of ~/.aws/config and credentials (AWS_PROFILE when null). */
  aws_profile: opt(128),
  /** Path-style addressing (bucket in the path), as MinIO needs; on whenever endpoint_url is set unless false. */
  force_path_style: z.boolean().nullable().default(null),
  /** Skip TLS verification of the endpoint (MLFLOW_S3_IGNORE_TLS). */
  ignore_tls: z.boolean().default(false),
})

export const azureSettingsSchema = z.object({
  /** connection_string / account_key / sas: the azure_credential secret holds it; default: AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCESS_KEY. */
  auth: z.enum(['default', 'connection_string', 'account_key', 'sas']).default('default'),
  /** Blob endpoint override (an emulator, a sovereign cloud): e.g. http://127.0.0.1:10000/devstoreaccount1. */
  blob_endpoint: opt(2000),
})

export const gcsSettingsSchema = z.object({
  /** A service-account JSON key file; GOOGLE_APPLICATION_CREDENTIALS when null (or the gcs_credentials_json secret). */
  credentials_path: opt(4096),
  project_id: opt(255),
  /** API endpoint override (an emulator). */
  api_endpoint: opt(2000),
})

export const httpSettingsSchema = z.object({
  /** The MLflow tracking server whose artifact proxy serves mlflow-artifacts:/ locations; MLFLOW_TRACKING_URI when null. */
  tracking_uri: opt(2000),
  /** basic: username + the http_credential secret as password; bearer: the secret as token. */
  auth: z.enum(['none', 'basic', 'bearer']).default('none'),
  username: opt(255),
  ignore_tls: z.boolean().default(false),
})

export const sftpSettingsSchema = z.object({
  /** Overrides the user in sftp://user@host/ locations. */
  username: opt(255),
  auth: z.enum(['password', 'key', 'agent']).default('key'),
  key_path: opt(4096),
  /** OpenSSH-style SHA256 fingerprint pinned on first contact; a different key is refused. */
  host_fingerprint: z
    .string()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must look like SHA256:… (43 base64 characters)')
    .nullable()
    .default(null),
})

export const artifactStoreSchema = z.object({
  s3: s3SettingsSchema.default({ endpoint_url: null, region: null, access_key_id: null, aws_profile: null, force_path_style: null, ignore_tls: false }),
  azure: azureSettingsSchema.default({ auth: 'default', blob_endpoint: null }),
  gcs: gcsSettingsSchema.default({ credentials_path: null, project_id: null, api_endpoint: null }),
  http: httpSettingsSchema.default({ tracking_uri: null, auth: 'none', username: null, ignore_tls: false }),
  sftp: sftpSettingsSchema.default({ username: null, auth: 'key', key_path: null, host_fingerprint: null }),
})

/** The artifact stores' secrets, sealed like the database password; the renderer only learns whether each is set. */
export const ARTIFACT_SECRET_NAMES = [
  's3_secret_access_key',
  's3_session_token',
  /** Azure: the connection string, account key or SAS token (per azure.auth). */
  'azure_credential',
  /** GCS: a service-account JSON key pasted instead of a file path. */
  'gcs_credentials_json',
  /** mlflow-artifacts / http(s): the basic-auth password or the bearer token. */
  'http_credential',
  'sftp_password',
  'sftp_passphrase',
] as const
