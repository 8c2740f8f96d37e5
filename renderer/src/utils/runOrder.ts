import { entityOfAlias, quoteKey, type RunFieldRef } from './runKeys'

/**
 * The runs table's sort as MLflow's order_by strings ("metrics.`acc` DESC"),
 * and what a click (or shift-click) on a column header does to it.
 */

export interface SortKey {
  ref: RunFieldRef
  desc: boolean
}

/** What runs come in when no order_by is given: MLflow's start_time DESC. */
export const DEFAULT_SORT: readonly SortKey[] = [{ ref: { entity: 'attributes', key: 'start_time' }, desc: true }]

/** One order_by entry; metric, param and tag keys are backticked so any key survives. */
export function toOrderBy(k: SortKey): string {
  const key = k.ref.entity === 'attributes' ? k.ref.key : quoteKey(k.ref.key)
  return `${k.ref.entity}.${key} ${k.desc ? 'DESC' : 'ASC'}`
}

/** An order_by entry as the route keeps it, back into a sort key; null when it is not one. */
export function parseOrderBy(s: string): SortKey | null {
  const m = /^\s*(\w+)\.(`[^`]+`|"[^"]+"|[^\s`"]+)(?:\s+(asc|desc))?\s*$/i.exec(s)
  if (!m) return null
  const entity = entityOfAlias(m[1])
  if (!entity || entity === 'datasets') return null
  const key = /^[`"]/.test(m[2]) ? m[2].slice(1, -1) : m[2]
  return { ref: { entity, key }, desc: m[3]?.toUpperCase() === 'DESC' }
}

export function sameRef(a: RunFieldRef, b: RunFieldRef): boolean {
  return a.entity === b.entity && a.key === b.key
}

/** The direction a first click sorts in: numbers and times biggest/newest first, text A→Z. */
export function firstDirectionDesc(ref: RunFieldRef): boolean {
  return ref.entity === 'metrics' || (ref.entity === 'attributes' && (ref.key === 'start_time' || ref.key === 'end_time'))
}

function isDefault(keys: readonly SortKey[]): boolean {
  return keys.length === DEFAULT_SORT.length && keys.every((k, i) => sameRef(k.ref, DEFAULT_SORT[i].ref) && k.desc === DEFAULT_SORT[i].desc)
}

/**
 * The sort after a header click. A click sorts by that column alone, and a
 * second click on the only sort column reverses it, a third goes back to the
 * default order. Shift-click adds the column as a further key, reverses it,
 * then removes it. The default order comes back as [] (no order_by).
 */
export function nextSort(current: readonly SortKey[], ref: RunFieldRef, additive: boolean): SortKey[] {
  const effective = current.length ? current : DEFAULT_SORT
  const first = firstDirectionDesc(ref)
  const at = effective.findIndex((k) => sameRef(k.ref, ref))
  let next: SortKey[]
  if (!additive) {
    if (at === 0 && effective.length === 1) next = effective[0].desc === first ? [{ ref, desc: !first }] : []
    else next = [{ ref, desc: first }]
  } else if (at < 0) {
    next = [...effective, { ref, desc: first }]
  } else if (effective[at].desc === first) {
    next = effective.map((k, i) => (i === at ? { ref, desc: !first } : k))
  } else {
    next = effective.filter((_, i) => i !== at)
  }
  return isDefault(next) ? [] : next
}

/** Where a column stands in the sort: its direction and 1-based rank, or null. */
export function sortStateOf(keys: readonly SortKey[], ref: RunFieldRef): { desc: boolean; rank: number } | null {
  const effective = keys.length ? keys : DEFAULT_SORT
  const at = effective.findIndex((k) => sameRef(k.ref, ref))
  return at < 0 ? null : { desc: effective[at].desc, rank: at + 1 }
}
