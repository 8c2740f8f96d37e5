import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { AppError } from '@shared/api/errors'
import type { SavedQuery } from '@shared/domain/query'
import { queryPaths, JsonStore } from './jsonStore'
import { queryParamNames } from './paramNames'

const savedSchema = z.object({
  id: z.string(),
  name: z.string(),
  sql: z.string(),
  description: z.string().nullable(),
  created_at: z.number(),
  updated_at: z.number(),
})
const fileSchema = z.object({ version: z.literal(1), queries: z.array(savedSchema) })
type SavedFile = z.infer<typeof fileSchema>
type Stored = z.infer<typeof savedSchema>

/** Queries saved by name, with :named parameters; shared by every profile (a query fits any MLflow store). */
export class SavedQueries {
  private readonly store: JsonStore<SavedFile>

  constructor(home: string) {
    this.store = new JsonStore(queryPaths(home).saved, fileSchema, () => ({ version: 1, queries: [] }), 'the saved queries')
  }

  private static view(q: Stored): Promise<SavedQuery> {
    return queryParamNames(q.sql).then((params) => ({ ...q, params }))
  }

  /** The queries as stored, without their parameters (which list() reads with PostgreSQL's scanner): enough to search their names. */
  async stored(): Promise<Stored[]> {
    return (await this.store.read()).queries
  }

  async list(): Promise<SavedQuery[]> {
    const { queries } = await this.store.read()
    return Promise.all([...queries].sort((a, b) => a.name.localeCompare(b.name)).map(SavedQueries.view))
  }

  async save(input: { id?: string; name: string; sql: string; description?: string | null }): Promise<SavedQuery> {
    let saved: Stored | undefined
    await this.store.update((data) => {
      const clash = data.queries.find((q) => q.name.toLowerCase() === input.name.toLowerCase() && q.id !== input.id)
      if (clash) throw new AppError('CONFLICT', `A saved query is already named "${clash.name}": choose another name.`, { field: 'name' })
      const now = Date.now()
      const old = input.id ? data.queries.find((q) => q.id === input.id) : undefined
      if (input.id && !old) throw new AppError('NOT_FOUND', `No saved query with id "${input.id}".`, { field: 'id' })
      saved = {
        id: old?.id ?? randomUUID(),
        name: input.name,
        sql: input.sql,
        description: input.description === undefined ? (old?.description ?? null) : input.description,
        created_at: old?.created_at ?? now,
        updated_at: now,
      }
      return { version: 1, queries: [...data.queries.filter((q) => q.id !== saved!.id), saved] }
    })
    return SavedQueries.view(saved!)
  }

  async remove(id: string): Promise<void> {
    await this.store.update((data) => {
      if (!data.queries.some((q) => q.id === id)) throw new AppError('NOT_FOUND', `No saved query with id "${id}".`, { field: 'id' })
      return { version: 1, queries: data.queries.filter((q) => q.id !== id) }
    })
  }
}
