import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import type { QueryHistoryEntry } from '@shared/domain/audit'
import { auditPaths, perProfileStores, type JsonStore } from './jsonStore'

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

/** Every statement a profile ran in the console (text, when, duration, rows, ok or the error), newest first. */
export class QueryHistory {
  private readonly store: (profileId: string) => JsonStore<HistoryFile>

  constructor(home: string) {
    this.store = perProfileStores((id) => auditPaths(home).history(id), fileSchema, () => ({ version: 1, entries: [] }))
  }

  async append(profileId: string, entry: Omit<QueryHistoryEntry, 'id'>): Promise<QueryHistoryEntry> {
    const full = { id: randomUUID(), ...entry }
    await this.store(profileId).update((data) => {
      const entries = [full, ...data.entries].slice(0, MAX_ENTRIES)
      let size = JSON.stringify(entries).length
      while (entries.length > 1 && size > MAX_BYTES) size -= JSON.stringify(entries.pop()).length + 1
      return { version: 1, entries }
    })
    return full
  }

  /** Newest first; `search` matches the SQL text or the error, in any case. */
  async list(profileId: string, opts: { search?: string; limit: number }): Promise<QueryHistoryEntry[]> {
    const needle = opts.search?.trim().toLowerCase()
    const { entries } = await this.store(profileId).read()
    return (needle ? entries.filter((e) => e.sql.toLowerCase().includes(needle) || !!e.error?.toLowerCase().includes(needle)) : entries).slice(0, opts.limit)
  }

  async clear(profileId: string): Promise<void> {
    await this.store(profileId).update(() => ({ version: 1, entries: [] }))
  }
}
