import { z } from 'zod'
import type { QueryTab } from '@shared/domain/query'
import { queryPaths, perProfileStores, type JsonStore } from './jsonStore'

const fileSchema = z.object({
  version: z.literal(1),
  tabs: z.array(z.object({ id: z.string(), title: z.string(), sql: z.string(), params: z.record(z.string(), z.string()) })),
  active_tab_id: z.string().nullable(),
})
type TabsFile = z.infer<typeof fileSchema>

/** The console's tabs, per profile, kept across restarts (the HTTP transport's random port rules out browser storage). */
export class QueryTabs {
  private readonly store: (profileId: string) => JsonStore<TabsFile>

  constructor(home: string) {
    this.store = perProfileStores(
      (id) => queryPaths(home).tabs(id),
      fileSchema,
      () => ({ version: 1, tabs: [], active_tab_id: null }),
      'the console tabs',
    )
  }

  async get(profileId: string): Promise<{ tabs: QueryTab[]; active_tab_id: string | null }> {
    const { tabs, active_tab_id } = await this.store(profileId).read()
    return { tabs, active_tab_id }
  }

  async save(profileId: string, state: { tabs: QueryTab[]; active_tab_id: string | null }): Promise<void> {
    await this.store(profileId).update(() => ({ version: 1, ...state }))
  }
}
