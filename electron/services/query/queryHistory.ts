import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { isAppError } from '@shared/api/errors'
import type { QueryHistoryEntry } from '@shared/domain/query'
import { queryPaths, perProfileStores, type JsonStore } from './jsonStore'

/** Newest entries kept per profile, and the size the file is kept under. */
const MAX_ENTRIES = 1000
const MAX_BYTES = 5 * 1024 * 1024

const entrySchema = z.object({
  id: z.string(),
  sql: z.string(),
  at: z.number(),
  duration_ms: z.number(),
  rows: z.number().nullable(),
  ok: z.boolean(),
  error: z.string().nullable(),
  action: z.enum(['run', 'explain', 'export']),
})
const fileSchema = z.object({ version: z.literal(1), entries: z.array(entrySchema) })
type HistoryFile = z.infer<typeof fileSchema>

function trimmed(entries: QueryHistoryEntry[]): QueryHistoryEntry[] {
  const kept = entries.slice(0, MAX_ENTRIES)
  let size = JSON.stringify(kept).length
  while (kept.length > 1 && size > MAX_BYTES) size -= JSON.stringify(kept.pop()).length + 1
  return kept
}

/** Entries whose write failed: kept in memory, shown, and written with the next entry that can be. */
interface Unsaved {
  entries: QueryHistoryEntry[]
  /** The last write's failure, as the user is told it. */
  message: string
}

/**
 * Every statement a profile ran in the console (text, when, duration, rows, ok
 * or the error), newest first. Nothing is dropped silently: when the file
 * cannot be written (a full disk), the entries stay in memory, are listed with
 * the others, are reported by unsavedWarning(), and go to the file with the
 * next write that succeeds. The file on disk keeps its previous content.
 */
export class QueryHistory {
  private readonly store: (profileId: string) => JsonStore<HistoryFile>
  private readonly unsaved = new Map<string, Unsaved>()
  /** One change at a time per profile, so held entries are written once. */
  private readonly chains = new Map<string, Promise<unknown>>()

  constructor(home: string) {
    this.store = perProfileStores(
      (id) => queryPaths(home).history(id),
      fileSchema,
      () => ({ version: 1, entries: [] }),
      'the console history',
    )
  }

  private serial<T>(profileId: string, work: () => Promise<T>): Promise<T> {
    const next = (this.chains.get(profileId) ?? Promise.resolve()).then(work)
    this.chains.set(
      profileId,
      next.catch(() => undefined),
    )
    return next
  }

  /** Record an entry. Rejects with WRITE_FAILED when the file could not be written; the entry is kept all the same. */
  async append(profileId: string, entry: Omit<QueryHistoryEntry, 'id'>): Promise<QueryHistoryEntry> {
    const full = { id: randomUUID(), ...entry }
    await this.serial(profileId, async () => {
      const held = this.unsaved.get(profileId)?.entries ?? []
      const fresh = [full, ...held]
      try {
        await this.store(profileId).update((data) => ({ version: 1, entries: trimmed([...fresh, ...data.entries]) }))
        this.unsaved.delete(profileId)
      } catch (e) {
        const message = isAppError(e) || e instanceof Error ? e.message : String(e)
        this.unsaved.set(profileId, { entries: trimmed(fresh), message })
        throw e
      }
    })
    return full
  }

  /**
   * Why entries of this profile are not on disk, and how many: null when all are.
   * Said to the user beside the history.
   */
  unsavedWarning(profileId: string): string | null {
    const u = this.unsaved.get(profileId)
    if (!u) return null
    const n = u.entries.length
    return `${n === 1 ? '1 history entry is' : `${n} history entries are`} not saved: ${u.message} ${n === 1 ? 'It is' : 'They are'} kept in memory and saved with the next query once the file can be written.`
  }

  /** Newest first; `search` matches the SQL text or the error, in any case. Entries not yet saved are included. */
  async list(profileId: string, opts: { search?: string; limit: number }): Promise<QueryHistoryEntry[]> {
    const needle = opts.search?.trim().toLowerCase()
    const { entries: stored } = await this.store(profileId).read()
    // An entry being written right now can be in both for a moment.
    const seen = new Set<string>()
    const entries = [...(this.unsaved.get(profileId)?.entries ?? []), ...stored].filter((e) => !seen.has(e.id) && !!seen.add(e.id))
    return (needle ? entries.filter((e) => e.sql.toLowerCase().includes(needle) || !!e.error?.toLowerCase().includes(needle)) : entries).slice(0, opts.limit)
  }

  async clear(profileId: string): Promise<void> {
    await this.serial(profileId, async () => {
      await this.store(profileId).update(() => ({ version: 1, entries: [] }))
      this.unsaved.delete(profileId)
    })
  }
}
