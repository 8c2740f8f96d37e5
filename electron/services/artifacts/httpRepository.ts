import { readFileSync } from 'node:fs'
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { addAbortSignal, Readable } from 'node:stream'
import { AppError } from '@shared/api/errors'
import { redact, registerSecret } from '../security/redact'
import type { ArtifactAccess } from './artifactAccess'
import { artifactPath, sortArtifactFiles, type ArtifactFile, type ArtifactRepository, type ReadOptions, guardedRepository } from './artifactRepository'

/** The artifact proxy's REST route on an MLflow tracking server (mlflow/server/handlers.py). */
const ROUTE = '/api/2.0/mlflow-artifacts/artifacts'
const envFlag = (v: string | undefined) => v !== undefined && ['true', '1'].includes(v.trim().toLowerCase())

/**
 * MlflowArtifactsRepository.resolve_uri: an mlflow-artifacts: location against the tracking
 * server. "mlflow-artifacts:/1/abc" uses the tracking URI's host; "mlflow-artifacts://host:port/1/abc"
 * names its own host (with the tracking URI's scheme, http when there is none); a tracking URI's
 * path (a server behind a reverse-proxy prefix) comes before the route.
 */
export function resolveMlflowArtifactsUri(uri: string, trackingUri: string | null): string {
  const m = /^mlflow-artifacts:(?:\/\/([^/]*))?(\/.*)?$/i.exec(uri)
  if (!m) throw new AppError('BAD_REQUEST', `"${uri}" is not an mlflow-artifacts: location.`)
  const netloc = m[1] ?? ''
  const path = m[2] ?? '/'
  if (/^\d+(\.\d+)?$/.test(netloc.split(':')[0]!) && !netloc.includes(':')) {
    throw new AppError('BAD_REQUEST', `The mlflow-artifacts location "${uri}" gives a port number ("${netloc}") but no host.`)
  }
  const track = trackingUri ? new URL(trackingUri) : null
  if (!netloc && !track) {
    throw new AppError(
      'ARTIFACT_UNAVAILABLE',
      `The artifact location "${uri}" is served by an MLflow tracking server, but none is set: set the tracking URI in the profile's HTTP artifact settings, or MLFLOW_TRACKING_URI.`,
      { field: 'artifact_store.http.tracking_uri' },
    )
  }
  const prefix = track ? track.pathname : ''
  const resolved = (path === '/' ? `${ROUTE}/` : path === ROUTE ? ROUTE : `${prefix}/${ROUTE}/${path}`).replace(/\/\/+/g, '/')
  return `${track?.protocol ?? 'http:'}//${netloc || track!.host}${resolved}`
}

/** How requests authenticate, and what to tell the user to check when they are refused. */
interface Auth {
  header?: string
  hint: string
}

function authFor(access: ArtifactAccess): Auth {
  const { http } = access.settings
  const env = access.env
  const secret = access.secret('http_credential')
  const basic = (user: string, password: string, hint: string): Auth => {
    registerSecret(password)
    const header = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`
    registerSecret(header.slice(6))
    return { header, hint }
  }
  const bearer = (token: string, hint: string): Auth => {
    registerSecret(token)
    return { header: `Bearer ${token}`, hint }
  }
  if (http.auth === 'basic') {
    const user = http.username ?? env.MLFLOW_TRACKING_USERNAME
    const password = secret ?? env.MLFLOW_TRACKING_PASSWORD
    if (!user || !password)
      return {
        hint: "the profile's HTTP username and password (basic auth is on, but one of them is empty; MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD fill in)",
      }
    return basic(user, password, "the profile's HTTP username and password")
  }
  if (http.auth === 'bearer') {
    const token = secret ?? env.MLFLOW_TRACKING_TOKEN
    if (!token) return { hint: "the profile's HTTP token (bearer auth is on, but no token is set; MLFLOW_TRACKING_TOKEN fills in)" }
    return bearer(token, "the profile's HTTP token")
  }
  // As MLflow's rest_utils: username + password first, then a token.
  if (env.MLFLOW_TRACKING_USERNAME && env.MLFLOW_TRACKING_PASSWORD)
    return basic(env.MLFLOW_TRACKING_USERNAME, env.MLFLOW_TRACKING_PASSWORD, 'MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD')
  if (env.MLFLOW_TRACKING_TOKEN) return bearer(env.MLFLOW_TRACKING_TOKEN, 'MLFLOW_TRACKING_TOKEN')
  return {
    hint: "the profile's HTTP auth (no credentials were sent: choose basic or bearer, or set MLFLOW_TRACKING_USERNAME / MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN)",
  }
}

/** Where the location is served: the route's URL and the location's path under it. */
function locate(uri: string, access: ArtifactAccess): { api: URL; root: string } {
  const configured = access.settings.http.tracking_uri ?? (/^https?:\/\//i.test(access.env.MLFLOW_TRACKING_URI ?? '') ? access.env.MLFLOW_TRACKING_URI! : null)
  const resolved = /^mlflow-artifacts:/i.test(uri) ? resolveMlflowArtifactsUri(uri, configured) : uri
  // HttpArtifactRepository: everything after ".../mlflow-artifacts/artifacts" is the path on the server.
  const at = resolved.indexOf('/mlflow-artifacts/artifacts')
  if (at < 0) {
    throw new AppError(
      'ARTIFACT_UNSUPPORTED',
      `"${uri}" is not served by an MLflow artifact proxy (no "/api/2.0/mlflow-artifacts/artifacts" in it): map its prefix to a local folder in the profile.`,
    )
  }
  const api = new URL(resolved.slice(0, at) + '/mlflow-artifacts/artifacts')
  const tail = new URL(resolved).pathname.slice(api.pathname.length)
  const root = tail.split('/').filter(Boolean).map(decodeURIComponent).join('/')
  if (api.password) registerSecret(decodeURIComponent(api.password))
  api.username = ''
  api.password = ''
  return { api, root }
}

/** Bytes [start, end) of a whole-file stream, for servers that ignore Range. */
function slice(src: Readable, start: number, end: number | undefined): Readable {
  return Readable.from(
    (async function* () {
      let pos = 0
      for await (const chunk of src as AsyncIterable<Buffer>) {
        const from = Math.max(start - pos, 0)
        const to = end === undefined ? chunk.length : Math.min(end - pos, chunk.length)
        pos += chunk.length
        if (to > from) yield chunk.subarray(from, to)
        if (end !== undefined && pos >= end) break
      }
    })(),
    { objectMode: false },
  )
}

/** A location behind an MLflow tracking server's artifact proxy (mlflow-artifacts:, http(s)://…/mlflow-artifacts/artifacts/…). */
export async function openHttpRepository(uri: string, access: ArtifactAccess): Promise<ArtifactRepository> {
  const { api, root } = locate(uri, access)
  const auth = authFor(access)
  const env = access.env
  const ignoreTls = access.settings.http.ignore_tls || envFlag(env.MLFLOW_TRACKING_INSECURE_TLS)
  const caPath = env.MLFLOW_TRACKING_SERVER_CERT_PATH
  const timeoutMs = (Number(env.MLFLOW_HTTP_REQUEST_TIMEOUT) || 120) * 1000
  const https = api.protocol === 'https:'
  // Node's fetch cannot switch TLS verification off per request without the undici package; node:https can.
  const agent = https
    ? new HttpsAgent({ keepAlive: true, rejectUnauthorized: !ignoreTls, ca: caPath ? readFileSync(caPath) : undefined })
    : new HttpAgent({ keepAlive: true })
  const server = api.origin
  const describe = `${api.href}${root ? `/${root}` : ''}`
  const full = (p: string) => [root, p].filter(Boolean).join('/')

  const failed = (path: string, e: NodeJS.ErrnoException, signal?: AbortSignal): AppError => {
    if (signal?.aborted || e.name === 'AbortError') return new AppError('CANCELLED', `Reading "${path}" from ${describe} was cancelled.`, { path })
    const code = e.code ?? e.message
    if (/CERT|SELF_SIGNED|TLS|SSL|UNABLE_TO_VERIFY/i.test(code)) {
      return new AppError(
        'ARTIFACT_UNAVAILABLE',
        `Cannot verify the TLS certificate of the MLflow server ${server} (${code}): trust its CA (MLFLOW_TRACKING_SERVER_CERT_PATH), or turn on "ignore TLS" in the profile's HTTP settings (MLFLOW_TRACKING_INSECURE_TLS=true).`,
        { path },
      )
    }
    return new AppError(
      'ARTIFACT_UNAVAILABLE',
      redact(`Cannot reach the MLflow server ${server} for ${describe} (${code}): check the tracking URI and the network.`),
      { path },
    )
  }
  const refused = (path: string, res: IncomingMessage): AppError => {
    res.resume()
    const status = res.statusCode ?? 0
    if (status === 401 || status === 403) {
      return new AppError('ARTIFACT_AUTH_FAILED', `The MLflow server ${server} refused access to ${describe} (HTTP ${status}): check ${auth.hint}.`, { path })
    }
    if (status === 404) return new AppError('NOT_FOUND', `No artifact "${path}" in ${describe}.`, { path })
    return new AppError(
      'ARTIFACT_UNAVAILABLE',
      `The MLflow server ${server} answered HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''} for "${path}" in ${describe}.`,
      { path },
    )
  }

  function get(url: URL, path: string, headers: Record<string, string>, signal?: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = (https ? httpsRequest : httpRequest)(
        url,
        { agent, signal, headers: { ...headers, ...(auth.header ? { authorization: auth.header } : {}) } },
        resolve,
      )
      req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })))
      req.on('error', (e) => reject(failed(path, e, signal)))
      req.end()
    })
  }

  async function list(path: string, signal?: AbortSignal): Promise<ArtifactFile[]> {
    const url = new URL(api)
    url.searchParams.set('path', full(path))
    const res = await get(url, path, { accept: 'application/json' }, signal)
    if (res.statusCode !== 200) throw refused(path, res)
    let body: { files?: { path: string; is_dir?: boolean; file_size?: number | string }[] }
    try {
      body = JSON.parse(Buffer.concat(await res.toArray()).toString('utf8'))
    } catch (e) {
      if (signal?.aborted) throw failed(path, e as Error, signal)
      throw new AppError(
        'ARTIFACT_UNAVAILABLE',
        `The MLflow server ${server} sent a listing of "${path}" that is not JSON: is ${api.href} an MLflow artifact proxy?`,
        { path },
      )
    }
    const files = (body.files ?? []).map((f) => {
      // A name that would climb out of the folder is refused, as MLflow's validate_path_is_safe does.
      const name = artifactPath(String(f.path), 'path')
      return { path: path ? `${path}/${name}` : name, is_dir: f.is_dir === true, file_size: f.is_dir || f.file_size === undefined ? null : Number(f.file_size) }
    })
    // Listing a file answers that file alone; a file has no children.
    if (files.length === 1 && !files[0]!.is_dir && files[0]!.path === path) return []
    return sortArtifactFiles(files)
  }

  return guardedRepository({
    describe,
    list,
    async stat(path, signal) {
      if (!path) return (await list('', signal)).length > 0 ? { path, is_dir: true, file_size: null } : null
      const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
      return (await list(parent, signal)).find((f) => f.path === path) ?? null
    },
    async read(path, opts: ReadOptions = {}): Promise<Readable> {
      const start = opts.start ?? 0
      if (opts.end !== undefined && opts.end <= start) return Readable.from([])
      const url = new URL(`${api.href}/${full(path).split('/').map(encodeURIComponent).join('/')}`)
      const ranged = start > 0 || opts.end !== undefined
      const res = await get(url, path, ranged ? { range: `bytes=${start}-${opts.end === undefined ? '' : opts.end - 1}` } : {}, opts.signal)
      if (res.statusCode === 416) {
        res.resume()
        return Readable.from([])
      }
      if (res.statusCode !== 200 && res.statusCode !== 206) throw refused(path, res)
      const body = opts.signal ? addAbortSignal(opts.signal, res) : res
      // MLflow serves local stores with Flask's send_file (honours Range) but streams proxied ones whole.
      return res.statusCode === 200 && ranged ? slice(body, start, opts.end) : body
    },
    async close() {
      agent.destroy()
    },
  })
}
