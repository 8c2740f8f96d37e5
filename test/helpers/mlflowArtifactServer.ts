import { createReadStream } from 'node:fs'
import { readdir, stat } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import { join } from 'node:path'

/**
 * The two read routes of an MLflow tracking server's artifact proxy (`mlflow server
 * --serve-artifacts`, mlflow/server/handlers.py) over a local folder, behind MLflow's basic-auth
 * app, on a loopback port:
 *   GET {prefix}/api/2.0/mlflow-artifacts/artifacts?path=DIR  -> {"files":[{"path","is_dir","file_size"}]}
 *   GET {prefix}/api/2.0/mlflow-artifacts/artifacts/PATH      -> the file (Flask send_file: honours Range)
 */
export interface MlflowArtifactServer {
  /** The tracking URI, e.g. http://127.0.0.1:PORT (plus the prefix). */
  trackingUri: string
  /** Every request's method, URL and Range/Authorization presence, for assertions. */
  requests: { url: string; range?: string; authorized: boolean }[]
  stop(): Promise<void>
}

export interface MlflowArtifactServerOptions {
  /** The folder served as the artifact root (--artifacts-destination). */
  root: string
  /** Basic-auth users; none means no auth. */
  users?: Record<string, string>
  /** A bearer token accepted as well (a reverse proxy in front of MLflow). */
  token?: string
  /** Serve under a path prefix (a reverse proxy's sub-path, `--static-prefix`-like). */
  prefix?: string
  /** Stream whole files and ignore Range, as MLflow does for proxied cloud stores. */
  ignoreRange?: boolean
  /** Serve https with this certificate and key (PEM files); the tracking URI then names localhost. */
  tls?: { cert: string; key: string }
}

const ROUTE = '/api/2.0/mlflow-artifacts/artifacts'

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}

/** MLflow's validate_path_is_safe: no '..', no absolute paths, no backslashes. */
function unsafe(path: string): boolean {
  return path.startsWith('/') || path.includes('\\') || path.split('/').includes('..')
}

function authorized(req: IncomingMessage, opts: MlflowArtifactServerOptions): boolean {
  if (!opts.users && !opts.token) return true
  const h = req.headers.authorization ?? ''
  if (opts.token && h === `Bearer ${opts.token}`) return true
  if (!h.startsWith('Basic ')) return false
  const [user, ...rest] = Buffer.from(h.slice(6), 'base64').toString('utf8').split(':')
  return !!opts.users && opts.users[user!] === rest.join(':')
}

async function listing(res: ServerResponse, opts: MlflowArtifactServerOptions, path: string): Promise<void> {
  if (unsafe(path)) return json(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: `Invalid path: ${path}` })
  const dir = join(opts.root, ...path.split('/').filter(Boolean))
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => null)
  // LocalArtifactRepository lists a missing folder (or a file) as nothing; protobuf JSON drops an empty list.
  if (!entries) return json(res, 200, {})
  const files = await Promise.all(
    entries.map(async (d) =>
      d.isDirectory() ? { path: d.name, is_dir: true } : { path: d.name, is_dir: false, file_size: (await stat(join(dir, d.name))).size },
    ),
  )
  json(res, 200, files.length ? { files } : {})
}

async function download(req: IncomingMessage, res: ServerResponse, opts: MlflowArtifactServerOptions, path: string): Promise<void> {
  if (unsafe(path)) return json(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: `Invalid path: ${path}` })
  const file = join(opts.root, ...path.split('/'))
  const s = await stat(file).catch(() => null)
  if (!s || !s.isFile()) return json(res, 404, { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `File not found: ${path}` })
  const m = opts.ignoreRange ? null : /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '')
  if (m && (m[1] || m[2])) {
    const start = m[1] ? Number(m[1]) : Math.max(s.size - Number(m[2]), 0)
    const end = m[1] && m[2] ? Math.min(Number(m[2]), s.size - 1) : s.size - 1
    if (start >= s.size) {
      res.writeHead(416, { 'content-range': `bytes */${s.size}` })
      return void res.end()
    }
    res.writeHead(206, {
      'content-type': 'application/octet-stream',
      'content-length': end - start + 1,
      'content-range': `bytes ${start}-${end}/${s.size}`,
      'accept-ranges': 'bytes',
    })
    createReadStream(file, { start, end }).pipe(res)
    return
  }
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': s.size })
  createReadStream(file).pipe(res)
}

export async function startMlflowArtifactServer(opts: MlflowArtifactServerOptions): Promise<MlflowArtifactServer> {
  const prefix = (opts.prefix ?? '').replace(/\/+$/, '')
  const requests: MlflowArtifactServer['requests'] = []
  const handler: RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const ok = authorized(req, opts)
    requests.push({ url: req.url ?? '', range: req.headers.range, authorized: ok })
    if (!ok) {
      // What MLflow's basic-auth app answers.
      res.writeHead(401, { 'www-authenticate': 'Basic realm="mlflow"', 'content-type': 'text/plain' })
      return void res.end(
        'You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html#authenticating-to-mlflow on how to authenticate.',
      )
    }
    const base = `${prefix}${ROUTE}`
    if (req.method !== 'GET') return json(res, 405, { error_code: 'BAD_REQUEST', message: 'Method not allowed' })
    const work =
      url.pathname === base
        ? listing(res, opts, url.searchParams.get('path') ?? '')
        : url.pathname.startsWith(`${base}/`)
          ? download(req, res, opts, decodeURIComponent(url.pathname.slice(base.length + 1)))
          : Promise.resolve(json(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: 'Not found' }))
    work.catch(() => json(res, 500, { error_code: 'INTERNAL_ERROR', message: 'error' }))
  }
  const server: Server = opts.tls ? createTlsServer({ cert: readFileSync(opts.tls.cert), key: readFileSync(opts.tls.key) }, handler) : createServer(handler)
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  return {
    trackingUri: opts.tls ? `https://localhost:${port}${prefix}` : `http://127.0.0.1:${port}${prefix}`,
    requests,
    async stop() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
