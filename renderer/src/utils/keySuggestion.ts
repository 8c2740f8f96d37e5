import type { RunKeys } from '@shared/domain/mlflow'
import { filterKeyRefs, type FilterKeyRef } from './filterCompletion'
import { filterIdentifier } from './runKeys'

/**
 * A filter naming a key no run has matches nothing, and an empty table does
 * not say why: find such keys and the known key the user most likely meant
 * (`accuracy` -> `acc`, `val-loss` -> `val_loss`).
 */

export interface UnknownKey extends FilterKeyRef {
  /** The closest known key of the same entity, or null when none is close. */
  suggestion: string | null
}

const NOUN: Record<FilterKeyRef['entity'], string> = { metrics: 'metric', params: 'param', tags: 'tag' }

/** `metric`, `param`, `tag`: how the message names an entity. */
export const entityNoun = (entity: FilterKeyRef['entity']) => NOUN[entity]

/** Levenshtein distance, case-insensitive (keys differing only in case are one edit apart at most, by the caller's tie-break). */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j)
  for (let i = 1; i <= x.length; i++) {
    const row = [i]
    for (let j = 1; j <= y.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1))
    prev = row
  }
  return prev[y.length]
}

/** Letters and digits only, lower case: `Val-Loss` and `val_loss` are the same words. */
const bare = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '')

/**
 * The known key closest to `key`: one that differs only in case or
 * separators, then one that starts the other (`acc` for `accuracy`, `accuracy`
 * for `acc`), then the fewest edits if they are fewer than half the key's
 * length. Ties go to the shorter, then alphabetically first key.
 */
export function closestKey(key: string, known: readonly string[]): string | null {
  const b = bare(key)
  const scored: Array<{ k: string; score: number }> = []
  for (const k of known) {
    if (k === key) continue
    const kb = bare(k)
    let score: number
    if (kb === b) score = 0
    else if (kb.length >= 2 && b.length >= 2 && (b.startsWith(kb) || kb.startsWith(b))) score = 1 + Math.abs(kb.length - b.length) / 1000
    else {
      const d = editDistance(key, k)
      if (d * 2 >= Math.max(key.length, 2)) continue
      score = 2 + d
    }
    scored.push({ k, score })
  }
  scored.sort((p, q) => p.score - q.score || p.k.length - q.k.length || (p.k < q.k ? -1 : 1))
  return scored[0]?.k ?? null
}

/** The metrics, params and tags the filter names that no known run has, each with a suggestion. */
export function unknownFilterKeys(filter: string, known: RunKeys): UnknownKey[] {
  const out: UnknownKey[] = []
  for (const ref of filterKeyRefs(filter)) {
    const keys = known[ref.entity]
    if (keys.includes(ref.key) || out.some((u) => u.entity === ref.entity && u.key === ref.key)) continue
    out.push({ ...ref, suggestion: closestKey(ref.key, keys) })
  }
  return out
}

/** The filter with every mention of `ref`'s key replaced by `key` (in the form MLflow's parser reads, the user's prefix kept). */
export function replaceFilterKey(filter: string, ref: Pick<FilterKeyRef, 'entity' | 'key'>, key: string): string {
  let out = ''
  let at = 0
  for (const r of filterKeyRefs(filter)) {
    if (r.entity !== ref.entity || r.key !== ref.key) continue
    out += filter.slice(at, r.start) + filterIdentifier(r.alias, key)
    at = r.end
  }
  return out + filter.slice(at)
}
