import type { Channel, ChannelRequest, ChannelResponse, EventName, EventPayload } from '@shared/api/contract'
import { AppError } from '@shared/api/errors'
import { detectTransport, type Transport } from './transport'

let transport: Transport | null = null
const current = () => (transport ??= detectTransport())

/** Vue proxies cannot cross IPC (structured clone) and should not reach JSON: send plain data. */
function plain<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T)
}

/**
 * The renderer's single door to the app: typed by the contract, the same over
 * Electron IPC and the local HTTP transport. Failures throw AppError.
 */
export const api = {
  async call<C extends Channel>(channel: C, request: ChannelRequest<C>): Promise<ChannelResponse<C>> {
    const envelope = await current().invoke(channel, plain(request))
    if (envelope.ok) return envelope.data as ChannelResponse<C>
    throw AppError.fromPayload(envelope.error)
  },
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    return current().on(event, (p) => listener(p as EventPayload<E>))
  },
  get transportKind(): Transport['kind'] {
    return current().kind
  },
}

/** Tests swap the transport. */
export function useTransport(t: Transport): void {
  transport = t
}
