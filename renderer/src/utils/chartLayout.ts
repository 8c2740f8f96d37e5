/**
 * The runs page's chart view, as the user arranged it for a set of experiments:
 * pinned charts, a dragged order, each chart's own settings, sections folded,
 * runs hidden or given a colour. Kept in localStorage per store and experiment
 * set (as the table's layout is, see runTablePrefs); what is being looked at
 * (the pane, the search, how many runs) is in the link instead (chartViewQuery).
 */
import type { Run } from '@shared/domain/mlflow'
import { MAX_SMOOTH, X_AXES, Y_SCALES, type XAxis, type YScale } from './compareState'
import { colorOf } from './runColors'

/** 'auto': bars for a metric every run logged at step 0 only, lines otherwise. */
export const CHART_KINDS = ['auto', 'line', 'bar'] as const
export type ChartKind = (typeof CHART_KINDS)[number]

export interface ChartSettings {
  x: XAxis
  y: YScale
  /** EMA weight, 0 (off) .. 0.99. */
  smooth: number
  kind: ChartKind
}

export const DEFAULT_CHART_SETTINGS: Readonly<ChartSettings> = Object.freeze({ x: 'step', y: 'linear', smooth: 0, kind: 'auto' })

export interface ChartLayout {
  /** Pinned chart keys, in the order shown at the top. */
  pinned: string[]
  /** Keys in the order the user dragged them to (keys not in it follow, by name). */
  order: string[]
  /** Settings that differ from the defaults, by chart key. */
  settings: Record<string, Partial<ChartSettings>>
  /** Folded sections, by name. */
  collapsed: string[]
  /** Runs left out of every chart. */
  hiddenRuns: string[]
  /** Colours chosen for runs (else their position's colour). */
  colors: Record<string, string>
}

export function emptyLayout(): ChartLayout {
  return { pinned: [], order: [], settings: {}, collapsed: [], hiddenRuns: [], colors: {} }
}

const PREFIX = 'mlflow-desk:chart-view:'

/** One entry per store and experiment set; the order of the ids does not matter. */
export function layoutKey(profileId: string | null, experimentIds: readonly string[]): string {
  return `${PREFIX}${profileId ?? 'default'}:${[...experimentIds].sort((a, b) => Number(a) - Number(b)).join(',')}`
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [])

function readSettings(v: unknown): Partial<ChartSettings> {
  const out: Partial<ChartSettings> = {}
  if (!v || typeof v !== 'object') return out
  const r = v as Record<string, unknown>
  if ((X_AXES as readonly unknown[]).includes(r.x)) out.x = r.x as XAxis
  if ((Y_SCALES as readonly unknown[]).includes(r.y)) out.y = r.y as YScale
  if (typeof r.smooth === 'number' && r.smooth >= 0 && r.smooth <= MAX_SMOOTH) out.smooth = r.smooth
  if ((CHART_KINDS as readonly unknown[]).includes(r.kind)) out.kind = r.kind as ChartKind
  return out
}

/** The stored layout, or an empty one when there is none or it is not ours; unknown values are dropped one by one. */
export function loadLayout(storage: Storage, key: string): ChartLayout {
  const layout = emptyLayout()
  let raw: unknown
  try {
    raw = JSON.parse(storage.getItem(key) ?? 'null')
  } catch {
    return layout
  }
  if (!raw || typeof raw !== 'object') return layout
  const r = raw as Record<string, unknown>
  layout.pinned = strings(r.pinned)
  layout.order = strings(r.order)
  layout.collapsed = strings(r.collapsed)
  layout.hiddenRuns = strings(r.hiddenRuns)
  if (r.settings && typeof r.settings === 'object') {
    for (const [k, v] of Object.entries(r.settings as Record<string, unknown>)) {
      const s = readSettings(v)
      if (Object.keys(s).length) layout.settings[k] = s
    }
  }
  if (r.colors && typeof r.colors === 'object') {
    for (const [k, v] of Object.entries(r.colors as Record<string, unknown>)) if (typeof v === 'string' && /^#[0-9a-f]{6}$/i.test(v)) layout.colors[k] = v
  }
  return layout
}

export function saveLayout(storage: Storage, key: string, layout: ChartLayout): void {
  try {
    storage.setItem(key, JSON.stringify(layout))
  } catch {
    // A full or disabled storage only costs the memory of the layout.
  }
}

/** Merged settings by the stored object they come from: the same object each time, so a card re-renders only when its own settings change. */
const merged = new WeakMap<Partial<ChartSettings>, ChartSettings>()

/** A chart's settings: its own where it has them, the defaults elsewhere. */
export function settingsOf(layout: ChartLayout, key: string): ChartSettings {
  const own = layout.settings[key]
  if (!own) return DEFAULT_CHART_SETTINGS
  let settings = merged.get(own)
  if (!settings) merged.set(own, (settings = { ...DEFAULT_CHART_SETTINGS, ...own }))
  return settings
}

/** The layout with one chart's settings changed; settings equal to the defaults are not stored. */
export function withSettings(layout: ChartLayout, key: string, change: Partial<ChartSettings>): ChartLayout {
  const next = { ...settingsOf(layout, key), ...change }
  const kept: Partial<ChartSettings> = {}
  for (const k of Object.keys(next) as Array<keyof ChartSettings>) if (next[k] !== DEFAULT_CHART_SETTINGS[k]) Object.assign(kept, { [k]: next[k] })
  const settings = { ...layout.settings }
  if (Object.keys(kept).length) settings[key] = kept
  else delete settings[key]
  return { ...layout, settings }
}

/** The section of a metric key: its prefix up to the first `/` (`train/loss` -> `train`), or '' for keys without one. */
export function sectionOf(key: string): string {
  const i = key.indexOf('/')
  return i > 0 ? key.slice(0, i) : ''
}

export interface ChartSection {
  /** 'pinned', '' for keys without a prefix, else the prefix. */
  name: string
  keys: string[]
}

export const PINNED_SECTION = '\u0000pinned'

/** Does a key match the search (every word, in any order, case-insensitive)? */
export function matchesSearch(key: string, search: string): boolean {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean)
  const k = key.toLowerCase()
  return words.every((w) => k.includes(w))
}

/**
 * The charts to show, in sections: pinned charts first (in pin order), then a
 * section per key prefix (by name; keys without a prefix last), each in the
 * dragged order and then by name. The search keeps the matching keys only.
 */
export function arrangeCharts(keys: readonly string[], layout: ChartLayout, search: string): ChartSection[] {
  const shown = keys.filter((k) => matchesSearch(k, search))
  const present = new Set(shown)
  const pinned = layout.pinned.filter((k) => present.has(k))
  const pinnedSet = new Set(pinned)
  const rank = new Map(layout.order.map((k, i) => [k, i]))
  const byOrder = (a: string, b: string) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity) || a.localeCompare(b)
  const bySection = new Map<string, string[]>()
  for (const k of shown) {
    if (pinnedSet.has(k)) continue
    const s = sectionOf(k)
    const keys = bySection.get(s)
    if (keys) keys.push(k)
    else bySection.set(s, [k])
  }
  const names = [...bySection.keys()].sort((a, b) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b)))
  return [...(pinned.length ? [{ name: PINNED_SECTION, keys: pinned }] : []), ...names.map((name) => ({ name, keys: bySection.get(name)!.sort(byOrder) }))]
}

/**
 * `dragged` moved to just before `target` (or to the end when null) in the list
 * it is shown in: `shownOrder` is that list as on screen. Returns the new
 * dragged order of every key (the old one with this section's keys replaced).
 */
export function moveChart(order: readonly string[], shownOrder: readonly string[], dragged: string, target: string | null): string[] {
  if (dragged === target) return [...order]
  const list = shownOrder.filter((k) => k !== dragged)
  const at = target === null ? list.length : list.indexOf(target)
  list.splice(at < 0 ? list.length : at, 0, dragged)
  const moved = new Set(list)
  return [...list, ...order.filter((k) => !moved.has(k))]
}

/** Pinned first-in-last-shown: a pin goes to the end of the pinned charts; unpinning drops it. */
export function togglePin(pinned: readonly string[], key: string): string[] {
  return pinned.includes(key) ? pinned.filter((k) => k !== key) : [...pinned, key]
}

/** The colour of each charted run: its chosen one, else its position's in the palette. */
export function runColorsOf(runIds: readonly string[], chosen: Record<string, string>): (runId: string) => string {
  const base = colorOf(runIds)
  return (id) => chosen[id] ?? base(id)
}

/** Every metric key some runs logged (by name), and those each logged at step 0 only (drawn as bars by default). */
export interface ChartKeys {
  all: string[]
  singleStep: ReadonlySet<string>
}

/** The chart keys of `runs`. */
export function chartKeysOf(runs: readonly Run[]): ChartKeys {
  const steps = new Map<string, boolean>()
  for (const r of runs) for (const m of r.data.metrics) steps.set(m.key, (steps.get(m.key) ?? true) && m.step === 0)
  return { all: [...steps.keys()].sort((a, b) => a.localeCompare(b)), singleStep: new Set([...steps].filter(([, once]) => once).map(([k]) => k)) }
}
