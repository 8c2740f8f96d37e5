import { existsSync } from 'node:fs'
import { addAbortSignal, Readable } from 'node:stream'
import type { File, StorageOptions } from '@google-cloud/storage'
import { AppError } from '@shared/api/errors'
import { expandHome } from '../config/appPaths'
import { redact, registerSecret } from '../security/redact'
import type { ArtifactAccess } from './artifactAccess'
import { joinArtifactPath, sortArtifactFiles, type ArtifactFile, type ArtifactRepository, type ReadOptions, guardedRepository } from './artifactRepository'

/** gs://<bucket>/<path>: the bucket and the root inside it (no leading or trailing '/'). */
export function parseGcsUri(uri: string): { bucket: string; prefix: string } {
  const m = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,220}[a-z0-9])(?:\/(.*))?$/i.exec(uri)
  if (!m) throw new AppError('BAD_REQUEST', `Artifact location "${uri}" is not a Google Cloud Storage location: expected gs://<bucket>/<path>.`)
  return { bucket: m[1]!, prefix: (m[2] ?? '').replace(/^\/+|\/+$/g, '') }
}

/**
 * The client options for a profile, and which setting supplied the credentials (for an auth
 * failure's message). Precedence: gcs.credentials_path, the gcs_credentials_json secret,
 * GOOGLE_APPLICATION_CREDENTIALS; with none, Google's application default credentials
 * (gcloud's login, or the metadata server on Google Cloud), as MLflow's client does.
 */
export function gcsClientOptions(access: ArtifactAccess): { options: StorageOptions; source: string } {
  const s = access.settings.gcs
  const base: StorageOptions = {
    projectId: s.project_id ?? access.env.GOOGLE_CLOUD_PROJECT ?? undefined,
    // Short retries: the defaults (3 from 1 s, up to 10 minutes in all) keep a dead endpoint busy for long.
    retryOptions: { maxRetries: 2, retryDelayMultiplier: 1.5, maxRetryDelay: 4, totalTimeout: 30 },
    ...(s.api_endpoint ? { apiEndpoint: s.api_endpoint.replace(/\/+$/, '') } : {}),
  }
  const keyFile = (path: string, setting: string) => {
    const file = expandHome(path)
    if (!existsSync(file))
      throw new AppError('ARTIFACT_AUTH_FAILED', `Google Cloud Storage: the service-account key file "${path}" (${setting}) does not exist.`)
    // An endpoint override (an emulator) gets no credentials unless some were configured.
    return { options: { ...base, keyFilename: file, useAuthWithCustomEndpoint: true }, source: `the service-account key ${path} (${setting})` }
  }
  if (s.credentials_path) return keyFile(s.credentials_path, 'gcs.credentials_path')
  const json = access.secret('gcs_credentials_json')
  if (json) {
    registerSecret(json)
    let credentials: { client_email?: string; private_key?: string }
    try {
      credentials = JSON.parse(json) as typeof credentials
    } catch {
      throw new AppError('ARTIFACT_AUTH_FAILED', 'Google Cloud Storage: the gcs_credentials_json secret is not JSON: paste the whole service-account key file.')
    }
    registerSecret(credentials.private_key)
    if (!credentials.client_email || !credentials.private_key) {
      throw new AppError(
        'ARTIFACT_AUTH_FAILED',
        'Google Cloud Storage: the gcs_credentials_json secret has no client_email or private_key: paste the whole service-account key file.',
      )
    }
    return {
      options: { ...base, credentials: { client_email: credentials.client_email, private_key: credentials.private_key }, useAuthWithCustomEndpoint: true },
      source: `the service account ${credentials.client_email} (the gcs_credentials_json secret)`,
    }
  }
  const envFile = access.env.GOOGLE_APPLICATION_CREDENTIALS
  if (envFile) return keyFile(envFile, 'GOOGLE_APPLICATION_CREDENTIALS')
  return {
    options: base,
    source: "Google's application default credentials (set gcs.credentials_path, the gcs_credentials_json secret or GOOGLE_APPLICATION_CREDENTIALS)",
  }
}

interface GcsErrorLike {
  code?: number | string
  message?: string
  name?: string
}

/** Google Cloud Storage as an artifact repository (MLflow's GCSArtifactRepository locations). */
export async function openGcsRepository(uri: string, access: ArtifactAccess): Promise<ArtifactRepository> {
  const loc = parseGcsUri(uri)
  const { options, source } = gcsClientOptions(access)
  const { Storage } = await import('@google-cloud/storage')
  const bucket = new Storage(options).bucket(loc.bucket)
  const describe = uri.replace(/\/+$/, '')
  const endpointName = options.apiEndpoint ?? 'https://storage.googleapis.com'
  const key = (p: string) => joinArtifactPath(loc.prefix, p)
  const rel = (name: string) => (loc.prefix ? name.slice(loc.prefix.length + 1) : name)
  const noBucket = (e: unknown) => (e as GcsErrorLike)?.code === 404 && /bucket/i.test((e as GcsErrorLike).message ?? '')

  const failed = (e: unknown, p: string): AppError => {
    if (e instanceof AppError) return e
    const err = e as GcsErrorLike
    if (err?.name === 'AbortError') return new AppError('CANCELLED', `Reading "${p}" in ${describe} was cancelled.`, { path: p })
    if (noBucket(e)) return new AppError('NOT_FOUND', `No bucket "${loc.bucket}" at ${endpointName} (artifact "${p}" of ${describe}).`, { path: p })
    if (err?.code === 404) return new AppError('NOT_FOUND', `No artifact "${p}" in ${describe}.`, { path: p })
    if (err?.code === 401 || err?.code === 403) {
      return new AppError('ARTIFACT_AUTH_FAILED', redact(`Google Cloud Storage refused access to ${describe} (HTTP ${err.code}) with ${source}.`), { path: p })
    }
    if (typeof err?.code === 'number') {
      return new AppError(
        'ARTIFACT_UNAVAILABLE',
        redact(`Google Cloud Storage at ${endpointName} failed for ${describe}: HTTP ${err.code}${err.message ? ` (${err.message.split('\n')[0]})` : ''}.`),
        { path: p },
      )
    }
    return new AppError(
      'ARTIFACT_UNAVAILABLE',
      redact(`Cannot reach Google Cloud Storage at ${endpointName} for ${describe}: ${err?.code ?? err?.message ?? String(e)}.`),
      { path: p },
    )
  }

  /** The direct children of a folder; with a limit, only the first page (enough to tell whether there is one). */
  async function children(dir: string, limit?: number): Promise<ArtifactFile[]> {
    const full = key(dir)
    const prefix = full ? `${full}/` : ''
    const out: ArtifactFile[] = []
    let query: Record<string, unknown> | null = { prefix, delimiter: '/', autoPaginate: false, maxResults: limit ?? 1000 }
    while (query) {
      const [files, next, response] = (await bucket.getFiles(query)) as unknown as [File[], Record<string, unknown> | null, { prefixes?: string[] } | undefined]
      for (const p of response?.prefixes ?? []) out.push({ path: rel(p.replace(/\/+$/, '')), is_dir: true, file_size: null })
      // A "folder" placeholder object (name ending in '/') is the folder itself, not a child.
      for (const f of files) if (!f.name.endsWith('/')) out.push({ path: rel(f.name), is_dir: false, file_size: Number(f.metadata.size ?? 0) })
      query = limit === undefined ? next : null
    }
    return out
  }

  return guardedRepository({
    describe,
    async list(path) {
      try {
        return sortArtifactFiles(await children(path))
      } catch (e) {
        throw failed(e, path)
      }
    },
    async stat(path) {
      try {
        if (path) {
          const meta = await bucket
            .file(key(path))
            .getMetadata()
            .then(([m]) => m)
            .catch((e: unknown) => ((e as GcsErrorLike)?.code === 404 && !noBucket(e) ? null : Promise.reject(e)))
          if (meta) return { path, is_dir: false, file_size: Number(meta.size ?? 0) }
        }
        return path === '' || (await children(path, 1)).length > 0 ? { path, is_dir: true, file_size: null } : null
      } catch (e) {
        if (noBucket(e)) return null
        throw failed(e, path)
      }
    },
    async read(path, opts: ReadOptions = {}) {
      const file = bucket.file(key(path))
      let size: number
      try {
        // Asked first: a stream reports a missing object only once read, too late for a clear NOT_FOUND.
        size = Number((await file.getMetadata())[0].size ?? 0)
      } catch (e) {
        if ((e as GcsErrorLike)?.code === 404 && !noBucket(e) && path && (await children(path, 1).catch(() => [])).length > 0) {
          throw new AppError('BAD_REQUEST', `Artifact "${path}" in ${describe} is a folder, not a file.`, { path })
        }
        throw failed(e, path)
      }
      const start = opts.start ?? 0
      const end = Math.min(opts.end ?? size, size)
      if (end <= start) return Readable.from([])
      // createReadStream's end is inclusive; checksums are only checked on whole-object reads.
      const stream = file.createReadStream({ start, end: end - 1 })
      return opts.signal ? addAbortSignal(opts.signal, stream) : stream
    },
    async close() {},
  })
}
