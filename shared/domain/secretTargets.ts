import { artifactStoreSchema } from '../api/artifactSchemas'
import type { SecretName } from '../api/profileSchemas'
import type { ProfileSettings } from './profiles'

/**
 * Where each stored secret goes. A secret is bound to the target it was saved for
 * (the database password to host, port, database and user; an SSH secret to the SSH
 * host, port and user; an artifact store secret to its endpoint and account): when a
 * profile's target changes, its secrets are not reused, the user types them again.
 * Pure and dependency-free: main hashes the key into the sealed secret, the editor
 * compares keys to ask for a secret again before the server has to refuse it.
 */

/** A secret's name in words, for messages. */
export const SECRET_LABELS: Record<SecretName, string> = {
  password: 'database password',
  ssh_password: 'SSH password',
  ssh_passphrase: 'SSH key passphrase',
  s3_secret_access_key: 'S3 secret access key',
  s3_session_token: 'S3 session token',
  azure_credential: 'Azure credential',
  gcs_credentials_json: 'GCS service-account key',
  http_credential: 'MLflow server credential',
  sftp_password: 'SFTP password',
  sftp_passphrase: 'SFTP key passphrase',
}

/** The settings a target is read from: a profile's, or a draft's. */
type TargetSettings = Pick<ProfileSettings, 'host' | 'port' | 'database' | 'user' | 'ssh' | 'artifact_store' | 'password_source'> & {
  ssl?: Pick<ProfileSettings['ssl'], 'mode'>
}

export interface SecretTarget {
  /** Canonical: equal keys, same target. Never shown. */
  key: string
  /** The target in words, e.g. "analyst@db.example.com:5432/mlflow". */
  description: string
}

const host = (h: string) => h.trim().toLowerCase()

/**
 * How sure the connection is of the server it gives the password to. A password saved
 * with the certificate checked is not handed over once the check is turned off
 * (an on-path server could then ask for it in clear); within a class, any change is free.
 */
function tlsClass(mode: ProfileSettings['ssl']['mode'] | undefined): { key: string; text: string } {
  if (mode === 'verify-full' || mode === 'verify-ca') return { key: 'verified', text: "the server's certificate checked" }
  if (mode === 'require') return { key: 'encrypted', text: 'TLS required' }
  return { key: 'optional', text: '' }
}

function sshHop(s: TargetSettings): { key: unknown[]; text: string } | null {
  if (!s.ssh.enabled) return null
  return { key: [host(s.ssh.host), s.ssh.port, s.ssh.user], text: `${s.ssh.user}@${s.ssh.host}:${s.ssh.port}` }
}

/**
 * The target a secret of this name is sent to under these settings. The database
 * password's includes the SSH hop: behind another bastion, "db.internal" may be
 * another server.
 */
export function secretTarget(name: SecretName, s: TargetSettings): SecretTarget {
  const store = artifactStoreSchema.parse(s.artifact_store ?? {})
  const make = (parts: unknown[], description: string): SecretTarget => ({ key: JSON.stringify([name, ...parts]), description })
  switch (name) {
    case 'password': {
      const hop = sshHop(s)
      const tls = tlsClass(s.ssl?.mode)
      return make(
        [host(s.host), s.port, s.database, s.user, hop?.key ?? null, tls.key],
        `${s.user}@${s.host}:${s.port}/${s.database}${hop ? ` via SSH ${hop.text}` : ''}${tls.text ? ` (${tls.text})` : ''}`,
      )
    }
    case 'ssh_password':
    case 'ssh_passphrase':
      return make([host(s.ssh.host), s.ssh.port, s.ssh.user], `SSH ${s.ssh.user}@${s.ssh.host}:${s.ssh.port}`)
    case 's3_secret_access_key':
    case 's3_session_token':
      return make(
        [store.s3.endpoint_url?.trim().toLowerCase() ?? null, store.s3.access_key_id ?? null],
        `S3 ${store.s3.endpoint_url ?? '(AWS, or MLFLOW_S3_ENDPOINT_URL)'} with access key id ${store.s3.access_key_id ?? '(AWS_ACCESS_KEY_ID)'}`,
      )
    case 'azure_credential':
      return make(
        [store.azure.auth, store.azure.blob_endpoint?.trim().toLowerCase() ?? null],
        `Azure Blob ${store.azure.blob_endpoint ?? '(the accounts in the artifact locations)'} (${store.azure.auth})`,
      )
    case 'gcs_credentials_json':
      return make(
        [store.gcs.api_endpoint?.trim().toLowerCase() ?? null, store.gcs.project_id ?? null],
        `GCS ${store.gcs.api_endpoint ?? '(Google Cloud)'}${store.gcs.project_id ? `, project ${store.gcs.project_id}` : ''}`,
      )
    case 'http_credential':
      return make(
        [store.http.tracking_uri?.trim() ?? null, store.http.auth, store.http.username ?? null],
        `MLflow server ${store.http.tracking_uri ?? '(MLFLOW_TRACKING_URI)'}${store.http.username ? ` as ${store.http.username}` : ''} (${store.http.auth})`,
      )
    case 'sftp_password':
    case 'sftp_passphrase':
      return make([store.sftp.username ?? null, store.sftp.auth], `SFTP as ${store.sftp.username ?? '(the user in each location)'} (${store.sftp.auth})`)
  }
}

/** Whether these settings would send (or use) a secret of this name at all: one they do not use cannot go anywhere. */
export function secretInUse(name: SecretName, s: TargetSettings): boolean {
  const store = artifactStoreSchema.parse(s.artifact_store ?? {})
  switch (name) {
    case 'password':
      return s.password_source === 'stored'
    case 'ssh_password':
      return s.ssh.enabled && s.ssh.auth === 'password'
    case 'ssh_passphrase':
      return s.ssh.enabled && s.ssh.auth === 'key'
    case 'azure_credential':
      return store.azure.auth !== 'default'
    case 'http_credential':
      return store.http.auth !== 'none'
    default:
      return true
  }
}

/**
 * The secrets that may not come along from `before` to `after`: in use under `after`
 * and bound to another target. What the editor asks to be typed again.
 */
export function secretsToReenter(names: readonly SecretName[], before: TargetSettings, after: TargetSettings): SecretName[] {
  return names.filter((n) => secretInUse(n, after) && secretTarget(n, before).key !== secretTarget(n, after).key)
}
