/**
 * The comparison as the route holds it, so a copied link reopens the same view:
 * `/compare?runs=a,b&metrics=loss,acc&x=wall&y=log&smooth=0.6&group=params.lr&points=3000&tab=charts`.
 * Parsing never throws: a value that is not valid falls back to its default.
 */
import { MAX_COMPARE_KEYS, MAX_COMPARE_RUNS } from '@shared/domain/requestLimits'
import type { Run } from '@shared/domain/mlflow'
import { DEFAULT_METRIC_COUNT, commonMetricKeys } from './runValues'

export const X_AXES = ['step', 'wall', 'relative'] as const
export const Y_SCALES = ['linear', 'log'] as const
export const COMPARE_TABS = ['charts', 'params', 'summary', 'scatter', 'parallel', 'artifacts'] as const
export type XAxis = (typeof X_AXES)[number]
export type YScale = (typeof Y_SCALES)[number]
export type CompareTab = (typeof COMPARE_TABS)[number]

export interface CompareState {
  runs: string[]
  /** Chosen metric keys; [] lets the page pick the most common ones. */
  metrics: string[]
  x: XAxis
  y: YScale
  /** EMA weight, 0 (off) .. 0.99. */
  smooth: number
  /** `params.NAME` or `tags.NAME`, or null for one line per run. */
  group: string | null
  /** Points per series asked of the server. */
  points: number
  tab: CompareTab
}

export const DEFAULT_POINTS = 1000
export const MIN_POINTS = 10
export const MAX_POINTS = 100_000
export const MAX_SMOOTH = 0.99

export const DEFAULT_COMPARE_STATE: Readonly<CompareState> = Object.freeze({
  runs: [],
  metrics: [],
  x: 'step',
  y: 'linear',
  smooth: 0,
  group: null,
  points: DEFAULT_POINTS,
  tab: 'charts',
})

type Query = Record<string, unknown>

/** The first string of a query value (vue-router gives string | null | array). */
function first(v: unknown): string | null {
  if (Array.isArray(v)) return first(v[0])
  return typeof v === 'string' ? v : null
}

const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/

function list(v: unknown, max: number, valid: (s: string) => boolean): string[] {
  const raw = first(v)
  if (!raw) return []
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && valid(s))
  return [...new Set(items)].slice(0, max)
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
  const s = first(v)
  return s !== null && (allowed as readonly string[]).includes(s) ? (s as T) : fallback
}

export function parseSmooth(v: unknown): number {
  const s = first(v)
  if (s === null || s.trim() === '') return 0
  const n = Number(s)
  return Number.isFinite(n) && n >= 0 && n <= MAX_SMOOTH ? Math.round(n * 100) / 100 : 0
}

export function parsePoints(v: unknown): number {
  const s = first(v)
  if (s === null || !/^\d+$/.test(s.trim())) return DEFAULT_POINTS
  const n = Number(s)
  return n >= MIN_POINTS && n <= MAX_POINTS ? n : DEFAULT_POINTS
}

function parseGroup(v: unknown): string | null {
  const s = first(v)
  return s !== null && /^(params|tags)\..+/.test(s) ? s : null
}

export function parseCompareState(query: Query): CompareState {
  return {
    runs: list(query.runs, MAX_COMPARE_RUNS, (s) => RUN_ID.test(s)),
    metrics: list(query.metrics, MAX_COMPARE_KEYS, (s) => s.length <= 1000),
    x: oneOf(query.x, X_AXES, DEFAULT_COMPARE_STATE.x),
    y: oneOf(query.y, Y_SCALES, DEFAULT_COMPARE_STATE.y),
    smooth: parseSmooth(query.smooth),
    group: parseGroup(query.group),
    points: parsePoints(query.points),
    tab: oneOf(query.tab, COMPARE_TABS, DEFAULT_COMPARE_STATE.tab),
  }
}

/** The route query for a state; defaults are left out so links stay short. */
export function writeCompareState(state: CompareState): Record<string, string> {
  const q: Record<string, string> = {}
  if (state.runs.length) q.runs = state.runs.join(',')
  if (state.metrics.length) q.metrics = state.metrics.join(',')
  if (state.x !== DEFAULT_COMPARE_STATE.x) q.x = state.x
  if (state.y !== DEFAULT_COMPARE_STATE.y) q.y = state.y
  if (state.smooth) q.smooth = String(state.smooth)
  if (state.group) q.group = state.group
  if (state.points !== DEFAULT_POINTS) q.points = String(state.points)
  if (state.tab !== DEFAULT_COMPARE_STATE.tab) q.tab = state.tab
  return q
}

export function sameCompareState(a: CompareState, b: CompareState): boolean {
  return JSON.stringify(writeCompareState(a)) === JSON.stringify(writeCompareState(b))
}

/**
 * The link that compares `checked` runs from a runs table: in the table's
 * order, with the metrics most of them logged (null when none is ticked or
 * more than a comparison takes).
 */
export function compareLinkFor(tableRuns: readonly Run[], checked: readonly string[]): Record<string, string> | null {
  if (!checked.length || checked.length > MAX_COMPARE_RUNS) return null
  const position = new Map(tableRuns.map((r, i) => [r.info.run_id, i]))
  const ids = [...checked].sort((a, b) => (position.get(a) ?? Infinity) - (position.get(b) ?? Infinity))
  const chosen = new Set(ids)
  const metrics = commonMetricKeys(tableRuns.filter((r) => chosen.has(r.info.run_id))).slice(0, DEFAULT_METRIC_COUNT)
  return writeCompareState({ ...DEFAULT_COMPARE_STATE, runs: ids, metrics })
}
