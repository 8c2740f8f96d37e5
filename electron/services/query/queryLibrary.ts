/// <reference types="vite/client" />
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { LibraryQuery, QueryParameter } from '@shared/domain/query'
import { CAPABILITIES, type Capability, type StoreCapabilities } from '../mlflowSchema/capabilities'
import { ALEMBIC_CHAIN } from '../mlflowSchema/revisions'

/**
 * The ready audit queries: one .sql file each under ./library, opening with a
 * header comment:
 *
 *   -- title: Zombie runs: still RUNNING long after their last metric
 *   -- description: ... (one line)
 *   -- param: hours = 24 | Hours of silence before a run counts as a zombie
 *   -- needs: traceSpans, assessments   (capabilities the query's tables need; none: every store)
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
  const needs = (get('needs') ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean)
  for (const n of needs) {
    if (!(n in CAPABILITIES)) throw new Error(`audit library ${id}.sql: "-- needs: ${n}" is not a capability (one of ${Object.keys(CAPABILITIES).join(', ')})`)
  }
  return { id, title, description: get('description') ?? '', sql: lines.slice(i).join('\n').trim(), params, needs, unavailable: null }
}

/** Why a store without `capability` cannot run a query that needs it: its tables, and the MLflow that brought them. */
export function missingCapability(capability: Capability): string {
  const fact = CAPABILITIES[capability]
  const named = (kind: string, names: string[]) => (names.length ? [`the ${kind}${names.length > 1 ? 's' : ''} ${names.join(', ')}`] : [])
  const lacks = [
    ...named('table', [...new Set(fact.needs.filter(([, c]) => !c).map(([t]) => t))]),
    ...named(
      'column',
      fact.needs.filter(([, c]) => c).map(([t, c]) => `${t}.${c}`),
    ),
  ].join(' and ')
  const since = ALEMBIC_CHAIN.find((r) => r.revision === fact.since)?.since
  return `This store lacks ${lacks}${since ? ` (written by MLflow ${since} and later)` : ''}.`
}

/** The library as a store with these capabilities sees it: each query it cannot run says why. */
export function queryLibraryFor(capabilities: StoreCapabilities | null): LibraryQuery[] {
  return queryLibrary().map((q) => {
    const lacking = capabilities ? (q.needs as Capability[]).filter((n) => !capabilities[n]) : []
    return lacking.length ? { ...q, unavailable: lacking.map(missingCapability).join(' ') } : q
  })
}

let cache: LibraryQuery[] | null = null

/** Every library query, by title. */
export function queryLibrary(): LibraryQuery[] {
  cache ??= Object.entries(libraryFiles())
    .map(([id, text]) => parseLibraryFile(id, text))
    .sort((a, b) => a.title.localeCompare(b.title))
  return cache
}
