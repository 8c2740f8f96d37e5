import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import sirv from 'sirv'
import { MAX_REQUEST_DEPTH, decodeWire, encodeWire } from '@shared/api/wireJson'
import type { EventName, EventPayload } from '@shared/api/contract'
import { AppError, isAppError, type AppErrorCode, type Envelope } from '@shared/api/errors'
import { dispatch } from '../api/dispatch'
import type { CallContext, Handlers } from '../api/handlers'
import type { Workspace } from '../workspace'
import { allowedHost, allowedOrigin, requestToken, SECURITY_HEADERS, tokenMatches } from './security'
import { statusForError } from './statusForError'

export interface HttpTransportOptions {
  handlers: Handlers
  workspace: Workspace
  /** The built renderer (out/renderer). */
  rendererDir: string
  /** 0 picks a free port. */
  port?: number
  /** Default: a fresh random token per start. */
  token?: string
}

export interface HttpTransport {
  url: string
  /** The URL to open: carries the token once; the renderer moves it out of the address bar. */
  openUrl: string
  port: number
  token: string
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void
  close(): Promise<void>
}

const MAX_BODY = 1024 * 1024

function send(res: ServerResponse, status: number, envelope: Envelope<unknown>): void {
  const body = encodeWire(envelope)
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' })
  res.end(body)
}

function fail(res: ServerResponse, code: AppErrorCode, message: string): void {
  send(res, statusForError(code), { ok: false, error: { code, message } })
}

/**
 * The channel named by an API path (`/api/runs:search` -> `runs:search`). A
 * malformed percent-escape is the caller's mistake, said with its place: a 400,
 * never the URIError a bare decodeURIComponent would throw.
 */
export function channelFromPath(pathname: string): string {
  const rest = pathname.slice('/api/'.length)
  try {
    return decodeURIComponent(rest)
  } catch {
    const at = rest.search(/%(?![0-9a-fA-F]{2})/)
    const where = at >= 0 ? ` at character ${'/api/'.length + at + 1} ("${rest.slice(at, at + 3)}")` : ''
    throw new AppError(
      'BAD_REQUEST',
      `The API path has a malformed percent-escape${where}: write %XX with two hex digits, or the channel name as is (/api/runs:search).`,
      {
        field: 'path',
        ...(at >= 0 ? { position: '/api/'.length + at, length: Math.min(3, rest.length - at) } : {}),
      },
    )
  }
}

/**
 * Aborted when the client goes away (fetch aborted, tab closed, connection lost) before the answer
 * is written. The response's 'close', not the request's: since Node 16 a request closes once its
 * body is read, which is not the client leaving.
 */
function closedBeforeAnswer(res: ServerResponse): AbortSignal {
  const controller = new AbortController()
  const onClose = (): void => {
    if (!res.writableEnded) controller.abort(new AppError('CANCELLED', 'The HTTP client closed the request before it was answered.'))
  }
  if (res.destroyed) onClose()
  else res.once('close', onClose)
  return controller.signal
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY) throw new AppError('BAD_REQUEST', 'Request body is larger than 1 MiB.')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/**
 * The local HTTP transport (`mlflow-desk serve`): the built renderer plus
 * `POST /api/<channel>` over the same handlers as Electron IPC. Bound to
 * 127.0.0.1 only; every /api/ request needs the per-start token.
 */
export async function startHttpTransport(opts: HttpTransportOptions): Promise<HttpTransport> {
  const token = opts.token ?? randomBytes(24).toString('base64url')
  if (!existsSync(opts.rendererDir)) {
    throw new AppError('INTERNAL', `The built renderer is missing at ${opts.rendererDir}: run "npm run build" first.`)
  }
  const statics = sirv(opts.rendererDir, {
    dev: false,
    etag: true,
    setHeaders: (res) => {
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v)
    },
  })
  const streams = new Set<ServerResponse>()
  let port = 0

  const server = createServer((req, res) => {
    void handle(req, res).catch((e: unknown) => {
      // Whatever went wrong, the process stays up: answer if we still can, else drop this one request.
      try {
        if (res.headersSent) res.destroy()
        else if (isAppError(e)) fail(res, e.code, e.message)
        else fail(res, 'INTERNAL', 'The request could not be handled.')
      } catch {
        res.destroy()
      }
    })
  })
  // A request Node's parser refuses (a byte not allowed in a path, a broken header): a 400 with a code like every other.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy()
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW'
    const body = encodeWire({
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: tooLarge ? 'The request headers are too large.' : 'The request is not valid HTTP (its line or a header cannot be read).',
      },
    })
    socket.end(
      `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    )
  })

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!allowedHost(req, port)) return fail(res, 'FORBIDDEN', 'Host not allowed: use http://127.0.0.1:' + port)
    let url: URL
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`)
    } catch {
      return fail(res, 'BAD_REQUEST', 'The request path is not a valid URL path.')
    }
    if (!url.pathname.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 'FORBIDDEN', 'Only GET is served outside /api/.')
      return statics(req, res, () => fail(res, 'NOT_FOUND', `Not found: ${url.pathname}`))
    }
    // EventSource cannot send headers, so the event stream alone takes the token as a query parameter.
    const given = url.pathname === '/api/events' ? url.searchParams.get('token') : requestToken(req)
    if (!tokenMatches(given, token)) return fail(res, 'UNAUTHORIZED', 'Missing or wrong token.')
    if (!allowedOrigin(req, port)) return fail(res, 'FORBIDDEN', 'Cross-origin requests are refused.')
    if (url.pathname === '/api/events' && req.method === 'GET') return openEventStream(res)
    if (req.method !== 'POST') return fail(res, 'BAD_REQUEST', 'API calls are POST with a JSON body.')
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      return fail(res, 'BAD_REQUEST', 'API calls need Content-Type: application/json.')
    }
    let body: unknown
    try {
      const text = await readBody(req)
      body = text.trim() === '' ? {} : decodeWire(text, { maxDepth: MAX_REQUEST_DEPTH })
    } catch (e) {
      const why =
        e instanceof AppError ? e.message : e instanceof RangeError ? 'The request body is nested too deeply to read.' : 'The request body is not valid JSON.'
      return fail(res, 'BAD_REQUEST', why)
    }
    let channel: string
    try {
      channel = channelFromPath(url.pathname)
    } catch (e) {
      return e instanceof AppError ? send(res, 400, { ok: false, error: e.toPayload() }) : fail(res, 'BAD_REQUEST', 'The API path cannot be read.')
    }
    const envelope = await dispatch(opts.handlers, channel, body, await callContext(req, res))
    // The client that gave up gets nothing (its socket is gone); the work it started has been cancelled.
    if (!res.destroyed) send(res, envelope.ok ? 200 : statusForError(envelope.error.code), envelope)
  }

  /** Each browser tab is a window with its own profile: it names itself in X-Desk-Window. */
  async function callContext(req: IncomingMessage, res: ServerResponse): Promise<CallContext> {
    const raw = req.headers['x-desk-window']
    const key = typeof raw === 'string' && /^[\w-]{8,64}$/.test(raw) ? raw : 'default'
    return {
      window: await opts.workspace.window(`http:${key}`),
      signal: closedBeforeAnswer(res),
      openWindow: async (profileId) => `http://127.0.0.1:${port}/?token=${token}#/experiments?profile=${encodeURIComponent(profileId)}`,
    }
  }

  function openEventStream(res: ServerResponse): void {
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', Connection: 'keep-alive' })
    res.write(': connected\n\n')
    streams.add(res)
    res.on('close', () => streams.delete(res))
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as AddressInfo).port
  const base = `http://127.0.0.1:${port}`
  return {
    url: base,
    openUrl: `${base}/?token=${token}`,
    port,
    token,
    emit(event, payload) {
      const frame = `event: ${event}\ndata: ${encodeWire(payload)}\n\n`
      for (const s of streams) s.write(frame)
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of streams) s.end()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
