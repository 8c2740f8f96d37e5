import type { ConnectionSummary, SessionDescription } from '@shared/api/contract'
import { AppError } from '@shared/api/errors'
import type { ProfileView } from '@shared/domain/profiles'
import type { ArtifactAccess } from './artifacts/artifactAccess'
import { RepositoryCache } from './artifacts/repositoryCache'
import { sessionRoleAccess } from './connections/roleAccess'
import { openStore, type StoreHandle } from './connections/storeConnection'
import { sourceArtifactAccess, type ExtraProfile, type StoreSource } from './storeSource'

export { sourceArtifactAccess, type ExtraProfile, type StoreSource } from './storeSource'

/** What the workspace needs of the saved profiles (the composition root passes the profile service). */
export interface ProfileCatalog {
  list(): Promise<ProfileView[]>
  source(id: string): Promise<StoreSource>
}

interface Entry {
  gen: number
  handle: Promise<StoreHandle>
  refs: number
}

interface Lease {
  id: string
  gen: number
  handle: Promise<StoreHandle>
}

const MAX_WINDOWS = 64

/**
 * All connections of the process: one pooled store handle per profile, shared
 * by the windows that show it and closed (running queries cancelled) when the
 * last one leaves it or the profile changes.
 */
export class Workspace {
  private entries = new Map<string, Entry>()
  private windows = new Map<string, WindowSession>()
  private gen = 0

  constructor(
    private readonly profiles: ProfileCatalog,
    private readonly extras: ExtraProfile[],
    /** The profile a new window starts on. */
    private readonly initialId: () => Promise<string>,
    /** MLflow's environment variables for artifact stores (the CLI's own, in its tests). */
    readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  async views(): Promise<ProfileView[]> {
    return [...this.extras.map((e) => e.view), ...(await this.profiles.list())]
  }

  async source(id: string): Promise<StoreSource> {
    return this.extras.find((e) => e.view.id === id)?.source ?? this.profiles.source(id)
  }

  async acquire(id: string): Promise<Lease & { summary: ConnectionSummary }> {
    const source = await this.source(id)
    let entry = this.entries.get(id)
    if (!entry) {
      const gen = ++this.gen
      const handle = source.resolve().then((t) => openStore(t, source.options))
      entry = { gen, handle, refs: 0 }
      this.entries.set(id, entry)
      // A failed open is not kept: the next call tries again (the server may be back).
      handle.catch(() => {
        if (this.entries.get(id)?.gen === gen) this.entries.delete(id)
      })
    }
    entry.refs++
    return { id, gen: entry.gen, handle: entry.handle, summary: source.summary }
  }

  isCurrent(lease: Lease): boolean {
    return this.entries.get(lease.id)?.gen === lease.gen
  }

  async release(lease: Lease): Promise<void> {
    const entry = this.entries.get(lease.id)
    if (!entry || entry.gen !== lease.gen) return
    if (--entry.refs <= 0) {
      this.entries.delete(lease.id)
      await entry.handle.then((h) => h.close()).catch(() => undefined)
    }
  }

  /** The profile changed or went away: close its store now; windows reconnect on their next call. */
  async invalidate(id: string): Promise<void> {
    const entry = this.entries.get(id)
    if (!entry) return
    this.entries.delete(id)
    await entry.handle.then((h) => h.close()).catch(() => undefined)
  }

  /** The session of one window (an Electron webContents, a browser tab), created on first use. */
  async window(key: string): Promise<WindowSession> {
    let w = this.windows.get(key)
    if (!w) {
      if (this.windows.size >= MAX_WINDOWS) await this.closeWindow(this.windows.keys().next().value!)
      w = new WindowSession(this, await this.initialId())
      this.windows.set(key, w)
    }
    return w
  }

  async closeWindow(key: string): Promise<void> {
    const w = this.windows.get(key)
    this.windows.delete(key)
    await w?.close()
  }

  async dispose(): Promise<void> {
    for (const key of [...this.windows.keys()]) await this.closeWindow(key)
    for (const id of [...this.entries.keys()]) await this.invalidate(id)
    for (const e of this.extras) await e.dispose?.()
  }
}

/** One window's view of the workspace: which profile it shows, and its store. */
export class WindowSession {
  private lease: (Lease & { summary: ConnectionSummary }) | null = null
  private leaveListeners = new Set<() => void>()
  /** The artifact stores this window reads, kept open between clicks; closed when it leaves its profile. */
  readonly artifactRepositories = new RepositoryCache()

  constructor(
    private readonly workspace: Workspace,
    public profileId: string,
  ) {}

  /**
   * The window's store. With a signal (a call's: `call.window.store(call.signal)`), a light view of
   * the shared handle whose reads that signal cancels, on the server too; the pool stays shared.
   */
  async store(signal?: AbortSignal): Promise<StoreHandle> {
    if (signal?.aborted) throw new AppError('CANCELLED', 'The call was cancelled before it reached the store.')
    if (!this.lease || !this.workspace.isCurrent(this.lease)) {
      const old = this.lease
      this.lease = null
      if (old) await this.workspace.release(old)
      this.lease = await this.workspace.acquire(this.profileId)
    }
    const lease = this.lease
    const opened = lease.handle.catch((e: unknown) => {
      if (this.lease === lease) this.lease = null
      throw e
    })
    if (!signal) return opened
    // A caller that gives up while the store opens stops waiting; the open goes on for the others.
    return new Promise<StoreHandle>((resolve, reject) => {
      const onAbort = () => reject(new AppError('CANCELLED', 'The call was cancelled while the store was opening.'))
      signal.addEventListener('abort', onAbort, { once: true })
      opened
        .then(
          (handle) => resolve(handle.withSignal(signal)),
          (e: unknown) => reject(e),
        )
        .finally(() => signal.removeEventListener('abort', onAbort))
    })
  }

  /** How this window's profile reads its artifact stores (secrets opened here, in main). */
  async artifactAccess(): Promise<ArtifactAccess> {
    return sourceArtifactAccess(await this.workspace.source(this.profileId), this.workspace.env)
  }

  async describe(signal?: AbortSignal): Promise<SessionDescription> {
    const store = await this.store(signal)
    return {
      connection: this.lease!.summary,
      server_version: store.serverVersion,
      standby: store.standby,
      store: store.schema.describe(),
      role_access: await sessionRoleAccess(store),
    }
  }

  /** Called whenever the window leaves its store (switches profile, closes): e.g. to cancel its raw queries. */
  onLeave(listener: () => void): () => void {
    this.leaveListeners.add(listener)
    return () => this.leaveListeners.delete(listener)
  }

  /** Show another profile. The old store is released (closed when no other window uses it). */
  async switchTo(id: string): Promise<void> {
    await this.workspace.source(id)
    this.leaveListeners.forEach((l) => l())
    void this.artifactRepositories.closeAll()
    const old = this.lease
    this.lease = null
    this.profileId = id
    if (old) await this.workspace.release(old)
  }

  async close(): Promise<void> {
    this.leaveListeners.forEach((l) => l())
    await this.artifactRepositories.closeAll()
    const old = this.lease
    this.lease = null
    if (old) await this.workspace.release(old)
  }
}
