import { existsSync } from 'node:fs'
import { readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import type { z } from 'zod'
import { writeFileAtomic } from '../config/atomicFile'
import { saveFailed } from '../config/saveErrors'

/** Where the SQL console keeps its files under the app's data folder (the folder keeps its first name, audit/, so nothing is lost). */
export function queryPaths(home: string) {
  const root = join(home, 'audit')
  // Profile ids are UUIDs or "demo"/"env"/"url"; anything else is made file-name safe.
  const safe = (profileId: string) => profileId.replace(/[^\w-]/g, '_')
  return {
    history: (profileId: string) => join(root, 'history', `${safe(profileId)}.json`),
    tabs: (profileId: string) => join(root, 'tabs', `${safe(profileId)}.json`),
    saved: join(root, 'saved-queries.json'),
  }
}

/**
 * A small JSON file read and rewritten whole (atomically), one change at a
 * time. A file that cannot be read (a hand edit, a crash of another tool) is
 * moved aside as <file>.unreadable-<time> — never silently overwritten — and
 * the store starts empty. A write that fails (a full disk) leaves the previous
 * file as it was and throws WRITE_FAILED naming `what` and the file.
 */
export class JsonStore<T> {
  private queue: Promise<unknown> = Promise.resolve()

  constructor(
    readonly file: string,
    private readonly schema: z.ZodType<T>,
    private readonly empty: () => T,
    /** What the file holds, for messages: "the console history". */
    readonly what = 'the file',
  ) {}

  /** The file as it is once the changes already asked for are written. */
  async read(): Promise<T> {
    await this.queue
    return this.readNow()
  }

  private async readNow(): Promise<T> {
    if (!existsSync(this.file)) return this.empty()
    const text = await readFile(this.file, 'utf8')
    let parsed: ReturnType<z.ZodType<T>['safeParse']> | null
    try {
      parsed = this.schema.safeParse(JSON.parse(text))
    } catch {
      parsed = null
    }
    if (parsed?.success) return parsed.data
    const aside = `${this.file}.unreadable-${new Date().toISOString().replace(/[:.]/g, '-')}`
    try {
      await rename(this.file, aside)
    } catch (e) {
      // Not moved aside: starting empty would overwrite it at the next write.
      throw saveFailed(e, `${this.what} (its unreadable file could not be moved aside to ${aside})`, this.file)
    }
    return this.empty()
  }

  /** Read, change, write — serialised, so concurrent updates never lose each other. */
  update(change: (data: T) => T): Promise<T> {
    const next = this.queue.then(async () => {
      const data = change(await this.readNow())
      try {
        await writeFileAtomic(this.file, JSON.stringify(data) + '\n')
      } catch (e) {
        throw saveFailed(e, this.what, this.file)
      }
      return data
    })
    this.queue = next.catch(() => undefined)
    return next
  }
}

/** One JsonStore per profile file, made on first use and kept (so each file has one write queue). */
export function perProfileStores<T>(
  fileOf: (profileId: string) => string,
  schema: z.ZodType<T>,
  empty: () => T,
  what?: string,
): (profileId: string) => JsonStore<T> {
  const stores = new Map<string, JsonStore<T>>()
  return (profileId) => {
    const file = fileOf(profileId)
    let s = stores.get(file)
    if (!s) stores.set(file, (s = new JsonStore(file, schema, empty, what)))
    return s
  }
}
