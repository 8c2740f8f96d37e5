import type { Channel, EventName } from '../../shared/api/channelNames'
import type { Envelope } from '../../shared/api/errors'

/** What the preload exposes as `window.mlflowDesk` (absent when served over HTTP). */
export interface DeskBridge {
  invoke(channel: Channel, request: unknown): Promise<Envelope<unknown>>
  on(event: EventName, listener: (payload: unknown) => void): () => void
}

declare global {
  interface Window {
    mlflowDesk?: DeskBridge
  }
}
