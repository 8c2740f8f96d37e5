import { AppError } from '@shared/api/errors'

/**
 * The IPC calls in flight, per window, so that a renderer's cancel reaches the
 * right call: a call the renderer may cancel carries an id it counted; the
 * cancel names that id and aborts the call's `signal` (its CallContext's).
 * A window reaches only its own calls: the owner is the sender's webContents
 * id, which main knows, never a value the renderer sends. Unknown and
 * malformed ids are ignored. Plain code, no Electron: electron/main/ipc.ts uses it.
 */

/** What a renderer may send as a call id: a positive integer it counted. */
export type CallId = number

export function isCallId(value: unknown): value is CallId {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0
}

export interface TrackedCall {
  readonly signal: AbortSignal
  /** The call answered: forget it (a later cancel of its id is ignored). */
  done(): void
}

interface OwnerCalls {
  /** Every call in flight, cancellable by id or not (cancelAll aborts them all). */
  all: Set<AbortController>
  byId: Map<CallId, AbortController>
}

export class IpcCalls {
  private readonly owners = new Map<number, OwnerCalls>()

  /**
   * A call starts. With a valid id it can be cancelled by its owner; without one (or with an id
   * already in flight for that owner) it still gets a signal, which only `cancelAll` aborts.
   */
  start(owner: number, id: unknown): TrackedCall {
    const controller = new AbortController()
    let calls = this.owners.get(owner)
    if (!calls) this.owners.set(owner, (calls = { all: new Set(), byId: new Map() }))
    calls.all.add(controller)
    const byId = isCallId(id) && !calls.byId.has(id) ? id : null
    if (byId !== null) calls.byId.set(byId, controller)
    return {
      signal: controller.signal,
      done: () => this.forget(owner, controller, byId),
    }
  }

  /** The owner's renderer gave up on call `id`. Returns whether a call was aborted. */
  cancel(owner: number, id: unknown): boolean {
    if (!isCallId(id)) return false
    const controller = this.owners.get(owner)?.byId.get(id)
    if (!controller) return false
    this.forget(owner, controller, id)
    controller.abort(cancelled())
    return true
  }

  /** The owner's page went away (closed, reloaded): abort all its calls. Returns how many. */
  cancelAll(owner: number): number {
    const calls = [...(this.owners.get(owner)?.all ?? [])]
    this.owners.delete(owner)
    for (const c of calls) c.abort(cancelled())
    return calls.length
  }

  /** Calls in flight for an owner. */
  inFlight(owner: number): number {
    return this.owners.get(owner)?.all.size ?? 0
  }

  private forget(owner: number, controller: AbortController, id: CallId | null): void {
    const calls = this.owners.get(owner)
    if (!calls) return
    calls.all.delete(controller)
    if (id !== null && calls.byId.get(id) === controller) calls.byId.delete(id)
    if (!calls.all.size) this.owners.delete(owner)
  }
}

const cancelled = () => new AppError('CANCELLED', 'The window cancelled the call.')
