import type { Channel, EventName } from '@shared/api/channelNames'
import type { Envelope } from '@shared/api/errors'

/** What the preload exposes as `window.mlflowDesk` (absent when served over HTTP). */
export interface DeskBridge {
  /** `callId` (a positive integer the renderer counted) makes the call cancellable by `cancel(callId)`. */
  invoke(channel: Channel, request: unknown, callId?: number): Promise<Envelope<unknown>>
  /** The renderer gave up on the call it sent with `callId`: main aborts its work (unknown ids are ignored). */
  cancel(callId: number): void
  on(event: EventName, listener: (payload: unknown) => void): () => void
}

declare global {
  interface Window {
    mlflowDesk?: DeskBridge
  }
}
