import type { Run } from '@shared/domain/mlflow'
import { parentRunId, runParam, runTag } from './runValues'

/**
 * The rows of the runs table: runs in the server's order, children nested
 * under their parent (when the parent is loaded too), optionally inside
 * groups by a param or tag value. Row shapes are what naive-ui's tree table
 * reads: `children` only on rows that have some.
 */

export interface RunRow {
  /** The run id, or `group:<value>` for a group row. */
  key: string
  run: Run | null
  group?: GroupInfo
  /** The run's parent when that parent is not among the loaded runs. */
  missingParent?: string
  /** All runs below this row (children, grandchildren, …), shown beside the name. */
  descendants?: number
  children?: RunRow[]
}

export interface GroupInfo {
  /** `params.lr`, `tags.team`. */
  by: string
  /** null: runs without that param or tag. */
  value: string | null
  count: number
  /** The group's runs (of those loaded), for its per-metric summary. */
  runs: readonly Run[]
}

export interface GroupBy {
  entity: 'params' | 'tags'
  key: string
}

export const GROUP_KEY_PREFIX = 'group:'

/** Runs nested by mlflow.parentRunId; a parent chain that loops is cut where it loops. */
export function nestRuns(runs: readonly Run[]): RunRow[] {
  const byId = new Map(runs.map((r) => [r.info.run_id, r]))
  const kids = new Map<string, Run[]>()
  const roots: Run[] = []
  const missing = new Map<string, string>()
  for (const r of runs) {
    const parent = parentRunId(r)
    if (parent && parent !== r.info.run_id && byId.has(parent) && !loopsBack(r, byId)) {
      const list = kids.get(parent)
      if (list) list.push(r)
      else kids.set(parent, [r])
    } else {
      roots.push(r)
      if (parent && !byId.has(parent)) missing.set(r.info.run_id, parent)
    }
  }
  const toRow = (r: Run): RunRow => {
    const row: RunRow = { key: r.info.run_id, run: r }
    const m = missing.get(r.info.run_id)
    if (m) row.missingParent = m
    const children = kids.get(r.info.run_id)
    if (children) {
      row.children = children.map(toRow)
      row.descendants = row.children.reduce((n, c) => n + 1 + (c.descendants ?? 0), 0)
    }
    return row
  }
  return roots.map(toRow)
}

/** Whether following parents from `run` comes back to a run already seen (a loop). */
function loopsBack(run: Run, byId: Map<string, Run>): boolean {
  const seen = new Set([run.info.run_id])
  let p = parentRunId(run)
  while (p && byId.has(p)) {
    if (seen.has(p)) return true
    seen.add(p)
    p = parentRunId(byId.get(p)!)
  }
  return false
}

/** Flat rows, one per run, in the server's order. */
export function flatRuns(runs: readonly Run[]): RunRow[] {
  return runs.map((r) => ({ key: r.info.run_id, run: r }))
}

/** Groups in the order their first run comes (so the sort decides), runs without a value last. */
export function groupRuns(runs: readonly Run[], by: GroupBy, nest: boolean): RunRow[] {
  const groups = new Map<string | null, Run[]>()
  for (const r of runs) {
    const v = (by.entity === 'params' ? runParam(r, by.key) : runTag(r, by.key)) ?? null
    const list = groups.get(v)
    if (list) list.push(r)
    else groups.set(v, [r])
  }
  const ordered = [...groups.entries()].sort((a, b) => Number(a[0] === null) - Number(b[0] === null))
  const label = `${by.entity}.${by.key}`
  return ordered.map(([value, members]) => ({
    key: `${GROUP_KEY_PREFIX}${value === null ? '∅' : `=${value}`}`,
    run: null,
    group: { by: label, value, count: members.length, runs: members },
    children: nest ? nestRuns(members) : flatRuns(members),
  }))
}

/** The rows for a table setting: grouped or not, nested or flat. */
export function buildRunRows(runs: readonly Run[], opts: { nest: boolean; groupBy: GroupBy | null }): RunRow[] {
  if (opts.groupBy) return groupRuns(runs, opts.groupBy, opts.nest)
  return opts.nest ? nestRuns(runs) : flatRuns(runs)
}

/** The rows as shown with these expanded keys, top to bottom (for keyboard moves). */
export function visibleRows(rows: readonly RunRow[], expanded: ReadonlySet<string>): RunRow[] {
  const out: RunRow[] = []
  const walk = (list: readonly RunRow[]) => {
    for (const r of list) {
      out.push(r)
      if (r.children && expanded.has(r.key)) walk(r.children)
    }
  }
  walk(rows)
  return out
}

/** The run ids at and below a row (a group's members, a parent and its nested runs). */
export function runKeysUnder(row: RunRow): string[] {
  const out: string[] = []
  const walk = (r: RunRow) => {
    if (r.run) out.push(r.key)
    r.children?.forEach(walk)
  }
  walk(row)
  return out
}
