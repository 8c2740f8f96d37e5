import type { ChannelRequest, ChannelResponse, Channel } from '../../../shared/api/contract'
import { decodeWire, encodeWire } from '../../../shared/api/wireJson'

/** Ask the running server directly, to know what the UI should show. */
export async function apiCall<C extends Channel>(openUrl: string, channel: C, request: ChannelRequest<C>): Promise<ChannelResponse<C>> {
  const url = new URL(openUrl)
  const token = url.searchParams.get('token')!
  const res = await fetch(`${url.origin}/api/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: encodeWire(request),
  })
  const env = decodeWire(await res.text()) as { ok: boolean; data: ChannelResponse<C>; error?: { message: string } }
  if (!env.ok) throw new Error(env.error?.message)
  return env.data
}

export function e2eUrl(): string {
  const url = process.env.E2E_URL
  if (!url) throw new Error('E2E_URL is not set: globalSetup did not start the server')
  return url
}

/** The second store globalSetup loaded (the MLflow fixture), as a URI with its password. */
export function secondStoreUrl(): string {
  const url = process.env.E2E_SECOND_URL
  if (!url) throw new Error('E2E_SECOND_URL is not set: globalSetup did not create the second store')
  return url
}
