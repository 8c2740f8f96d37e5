import type { PlanNode, QueryCell, QueryColumn } from '@shared/domain/query'

/** A cell as copied to the clipboard: NULL as an empty string, like psql's CSV. */
export function cellText(cell: QueryCell): string {
  return cell === null ? '' : String(cell)
}

/** A row copied as tab-separated values (pastes into spreadsheets as cells). */
export function rowText(row: QueryCell[]): string {
  return row.map((c) => cellText(c).replace(/[\t\n]/g, ' ')).join('\t')
}

/** A column copied as one value per line, headed by its name. */
export function columnText(column: QueryColumn, rows: QueryCell[][], index: number): string {
  return [column.name, ...rows.map((r) => cellText(r[index]).replace(/\n/g, ' '))].join('\n')
}

/** What a grid cell renders of a value: its start (the DOM need not hold a MiB per cell; copying takes all of it). */
export const CELL_DISPLAY_CHARS = 500
export function displayText(cell: QueryCell): string {
  const s = String(cell)
  return s.length > CELL_DISPLAY_CHARS ? `${s.slice(0, CELL_DISPLAY_CHARS)}…` : s
}

/** "1.2 MB", "340 B". */
export function formatBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB']
  let v = n
  let u = 0
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000
    u++
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${units[u]}`
}

/** "850 ms", "2.4 s", "3 min 05 s". */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`
  const s = Math.round(ms / 1000)
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`
}

/** Rows and bytes per second of an export so far. */
export function exportRate(rows: number, bytes: number, elapsedMs: number): { rowsPerS: number; bytesPerS: number } {
  const s = Math.max(elapsedMs, 1) / 1000
  return { rowsPerS: rows / s, bytesPerS: bytes / s }
}

/** A plan node's one-line summary: "Seq Scan on runs r", "Hash Join (Inner)". */
export function planTitle(n: PlanNode): string {
  let t = n.node_type
  if (n.join_type && !t.includes(n.join_type)) t += ` (${n.join_type})`
  if (n.index) t += ` using ${n.index}`
  if (n.relation) t += ` on ${n.relation}${n.alias && n.alias !== n.relation.split('.').pop() ? ` ${n.alias}` : ''}`
  return t
}

/** A plan flattened depth-first with each node's depth, for an indented list. */
export function flattenPlan(root: PlanNode): Array<{ node: PlanNode; depth: number; path: string }> {
  const out: Array<{ node: PlanNode; depth: number; path: string }> = []
  const walk = (n: PlanNode, depth: number, path: string) => {
    out.push({ node: n, depth, path })
    n.children.forEach((c, i) => walk(c, depth + 1, `${path}.${i}`))
  }
  walk(root, 0, '0')
  return out
}

/** A file name for an export: the tab's title made safe, with the format's extension. */
export function exportFileName(title: string, format: 'csv' | 'jsonl', now = new Date()): string {
  const base =
    title
      .trim()
      .replace(/[^\w.-]+/g, '-')
      .replace(/^[-.]+|[-.]+$/g, '')
      .slice(0, 80) || 'query'
  const stamp = now.toISOString().slice(0, 19).replace(/[:T]/g, '-')
  return `${base}-${stamp}.${format}`
}

/** PostgreSQL's message and its hint, which the server appends as " Hint: ...". */
export function splitHint(message: string): { message: string; hint: string | null } {
  const i = message.lastIndexOf(' Hint: ')
  return i < 0 ? { message, hint: null } : { message: message.slice(0, i), hint: message.slice(i + 7) }
}
