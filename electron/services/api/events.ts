import type { EventName, EventPayload } from '@shared/api/contract'

type Listener = <E extends EventName>(event: E, payload: EventPayload<E>) => void

/** main -> renderer pushes. Handlers emit; each transport forwards to its windows. */
export class EventHub {
  private listeners = new Set<Listener>()

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const l of this.listeners) l(event, payload)
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}
