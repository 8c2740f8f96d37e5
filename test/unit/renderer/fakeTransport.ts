import type { Channel } from '@shared/api/channelNames'
import { AppError, type Envelope } from '@shared/api/errors'
import type { Transport } from '../../../renderer/src/api/transport'

type Handler = (request: any) => unknown

/** A transport answering from plain functions; records every call. Throw an AppError to answer with an error. */
export function fakeTransport(handlers: Partial<Record<Channel, Handler>>) {
  const calls: Array<{ channel: Channel; request: any; signal?: AbortSignal }> = []
  const transport: Transport = {
    kind: 'http',
    async invoke(channel, request, signal): Promise<Envelope<unknown>> {
      calls.push({ channel, request, signal })
      const handler = handlers[channel]
      if (!handler) return { ok: false, error: { code: 'UNKNOWN_CHANNEL', message: `no fake for ${channel}` } }
      try {
        return { ok: true, data: await handler(request) }
      } catch (e) {
        return { ok: false, error: e instanceof AppError ? e.toPayload() : { code: 'INTERNAL', message: String(e) } }
      }
    },
    on: () => () => undefined,
  }
  return {
    transport,
    calls,
    channels: () => calls.map((c) => c.channel),
    /** The channels of the calls whose signal was aborted (the caller gave up on them). */
    aborted: () => calls.filter((c) => c.signal?.aborted).map((c) => c.channel),
  }
}

/** localStorage for the node environment the unit tests run in. */
export function memoryStorage(): Storage {
  const m = new Map<string, string>()
  return {
    get length() {
      return m.size
    },
    clear: () => m.clear(),
    getItem: (k) => m.get(k) ?? null,
    key: (i) => [...m.keys()][i] ?? null,
    removeItem: (k) => void m.delete(k),
    setItem: (k, v) => void m.set(k, String(v)),
  }
}
