/**
 * The runs page's pane in the address, so a copied link opens the same view:
 * `?pane=charts&charts=10&chart_search=loss` (the table's own filter and order
 * stay in runsRouteQuery). Parsing never throws: a bad value is the default.
 */
import type { LocationQuery, LocationQueryRaw } from 'vue-router'
import { MAX_COMPARE_RUNS } from '@shared/domain/requestLimits'

export const RUNS_PANES = ['table', 'charts'] as const
export type RunsPane = (typeof RUNS_PANES)[number]

export interface ChartViewQuery {
  pane: RunsPane
  /** How many of the table's runs (from the top, as shown) the charts draw. */
  runCount: number
  /** The chart names' search. */
  search: string
}

export const DEFAULT_CHART_RUNS = 10
/** As many runs as one comparison call takes. */
export const MAX_CHART_RUNS = MAX_COMPARE_RUNS

const first = (v: LocationQuery[string] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')) || ''

export function readChartViewQuery(query: LocationQuery): ChartViewQuery {
  const pane = first(query.pane)
  const n = Number(first(query.charts))
  return {
    pane: pane === 'charts' ? 'charts' : 'table',
    runCount: Number.isInteger(n) && n >= 1 && n <= MAX_CHART_RUNS ? n : DEFAULT_CHART_RUNS,
    search: first(query.chart_search).slice(0, 200),
  }
}

/** The query with this view, keeping unrelated entries; defaults are left out to keep links short. */
export function writeChartViewQuery(current: LocationQuery, q: ChartViewQuery): LocationQueryRaw {
  const next: LocationQueryRaw = { ...current }
  delete next.pane
  delete next.charts
  delete next.chart_search
  if (q.pane !== 'table') next.pane = q.pane
  if (q.runCount !== DEFAULT_CHART_RUNS) next.charts = String(q.runCount)
  if (q.search.trim()) next.chart_search = q.search
  return next
}
