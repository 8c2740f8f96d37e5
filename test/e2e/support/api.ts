import type { Channel, ChannelRequest, ChannelResponse } from '@shared/api/contract'
import { AppError, type AppErrorPayload } from '@shared/api/errors'
import { decodeWire, encodeWire } from '@shared/api/wireJson'

/**
 * Ask the running server directly, to know what the UI should show: typed by the app's contract
 * (a wrong channel or request is a compile error), the envelope unwrapped as the renderer's
 * `api.call` does. A failure throws the server's AppError (code, message and details), so a spec
 * can compare its message with what the page shows. `openUrl` is the served app's URL with its
 * token (the one globalSetup started, by default).
 */
export async function api<C extends Channel>(channel: C, request: ChannelRequest<C>, openUrl: string = e2eUrl()): Promise<ChannelResponse<C>> {
  const url = new URL(openUrl)
  const token = url.searchParams.get('token')
  if (!token) throw new Error(`${openUrl} carries no ?token=: pass the URL serve printed`)
  const res = await fetch(`${url.origin}/api/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: encodeWire(request),
  })
  const body = await res.text()
  let env: { ok: true; data: ChannelResponse<C> } | { ok: false; error: AppErrorPayload }
  try {
    env = decodeWire(body) as typeof env
  } catch {
    throw new Error(`${channel}: HTTP ${res.status} answered no envelope: ${body.slice(0, 200)}`)
  }
  if (!env.ok) throw AppError.fromPayload(env.error)
  return env.data
}

/** The AppError the server refuses a request with; fails when the request succeeds. */
export async function apiFailure<C extends Channel>(channel: C, request: ChannelRequest<C>, openUrl?: string): Promise<AppError> {
  const outcome = await api(channel, request, openUrl).then(
    () => null,
    (e: unknown) => e,
  )
  if (!(outcome instanceof AppError)) throw new Error(`${channel} was expected to fail with an AppError, got ${outcome === null ? 'success' : String(outcome)}`)
  return outcome
}

export function e2eUrl(): string {
  const url = process.env.E2E_URL
  if (!url) throw new Error('E2E_URL is not set: globalSetup did not start the server')
  return url
}

/** The served app's MLFLOW_DESK_HOME (its profiles, demo cluster and logs), as globalSetup made it. */
export function e2eHome(): string {
  const home = process.env.E2E_HOME
  if (!home) throw new Error('E2E_HOME is not set: globalSetup did not start the server')
  return home
}

/** The second store globalSetup loaded (the MLflow fixture), as a URI with its password. */
export function secondStoreUrl(): string {
  const url = process.env.E2E_SECOND_URL
  if (!url) throw new Error('E2E_SECOND_URL is not set: globalSetup did not create the second store')
  return url
}
