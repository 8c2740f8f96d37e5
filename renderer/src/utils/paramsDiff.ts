/**
 * The params table of a comparison: one row per param (optionally per tag),
 * one value per run, and whether the runs disagree. A run that lacks the key
 * counts as different: "not set" is a difference an analyst wants to see.
 */
import type { Run } from '@shared/domain/mlflow'
import { runParam, runTag } from './runValues'
import { isSystemTag } from './runTags'

export type DiffSource = 'param' | 'tag'

export interface DiffRow {
  /** Unique across sources: a param and a tag may share a key. */
  id: string
  source: DiffSource
  key: string
  /** In the order of the runs; undefined where the run did not log the key. */
  values: Array<string | undefined>
  differs: boolean
  /** The value most runs share (first seen on ties): cells holding another value are the differing ones. */
  common: string | undefined
}

function mostCommon(values: ReadonlyArray<string | undefined>): string | undefined {
  const counts = new Map<string, number>()
  let best: string | undefined
  for (const v of values) {
    if (v === undefined) continue
    const n = (counts.get(v) ?? 0) + 1
    counts.set(v, n)
    if (best === undefined || n > counts.get(best)!) best = v
  }
  return best
}

/** Whether one cell stands out in its row (a missing value always does, in a differing row). */
export function cellDiffers(row: DiffRow, index: number): boolean {
  return row.differs && (row.values[index] === undefined || row.values[index] !== row.common)
}

/**
 * System tags that say how a run was made (who, which code). The rest of
 * mlflow.* is bookkeeping (mlflow.runName is the column header already,
 * mlflow.log-model.history and mlflow.note.content are long documents, not values).
 */
export const PROVENANCE_TAGS: readonly string[] = [
  'mlflow.user',
  'mlflow.source.name',
  'mlflow.source.type',
  'mlflow.source.git.commit',
  'mlflow.source.git.branch',
  'mlflow.project.entryPoint',
]

/** Tags worth comparing: user tags and the provenance system tags. */
export function isComparableTag(key: string): boolean {
  return !isSystemTag(key) || PROVENANCE_TAGS.includes(key)
}

function keysOf(runs: readonly Run[], source: DiffSource): string[] {
  const keys = new Set<string>()
  for (const r of runs) {
    if (source === 'param') for (const p of r.data.params) keys.add(p.key)
    else for (const t of r.data.tags) if (isComparableTag(t.key)) keys.add(t.key)
  }
  return [...keys].sort((a, b) => a.localeCompare(b))
}

/** Every row, params first then tags, each sorted by key. */
export function diffRows(runs: readonly Run[], includeTags = false): DiffRow[] {
  const sources: DiffSource[] = includeTags ? ['param', 'tag'] : ['param']
  return sources.flatMap((source) =>
    keysOf(runs, source).map((key) => {
      const values = runs.map((r) => (source === 'param' ? runParam(r, key) : runTag(r, key)))
      const differs = values.some((v) => v === undefined || v !== values[0])
      return { id: `${source}:${key}`, source, key, values, differs, common: mostCommon(values) }
    }),
  )
}

/** The rows to show: differing ones unless `showAll`, and keys matching the search (any case). */
export function visibleRows(rows: readonly DiffRow[], opts: { showAll: boolean; query: string }): DiffRow[] {
  const q = opts.query.trim().toLowerCase()
  return rows.filter((r) => (opts.showAll || r.differs) && (!q || r.key.toLowerCase().includes(q)))
}

/** "3 of 12 params differ" (the noun follows what the rows hold). */
export function diffCountLabel(rows: readonly DiffRow[]): string {
  const differing = rows.filter((r) => r.differs).length
  const noun = rows.some((r) => r.source === 'tag') ? 'params and tags' : rows.length === 1 ? 'param' : 'params'
  return `${differing} of ${rows.length} ${noun} ${differing === 1 ? 'differs' : 'differ'}`
}
