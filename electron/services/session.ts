import { AppError } from '@shared/api/errors'
import type { ConnectionSummary, SessionDescription } from '@shared/api/contract'
import type { ConnectionTarget } from './connections/connectionUrl'
import { openStore, type StoreHandle, type StoreOptions } from './connections/storeConnection'

/** How to (re)open the active store: a target, or a function that produces one (the demo starts lazily). */
export interface StoreSource {
  summary: ConnectionSummary
  resolve(): Promise<ConnectionTarget>
  options?: StoreOptions
}

/**
 * The process's active connection: one store handle at a time, opened on first
 * use, closed on switch or shutdown. Concurrent first calls share one open.
 */
export class Session {
  private source: StoreSource | null = null
  private handle: Promise<StoreHandle> | null = null

  constructor(source?: StoreSource) {
    if (source) this.source = source
  }

  get summary(): ConnectionSummary | null {
    return this.source?.summary ?? null
  }

  async use(source: StoreSource): Promise<void> {
    await this.close()
    this.source = source
  }

  store(): Promise<StoreHandle> {
    if (!this.source) return Promise.reject(new AppError('NO_STORE', 'No store is connected.'))
    if (!this.handle) {
      const src = this.source
      this.handle = src.resolve().then((t) => openStore(t, src.options))
      // A failed open is not cached: the next call tries again (the server may be back).
      this.handle.catch(() => {
        this.handle = null
      })
    }
    return this.handle
  }

  async describe(): Promise<SessionDescription> {
    const store = await this.store()
    return { connection: this.summary!, server_version: store.serverVersion, store: store.schema.describe() }
  }

  async close(): Promise<void> {
    const h = this.handle
    this.handle = null
    if (h) await h.then((s) => s.close()).catch(() => undefined)
  }
}
