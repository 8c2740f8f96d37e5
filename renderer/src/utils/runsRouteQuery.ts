import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import type { ViewType } from '@shared/domain/mlflow'

/**
 * The runs table's search in the address (`?filter=…&order=…&order=…&view=deleted`),
 * so reload, back and a copied link bring the same runs back.
 */
export interface RunsRouteQuery {
  filter: string
  orderBy: string[]
  view: ViewType
}

const first = (v: LocationQuery[string] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')) || ''
const all = (v: LocationQuery[string] | undefined): string[] => (Array.isArray(v) ? v : v ? [v] : []).filter((s): s is string => !!s)

export function readRunsQuery(query: LocationQuery): RunsRouteQuery {
  const view = first(query.view)
  return {
    filter: first(query.filter),
    orderBy: all(query.order),
    view: view === 'deleted' || view === 'all' ? view : 'active',
  }
}

/** The query for a search, keeping unrelated entries; defaults are left out to keep links short. */
export function writeRunsQuery(current: LocationQuery, q: RunsRouteQuery): LocationQueryRaw {
  const next: LocationQueryRaw = { ...current }
  delete next.filter
  delete next.order
  delete next.view
  if (q.filter.trim()) next.filter = q.filter.trim()
  if (q.orderBy.length) next.order = [...q.orderBy]
  if (q.view !== 'active') next.view = q.view
  return next
}

export function sameRunsQuery(a: RunsRouteQuery, b: RunsRouteQuery): boolean {
  return a.filter.trim() === b.filter.trim() && a.view === b.view && a.orderBy.join('\n') === b.orderBy.join('\n')
}
