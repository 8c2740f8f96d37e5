import type { Channel, ChannelRequest, ChannelResponse, EventName, EventPayload } from '@shared/api/contract'
import { AppError } from '@shared/api/errors'
import { CANCELLED, detectTransport, type Transport } from './transport'

let transport: Transport | null = null
const current = () => (transport ??= detectTransport())

/** Vue proxies cannot cross IPC (structured clone) and should not reach JSON: send plain data. */
function plain<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T)
}

export interface CallOptions {
  /** Aborting it ends the call at once (rejecting with a cancellation, see isCancelled) and stops its server work. */
  signal?: AbortSignal
}

/** A call its caller gave up on (its signal aborted): CANCELLED, and not a failure to show. */
export class CallCancelled extends AppError {
  constructor() {
    super('CANCELLED', CANCELLED.error.message)
  }
}

/** Did the caller give up on this call (as opposed to the server cancelling a query, say)? */
export function isCancelled(e: unknown): e is CallCancelled {
  return e instanceof CallCancelled
}

const cancelled = () => new CallCancelled()

/** The transport's answer, or a cancellation as soon as `signal` aborts (whatever the transport does with it). */
export function untilAborted<T>(answer: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return answer
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled())
    if (signal.aborted) return onAbort()
    signal.addEventListener('abort', onAbort, { once: true })
    answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

/**
 * The renderer's single door to the app: typed by the contract, the same over
 * Electron IPC and the local HTTP transport. Failures throw AppError.
 */
export const api = {
  async call<C extends Channel>(channel: C, request: ChannelRequest<C>, options: CallOptions = {}): Promise<ChannelResponse<C>> {
    const { signal } = options
    if (signal?.aborted) throw cancelled()
    const envelope = await untilAborted(current().invoke(channel, plain(request), signal), signal)
    if (envelope.ok) return envelope.data as ChannelResponse<C>
    if (signal?.aborted) throw cancelled()
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
