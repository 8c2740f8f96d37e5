import { Agent as HttpsAgent } from 'node:https'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { addAbortSignal, Readable } from 'node:stream'
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, S3Client, type ListObjectsV2CommandOutput } from '@aws-sdk/client-s3'
import { fromIni } from '@aws-sdk/credential-providers'
import { AppError } from '@shared/api/errors'
import { redact, registerSecret } from '../security/redact'
import type { ArtifactAccess } from './artifactAccess'
import { sortArtifactFiles, type ArtifactFile, type ArtifactRepository, type ReadOptions, guardedRepository } from './artifactRepository'

type Credentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
type CredentialProvider = () => Promise<Credentials>

/** How the client was configured, for messages: never a key, only where it came from. */
interface S3Setup {
  client: S3Client
  /** The endpoint as the user knows it ("AWS S3 (us-east-1)" when none). */
  endpoint: string
  /** Which setting or environment variable supplied the credentials, for ARTIFACT_AUTH_FAILED. */
  credentialSource: string
}

/** MLflow's boolean environment variables: "true"/"1" (any case) are on. */
const envFlag = (v: string | undefined) => v !== undefined && ['true', '1'].includes(v.trim().toLowerCase())

function parseS3Uri(uri: string): { bucket: string; prefix: string } {
  const m = /^s3a?:\/\/([^/]+)(?:\/(.*))?$/i.exec(uri)
  if (!m) throw new AppError('BAD_REQUEST', `Artifact location "${uri}" is not an S3 location: expected s3://bucket/prefix.`)
  return { bucket: m[1]!, prefix: (m[2] ?? '').replace(/^\/+|\/+$/g, '') }
}

/** Registers what a provider hands out, so a key can never survive into a message. */
function registered(provider: CredentialProvider): CredentialProvider {
  return async () => {
    const c = await provider()
    registerSecret(c.secretAccessKey)
    registerSecret(c.sessionToken)
    return c
  }
}

/**
 * Credentials in this order: the profile's access key (+ sealed secret), the profile's named AWS
 * profile, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, then the "default" AWS profile.
 * Everything is read from access.env, never from the process, so a profile is reproducible.
 */
function credentials(access: ArtifactAccess): { provider: CredentialProvider; source: string } {
  const { s3 } = access.settings
  const env = access.env
  const secretKey = access.secret('s3_secret_access_key')
  const sessionToken = access.secret('s3_session_token')
  // Explicit paths, so the SDK never falls back to this process's own AWS_* variables.
  const iniFiles = {
    filepath: env.AWS_SHARED_CREDENTIALS_FILE ?? join(homedir(), '.aws', 'credentials'),
    configFilepath: env.AWS_CONFIG_FILE ?? join(homedir(), '.aws', 'config'),
  }
  const fixed = (id: string, secret: string | undefined, token: string | undefined, source: string, secretHint: string) => {
    if (!secret) {
      const provider = async (): Promise<Credentials> => {
        throw new AppError('ARTIFACT_AUTH_FAILED', `no secret access key goes with the access key id (${source}): set ${secretHint}`)
      }
      return { provider, source }
    }
    registerSecret(secret)
    registerSecret(token)
    return { provider: async () => ({ accessKeyId: id, secretAccessKey: secret, sessionToken: token }), source }
  }
  if (s3.access_key_id) {
    return fixed(
      s3.access_key_id,
      secretKey ?? env.AWS_SECRET_ACCESS_KEY,
      sessionToken ?? env.AWS_SESSION_TOKEN,
      "the profile's S3 access key id and secret access key",
      "the profile's S3 secret access key (or AWS_SECRET_ACCESS_KEY)",
    )
  }
  if (s3.aws_profile) {
    return {
      provider: registered(fromIni({ profile: s3.aws_profile, ...iniFiles })),
      source: `the AWS profile "${s3.aws_profile}" named in the profile's S3 settings (~/.aws/credentials)`,
    }
  }
  if (env.AWS_ACCESS_KEY_ID) {
    return fixed(
      env.AWS_ACCESS_KEY_ID,
      secretKey ?? env.AWS_SECRET_ACCESS_KEY,
      sessionToken ?? env.AWS_SESSION_TOKEN,
      'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
      'AWS_SECRET_ACCESS_KEY',
    )
  }
  if (env.AWS_PROFILE) {
    return {
      provider: registered(fromIni({ profile: env.AWS_PROFILE, ...iniFiles })),
      source: `the AWS profile "${env.AWS_PROFILE}" from AWS_PROFILE (~/.aws/credentials)`,
    }
  }
  return {
    provider: registered(fromIni({ profile: 'default', ...iniFiles })),
    source: "no credentials were set (checked the profile's S3 access key id and AWS profile, AWS_ACCESS_KEY_ID, AWS_PROFILE, then the default AWS profile)",
  }
}

function s3Setup(access: ArtifactAccess): S3Setup {
  const { s3 } = access.settings
  const env = access.env
  const endpoint = s3.endpoint_url ?? env.MLFLOW_S3_ENDPOINT_URL ?? undefined
  const region = s3.region ?? env.AWS_DEFAULT_REGION ?? env.AWS_REGION ?? 'us-east-1'
  const ignoreTls = s3.ignore_tls || envFlag(env.MLFLOW_S3_IGNORE_TLS)
  const { provider, source } = credentials(access)
  const client = new S3Client({
    endpoint,
    region,
    credentials: provider,
    // MinIO and most self-hosted stores only answer path-style requests (bucket in the path).
    forcePathStyle: s3.force_path_style ?? endpoint !== undefined,
    // A bucket in another region answers 301; follow it rather than failing.
    followRegionRedirects: true,
    // Only reads happen here; no checksum trailers that older S3-compatible servers reject.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 15_000, ...(ignoreTls ? { httpsAgent: new HttpsAgent({ rejectUnauthorized: false }) } : {}) },
  })
  return { client, endpoint: endpoint ?? `AWS S3 (${region})`, credentialSource: source }
}

const TLS_CODES = /CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_VERIFY/i
const AUTH_NAMES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'AccessDenied',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'CredentialsProviderError',
  'AuthorizationHeaderMalformed',
])

/** An SDK failure as an AppError naming the bucket, the endpoint and what to check; never a key. */
function s3Error(e: unknown, ctx: { setup: S3Setup; describe: string; bucket: string; path: string; signal?: AbortSignal }): AppError {
  if (e instanceof AppError) {
    return e.code === 'ARTIFACT_AUTH_FAILED'
      ? new AppError(e.code, redact(`Cannot sign requests to bucket "${ctx.bucket}" at ${ctx.setup.endpoint}: ${e.message}.`), { path: ctx.path })
      : e
  }
  const err = e as Error & { name?: string; code?: string; Code?: string; $metadata?: { httpStatusCode?: number }; cause?: { code?: string } }
  const status = err.$metadata?.httpStatusCode
  const name = err.name ?? ''
  const code = err.code ?? err.cause?.code ?? ''
  if (ctx.signal?.aborted || name === 'AbortError')
    return new AppError('CANCELLED', `Reading "${ctx.path}" from ${ctx.describe} was cancelled.`, { path: ctx.path })
  if (name === 'NoSuchBucket') {
    return new AppError(
      'ARTIFACT_UNAVAILABLE',
      `The bucket "${ctx.bucket}" does not exist at ${ctx.setup.endpoint}: check the artifact location or the S3 endpoint (endpoint_url / MLFLOW_S3_ENDPOINT_URL).`,
      { path: ctx.path },
    )
  }
  if (name === 'NoSuchKey' || name === 'NotFound' || status === 404) {
    return new AppError('NOT_FOUND', `No artifact "${ctx.path}" in ${ctx.describe}.`, { path: ctx.path })
  }
  if (AUTH_NAMES.has(name) || status === 401 || status === 403) {
    return new AppError(
      'ARTIFACT_AUTH_FAILED',
      redact(
        `S3 at ${ctx.setup.endpoint} refused access to bucket "${ctx.bucket}" (${name || `HTTP ${status}`}) with the credentials from ${ctx.setup.credentialSource}: check them, and that they may read this bucket.`,
      ),
      { path: ctx.path },
    )
  }
  if (TLS_CODES.test(code)) {
    return new AppError(
      'ARTIFACT_UNAVAILABLE',
      `Cannot verify the TLS certificate of the S3 endpoint ${ctx.setup.endpoint} (${code}): trust its CA, or turn on "ignore TLS" in the profile's S3 settings (MLFLOW_S3_IGNORE_TLS=true).`,
      { path: ctx.path },
    )
  }
  const why = status ? `HTTP ${status}${name ? ` ${name}` : ''}` : code || name || 'unknown error'
  return new AppError(
    'ARTIFACT_UNAVAILABLE',
    redact(
      `Cannot reach S3 at ${ctx.setup.endpoint} for bucket "${ctx.bucket}" (${why}): check the endpoint (endpoint_url / MLFLOW_S3_ENDPOINT_URL), the region and the network.`,
    ),
    { path: ctx.path },
  )
}

/** An S3 prefix (s3://bucket/prefix) as an artifact repository, read with the AWS SDK v3. */
export async function openS3Repository(uri: string, access: ArtifactAccess): Promise<ArtifactRepository> {
  const { bucket, prefix } = parseS3Uri(uri)
  const setup = s3Setup(access)
  const { client } = setup
  const describe = prefix ? `s3://${bucket}/${prefix}` : `s3://${bucket}`
  const key = (p: string) => [prefix, p].filter(Boolean).join('/')
  const folderPrefix = (p: string) => (key(p) ? `${key(p)}/` : '')
  const fail = (e: unknown, path: string, signal?: AbortSignal) => s3Error(e, { setup, describe, bucket, path, signal })

  async function listPage(path: string, token: string | undefined, maxKeys: number | undefined, signal?: AbortSignal): Promise<ListObjectsV2CommandOutput> {
    try {
      return await client.send(
        new ListObjectsV2Command({ Bucket: bucket, Prefix: folderPrefix(path), Delimiter: '/', ContinuationToken: token, MaxKeys: maxKeys }),
        { abortSignal: signal },
      )
    } catch (e) {
      throw fail(e, path, signal)
    }
  }

  async function isFolder(path: string, signal?: AbortSignal): Promise<boolean> {
    const page = await listPage(path, undefined, 1, signal)
    return (page.KeyCount ?? 0) > 0 || (page.Contents?.length ?? 0) > 0 || (page.CommonPrefixes?.length ?? 0) > 0
  }

  return guardedRepository({
    describe,
    async list(path, signal) {
      const base = folderPrefix(path)
      const rel = (k: string) => (path ? `${path}/` : '') + k.slice(base.length).replace(/\/$/, '')
      const files: ArtifactFile[] = []
      let token: string | undefined
      do {
        const page = await listPage(path, token, undefined, signal)
        for (const p of page.CommonPrefixes ?? []) if (p.Prefix && p.Prefix !== base) files.push({ path: rel(p.Prefix), is_dir: true, file_size: null })
        // The folder's own marker object ("dir/"), as some tools write, is not a child (MLflow skips it too).
        for (const o of page.Contents ?? []) if (o.Key && o.Key !== base) files.push({ path: rel(o.Key), is_dir: false, file_size: o.Size ?? null })
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token)
      return sortArtifactFiles(files)
    },
    async stat(path, signal) {
      if (path) {
        try {
          const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key(path) }), { abortSignal: signal })
          return { path, is_dir: false, file_size: head.ContentLength ?? null }
        } catch (e) {
          const err = fail(e, path, signal)
          if (err.code !== 'NOT_FOUND') throw err
        }
      }
      return (await isFolder(path, signal)) ? { path, is_dir: true, file_size: null } : null
    },
    async read(path, opts: ReadOptions = {}): Promise<Readable> {
      const start = opts.start ?? 0
      if (opts.end !== undefined && opts.end <= start) return Readable.from([])
      const range = start > 0 || opts.end !== undefined ? `bytes=${start}-${opts.end === undefined ? '' : opts.end - 1}` : undefined
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key(path), Range: range }), { abortSignal: opts.signal })
        const body = out.Body as Readable
        return opts.signal ? addAbortSignal(opts.signal, body) : body
      } catch (e) {
        // A start past the end reads nothing, as a local file does.
        if ((e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 416) return Readable.from([])
        const err = fail(e, path, opts.signal)
        if (err.code === 'NOT_FOUND' && path && (await isFolder(path, opts.signal))) {
          throw new AppError('BAD_REQUEST', `Artifact "${path}" in ${describe} is a folder, not a file.`, { path })
        }
        throw err
      }
    },
    async close() {
      client.destroy()
    },
  })
}
