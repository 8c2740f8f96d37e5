/// <reference types="vite/client" />
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LibraryQuery, QueryParameter } from '@shared/domain/query'

/**
 * The ready audit queries: one .sql file each under ./library, opening with a
 * header comment:
 *
 *   -- title: Zombie runs: still RUNNING long after their last metric
 *   -- description: ... (one line)
 *   -- param: hours = 24 | Hours of silence before a run counts as a zombie
 *
 * The files are bundled into the build by Vite (import.meta.glob ... ?raw), so
 * they ship inside the app; run from source without Vite (tsx), they are read
 * from disk.
 */
function libraryFiles(): Record<string, string> {
  let bundled: Record<string, string> | null
  try {
    // Vite replaces this call with the files' contents at build time; elsewhere it does not exist.
    bundled = import.meta.glob('./library/*.sql', { query: '?raw', import: 'default', eager: true }) as Record<string, string>
  } catch {
    bundled = null
  }
  if (bundled) return Object.fromEntries(Object.entries(bundled).map(([path, text]) => [path.replace(/^.*\/|\.sql$/g, ''), text]))
  const dir = join(__dirname, 'library')
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.sql'))
      .map((f) => [f.slice(0, -4), readFileSync(join(dir, f), 'utf8')]),
  )
}

/** Header lines `-- key: value` up to the first line that is not one; the rest is the query. */
export function parseLibraryFile(id: string, text: string): LibraryQuery {
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  const header: Array<[string, string]> = []
  let i = 0
  for (; i < lines.length; i++) {
    const m = /^--\s*(\w+):\s*(.*)$/.exec(lines[i])
    if (!m) break
    header.push([m[1].toLowerCase(), m[2].trim()])
  }
  const get = (k: string) => header.find(([key]) => key === k)?.[1]
  const title = get('title')
  if (!title) throw new Error(`audit library ${id}.sql: the header has no "-- title:" line`)
  const params: QueryParameter[] = header
    .filter(([k]) => k === 'param')
    .map(([, v]) => {
      const m = /^(\w+)\s*(?:=\s*([^|]*?))?\s*(?:\|\s*(.*))?$/.exec(v)
      if (!m) throw new Error(`audit library ${id}.sql: cannot read "-- param: ${v}" (expected "name = default | description")`)
      return { name: m[1], default: m[2] || null, description: m[3] || null }
    })
  return { id, title, description: get('description') ?? '', sql: lines.slice(i).join('\n').trim(), params }
}

let cache: LibraryQuery[] | null = null

/** Every library query, by title. */
export function queryLibrary(): LibraryQuery[] {
  cache ??= Object.entries(libraryFiles())
    .map(([id, text]) => parseLibraryFile(id, text))
    .sort((a, b) => a.title.localeCompare(b.title))
  return cache
}
