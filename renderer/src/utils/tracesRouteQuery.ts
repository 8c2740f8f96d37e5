import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import { filterIdentifier } from './runKeys'

/**
 * The Traces list's search in the address (`?filter=…&order=execution_time_ms DESC`), so reload,
 * back and a copied link bring the same traces back. One order key: a header click sorts by it.
 */
export interface TracesRouteQuery {
  /** MLflow's search_traces filter (with our extensions); '' for none. */
  filter: string
  /** One search_traces order_by entry (`execution_time_ms DESC`); '' for MLflow's order, newest first. */
  order: string
}

export interface TraceSort {
  /** An order_by key search_traces takes: timestamp_ms, execution_time_ms, name, trace.tokens.total, assessment.`x`. */
  key: string
  desc: boolean
}

/** MLflow's order when none is given: the newest request first. */
export const DEFAULT_TRACE_SORT: TraceSort = { key: 'timestamp_ms', desc: true }

const first = (v: LocationQuery[string] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')) || ''

export function readTracesQuery(query: LocationQuery): TracesRouteQuery {
  return { filter: first(query.filter).trim(), order: first(query.order).trim() }
}

/** The query for a search, keeping unrelated entries; empty ones are left out to keep links short. */
export function writeTracesQuery(current: LocationQuery, q: TracesRouteQuery): LocationQueryRaw {
  const next: LocationQueryRaw = { ...current }
  delete next.filter
  delete next.order
  if (q.filter.trim()) next.filter = q.filter.trim()
  if (q.order.trim()) next.order = q.order.trim()
  return next
}

export function sameTracesQuery(a: TracesRouteQuery, b: TracesRouteQuery): boolean {
  return a.filter.trim() === b.filter.trim() && a.order.trim() === b.order.trim()
}

/** The sort an order entry asks for (ASC when it says neither); the default for ''. */
export function parseTraceSort(order: string): TraceSort {
  const m = /^(.*?)(?:\s+(ASC|DESC))?$/i.exec(order.trim())
  if (!m || !m[1]) return DEFAULT_TRACE_SORT
  return { key: m[1], desc: (m[2] ?? 'ASC').toUpperCase() === 'DESC' }
}

/** The order entry for a sort; '' for MLflow's own order (so links stay short). */
export function writeTraceSort(sort: TraceSort): string {
  return sort.key === DEFAULT_TRACE_SORT.key && sort.desc === DEFAULT_TRACE_SORT.desc ? '' : `${sort.key} ${sort.desc ? 'DESC' : 'ASC'}`
}

/**
 * A click on the header of `key`: a new key sorts the biggest (slowest, newest, most tokens) first,
 * a second click turns it around, a third goes back to MLflow's order.
 */
export function nextTraceSort(current: TraceSort, key: string): TraceSort {
  if (current.key !== key) return { key, desc: true }
  if (current.desc) return { key, desc: false }
  return DEFAULT_TRACE_SORT
}

/** The order_by key of an assessment (feedback or expectation) by its name. */
export function assessmentOrderKey(name: string): string {
  return filterIdentifier('assessment', name)
}
