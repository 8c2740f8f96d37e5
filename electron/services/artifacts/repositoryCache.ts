import type { ArtifactAccess } from './artifactAccess'
import type { ArtifactRepository } from './artifactRepository'
import { openArtifactRepository } from './openRepository'

interface Entry {
  repo: Promise<ArtifactRepository>
  timer: NodeJS.Timeout
}

/** How long an unused repository (an SFTP session, an HTTP agent) stays open for the next click. */
export const REPOSITORY_IDLE_MS = 60_000

/**
 * Open artifact repositories of one window, by location, so browsing a run's folders reuses one
 * connection; each closes after a minute unused, and all close when the window leaves its store.
 */
export class RepositoryCache {
  private readonly entries = new Map<string, Entry>()

  constructor(private readonly idleMs = REPOSITORY_IDLE_MS) {}

  async get(uri: string, access: () => Promise<ArtifactAccess>): Promise<ArtifactRepository> {
    const held = this.entries.get(uri)
    if (held) {
      held.timer.refresh()
      return held.repo
    }
    const repo = access().then((a) => openArtifactRepository(uri, a))
    const timer = setTimeout(() => void this.drop(uri), this.idleMs)
    timer.unref()
    this.entries.set(uri, { repo, timer })
    // A location that failed to open is not kept: the next click tries again (settings may have changed).
    repo.catch(() => this.entries.get(uri)?.repo === repo && this.entries.delete(uri))
    return repo
  }

  private async drop(uri: string): Promise<void> {
    const e = this.entries.get(uri)
    if (!e) return
    this.entries.delete(uri)
    clearTimeout(e.timer)
    await (await e.repo.catch(() => null))?.close()
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((uri) => this.drop(uri)))
  }
}
