import { z } from 'zod'
import type { QueryTab } from '@shared/domain/audit'
import { auditPaths, JsonStore } from './jsonStore'

const fileSchema = z.object({
  version: z.literal(1),
  tabs: z.array(z.object({ id: z.string(), title: z.string(), sql: z.string(), params: z.record(z.string(), z.string()) })),
  active_tab_id: z.string().nullable(),
})
type TabsFile = z.infer<typeof fileSchema>

/** The console's tabs, per profile, kept across restarts (the HTTP transport's random port rules out browser storage). */
export class QueryTabs {
  private stores = new Map<string, JsonStore<TabsFile>>()

  constructor(private readonly home: string) {}

  private store(profileId: string): JsonStore<TabsFile> {
    const file = auditPaths(this.home).tabs(profileId)
    let s = this.stores.get(file)
    if (!s) this.stores.set(file, (s = new JsonStore(file, fileSchema, () => ({ version: 1, tabs: [], active_tab_id: null }))))
    return s
  }

  async get(profileId: string): Promise<{ tabs: QueryTab[]; active_tab_id: string | null }> {
    const { tabs, active_tab_id } = await this.store(profileId).read()
    return { tabs, active_tab_id }
  }

  async save(profileId: string, state: { tabs: QueryTab[]; active_tab_id: string | null }): Promise<void> {
    await this.store(profileId).update(() => ({ version: 1, ...state }))
  }
}
