import { addAbortSignal, Readable } from 'node:stream'
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob'
import { AppError } from '@shared/api/errors'
import { redact, registerSecret } from '../security/redact'
import type { ArtifactAccess } from './artifactAccess'
import { joinArtifactPath, sortArtifactFiles, type ArtifactFile, type ArtifactRepository, type ReadOptions, guardedRepository } from './artifactRepository'

/** The parts of an Azure location MLflow records (wasbs:// for Blob, abfss:// for ADLS Gen2, read through the blob endpoint). */
export interface AzureLocation {
  container: string
  account: string
  /** The account's blob endpoint derived from the host (dfs. -> blob.), e.g. https://acct.blob.core.windows.net. */
  endpoint: string
  /** The root inside the container, without leading or trailing '/'. */
  prefix: string
}

/** wasbs://<container>@<account>.blob.core.windows.net/<path> or abfss://<container>@<account>.dfs.core.windows.net/<path>. */
export function parseAzureUri(uri: string): AzureLocation {
  const m = /^(wasbs?|abfss?):\/\/([^@/]+)@([a-z0-9]+)\.(blob|dfs)\.([^/]+?)(?:\/(.*))?$/i.exec(uri)
  if (!m) {
    throw new AppError(
      'BAD_REQUEST',
      `Artifact location "${uri}" is not an Azure Blob location: expected wasbs://<container>@<account>.blob.core.windows.net/<path> or abfss://<container>@<account>.dfs.core.windows.net/<path>.`,
    )
  }
  const [, , container, account, , suffix, path = ''] = m
  return { container: container!, account: account!, endpoint: `https://${account}.blob.${suffix}`, prefix: path.replace(/^\/+|\/+$/g, '') }
}

interface AzureAuth {
  client: BlobServiceClient
  /** Which setting or environment variable supplied the credential, for an auth failure's message. */
  source: string
}

async function azureClient(loc: AzureLocation, access: ArtifactAccess): Promise<AzureAuth> {
  const sdk = await import('@azure/storage-blob')
  const settings = access.settings.azure
  const endpoint = (settings.blob_endpoint ?? loc.endpoint).replace(/\/+$/, '')
  // Retries with short waits: the SDK's default (4 tries from 4 s, exponential) keeps a dead endpoint busy for half a minute.
  const options = { retryOptions: { maxTries: 3, retryDelayInMs: 300, maxRetryDelayInMs: 2000 } }
  const secret = access.secret('azure_credential')
  const fromConnectionString = (cs: string) => {
    registerSecret(cs)
    for (const [, part] of cs.matchAll(/(?:AccountKey|SharedAccessSignature)=([^;]+)/gi)) registerSecret(part)
    let base: BlobServiceClient
    try {
      base = sdk.BlobServiceClient.fromConnectionString(cs, options)
    } catch {
      throw new AppError(
        'ARTIFACT_AUTH_FAILED',
        `The Azure connection string is not valid: expected AccountName=...;AccountKey=... or BlobEndpoint=...;SharedAccessSignature=....`,
      )
    }
    if (!settings.blob_endpoint) return base
    // The profile's endpoint wins over the connection string's; a SAS travels in the URL's query.
    return new sdk.BlobServiceClient(endpoint + new URL(base.url).search, base.credential, options)
  }
  const withKey = (key: string) => {
    registerSecret(key)
    return new sdk.BlobServiceClient(endpoint, new sdk.StorageSharedKeyCredential(loc.account, key), options)
  }
  const needSecret = (what: string) => {
    if (!secret)
      throw new AppError(
        'ARTIFACT_AUTH_FAILED',
        `Azure Blob: the profile's azure.auth is "${settings.auth}" but its azure_credential secret (${what}) is not set.`,
      )
    return secret
  }
  switch (settings.auth) {
    case 'connection_string':
      return { client: fromConnectionString(needSecret('the connection string')), source: 'the connection string in the azure_credential secret' }
    case 'account_key':
      return { client: withKey(needSecret('the account key')), source: `the account key in the azure_credential secret (account "${loc.account}")` }
    case 'sas': {
      const sas = needSecret('the SAS token').replace(/^\?/, '')
      registerSecret(sas)
      return {
        client: new sdk.BlobServiceClient(`${endpoint}?${sas}`, new sdk.AnonymousCredential(), options),
        source: 'the SAS token in the azure_credential secret',
      }
    }
    default: {
      const cs = access.env.AZURE_STORAGE_CONNECTION_STRING
      if (cs) return { client: fromConnectionString(cs), source: 'AZURE_STORAGE_CONNECTION_STRING' }
      const key = access.env.AZURE_STORAGE_ACCESS_KEY
      if (key) return { client: withKey(key), source: `AZURE_STORAGE_ACCESS_KEY (account "${loc.account}")` }
      return {
        client: new sdk.BlobServiceClient(endpoint, new sdk.AnonymousCredential(), options),
        source: 'no credential (anonymous access): set azure.auth in the profile, or AZURE_STORAGE_CONNECTION_STRING / AZURE_STORAGE_ACCESS_KEY',
      }
    }
  }
}

interface RestErrorLike {
  statusCode?: number
  code?: string
  message?: string
  name?: string
}

/** Azure Blob as an artifact repository (MLflow's AzureBlobArtifactRepository / AzureDataLakeArtifactRepository locations). */
export async function openAzureRepository(uri: string, access: ArtifactAccess): Promise<ArtifactRepository> {
  const loc = parseAzureUri(uri)
  const { client, source } = await azureClient(loc, access)
  const container: ContainerClient = client.getContainerClient(loc.container)
  const describe = uri.replace(/\/+$/, '')
  const endpointName = access.settings.azure.blob_endpoint ?? loc.endpoint
  const key = (p: string) => joinArtifactPath(loc.prefix, p)
  const rel = (name: string) => (loc.prefix ? name.slice(loc.prefix.length + 1) : name)

  const failed = (e: unknown, p: string): AppError => {
    if (e instanceof AppError) return e
    const err = e as RestErrorLike
    if (err?.name === 'AbortError') return new AppError('CANCELLED', `Reading "${p}" in ${describe} was cancelled.`, { path: p })
    if (err?.statusCode === 404) {
      return err.code === 'ContainerNotFound'
        ? new AppError('NOT_FOUND', `No container "${loc.container}" in the Azure storage account at ${endpointName} (artifact "${p}" of ${describe}).`, {
            path: p,
          })
        : new AppError('NOT_FOUND', `No artifact "${p}" in ${describe}.`, { path: p })
    }
    if (err?.statusCode === 401 || err?.statusCode === 403) {
      return new AppError('ARTIFACT_AUTH_FAILED', `Azure Blob refused access to ${describe} (${err.code ?? `HTTP ${err.statusCode}`}) with ${source}.`, {
        path: p,
      })
    }
    if (err?.statusCode) {
      // The service answered: its first line says why (e.g. "The specifed resource name contains invalid characters").
      const said = (err.message ?? '').split('\n')[0]!.trim()
      return new AppError(
        'ARTIFACT_UNAVAILABLE',
        redact(`Azure Blob at ${endpointName} failed for ${describe}: HTTP ${err.statusCode}${err.code ? ` ${err.code}` : ''}${said ? ` (${said})` : ''}.`),
        { path: p },
      )
    }
    return new AppError(
      'ARTIFACT_UNAVAILABLE',
      redact(`Cannot reach Azure Blob at ${endpointName} for ${describe}: ${err?.code ?? err?.message ?? String(e)}.`),
      { path: p },
    )
  }

  /** The direct children under a key prefix ('' or ending in '/'); null when there is nothing there at all. */
  async function children(dir: string, signal?: AbortSignal, limit?: number): Promise<ArtifactFile[]> {
    const full = key(dir)
    const prefix = full ? `${full}/` : ''
    const folders = new Map<string, ArtifactFile>()
    const files: ArtifactFile[] = []
    const pages = container.listBlobsByHierarchy('/', { prefix, includeMetadata: true, abortSignal: signal }).byPage({ maxPageSize: limit ?? 5000 })
    for await (const page of pages) {
      for (const p of page.segment.blobPrefixes ?? []) {
        const path = rel(p.name.replace(/\/+$/, ''))
        folders.set(path, { path, is_dir: true, file_size: null })
      }
      for (const b of page.segment.blobItems) {
        // ADLS Gen2 (hierarchical namespace) lists a folder both as a prefix and as an empty marker blob.
        if (b.name.endsWith('/') || b.metadata?.hdi_isfolder === 'true') continue
        files.push({ path: rel(b.name), is_dir: false, file_size: b.properties.contentLength ?? null })
      }
      if (limit !== undefined) break
    }
    const names = new Set(folders.keys())
    return [...folders.values(), ...files.filter((f) => !names.has(f.path))]
  }

  return guardedRepository({
    describe,
    async list(path, signal) {
      try {
        return sortArtifactFiles(await children(path, signal))
      } catch (e) {
        throw failed(e, path)
      }
    },
    async stat(path, signal) {
      try {
        if (path) {
          const props = await container
            .getBlobClient(key(path))
            .getProperties({ abortSignal: signal })
            .catch((e: RestErrorLike) => (e?.statusCode === 404 && e.code !== 'ContainerNotFound' ? null : Promise.reject(e)))
          if (props && props.metadata?.hdi_isfolder !== 'true') return { path, is_dir: false, file_size: props.contentLength ?? null }
        }
        // Blob stores have no folders: one is there when something is stored below it (the root when its container is).
        const below = await children(path, signal, 1)
        return path === '' || below.length > 0 ? { path, is_dir: true, file_size: null } : null
      } catch (e) {
        if ((e as RestErrorLike)?.code === 'ContainerNotFound') return null
        throw failed(e, path)
      }
    },
    async read(path, opts: ReadOptions = {}) {
      const start = opts.start ?? 0
      if (opts.end !== undefined && opts.end <= start) return Readable.from([])
      try {
        const res = await container
          .getBlobClient(key(path))
          .download(start, opts.end === undefined ? undefined : opts.end - start, { abortSignal: opts.signal, maxRetryRequests: 3 })
        const body = res.readableStreamBody as Readable | undefined
        if (!body) return Readable.from([])
        return opts.signal ? addAbortSignal(opts.signal, body) : body
      } catch (e) {
        const err = e as RestErrorLike
        // A range past the end holds no bytes (an empty file read from 0, or a resumed download already complete).
        if (err?.statusCode === 416) return Readable.from([])
        if (err?.statusCode === 404 && err.code !== 'ContainerNotFound' && path && (await children(path, opts.signal, 1).catch(() => [])).length > 0) {
          throw new AppError('BAD_REQUEST', `Artifact "${path}" in ${describe} is a folder, not a file.`, { path })
        }
        throw failed(e, path)
      }
    },
    async close() {},
  })
}
