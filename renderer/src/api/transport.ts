import type { Channel, EventName } from '@shared/api/channelNames'
import type { Envelope } from '@shared/api/errors'
import { decodeWire, encodeWire } from '@shared/api/wireJson'

/** How a call reaches the services. The rest of the renderer never knows which one it has. */
export interface Transport {
  readonly kind: 'ipc' | 'http'
  /** Aborting `signal` stops the call's server work too (HTTP closes the request; IPC sends a cancel). */
  invoke(channel: Channel, request: unknown, signal?: AbortSignal): Promise<Envelope<unknown>>
  on(event: EventName, listener: (payload: unknown) => void): () => void
}

const TOKEN_KEY = 'mlflow-desk-token'

/**
 * The HTTP transport's token arrives once in the page URL (?token=...). Keep it
 * for this tab only and take it out of the address bar and history.
 */
function takeToken(): string {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash)
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? ''
}

const WINDOW_PREFIX = 'desk-'
/** What the local server accepts in X-Desk-Window. */
const WINDOW_ID = /^[A-Za-z0-9_-]{8,64}$/

/**
 * This tab's session id for the local server, which keeps one profile per id.
 * Kept in window.name: it survives reloads but, unlike sessionStorage, is not
 * copied into a tab opened with window.open, so each tab gets its own session.
 */
export function windowId(): string {
  const name = window.name
  if (name.startsWith(WINDOW_PREFIX) && WINDOW_ID.test(name)) return name
  const bytes = crypto.getRandomValues(new Uint8Array(12))
  const id = WINDOW_PREFIX + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
  window.name = id
  return id
}

function httpTransport(): Transport {
  const token = takeToken()
  const deskWindow = windowId()
  return {
    kind: 'http',
    async invoke(channel, request, signal) {
      let res: Response
      try {
        res = await fetch(`/api/${encodeURIComponent(channel)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'X-Desk-Window': deskWindow },
          body: encodeWire(request ?? {}),
          signal,
        })
      } catch {
        if (signal?.aborted) return CANCELLED
        return {
          ok: false,
          error: { code: 'CONNECTION_REFUSED', message: 'MLflow Desk’s local server is not answering. Is `mlflow-desk serve` still running?' },
        }
      }
      let text: string
      try {
        text = await res.text()
      } catch {
        return signal?.aborted ? CANCELLED : { ok: false, error: { code: 'CONNECTION_REFUSED', message: 'The local server’s answer was cut off.' } }
      }
      try {
        return decodeWire(text) as Envelope<unknown>
      } catch {
        return { ok: false, error: { code: 'INTERNAL', message: `Unexpected answer from the local server (HTTP ${res.status}).` } }
      }
    },
    on(event, listener) {
      const source = new EventSource(`/api/events?token=${encodeURIComponent(token)}`)
      const handler = (e: MessageEvent) => listener(decodeWire(e.data))
      source.addEventListener(event, handler)
      return () => source.close()
    },
  }
}

/** How a call the renderer gave up on ends, on either transport. */
export const CANCELLED = { ok: false, error: { code: 'CANCELLED', message: 'The call was cancelled.' } } as const satisfies Envelope<never>

function ipcTransport(bridge: NonNullable<Window['mlflowDesk']>): Transport {
  /** Ids of this page's cancellable calls; main keeps them per window, so they need only be unique here. */
  let lastCallId = 0
  return {
    kind: 'ipc',
    invoke(channel, request, signal) {
      if (!signal) return bridge.invoke(channel, request)
      if (signal.aborted) return Promise.resolve(CANCELLED)
      const id = ++lastCallId
      const cancel = () => bridge.cancel(id)
      signal.addEventListener('abort', cancel, { once: true })
      return bridge.invoke(channel, request, id).finally(() => signal.removeEventListener('abort', cancel))
    },
    on: (e, l) => bridge.on(e, l),
  }
}

export function detectTransport(): Transport {
  return window.mlflowDesk ? ipcTransport(window.mlflowDesk) : httpTransport()
}
