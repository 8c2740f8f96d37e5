import type { Run, RunColumns } from '@shared/domain/mlflow'
import { parseFieldId } from './runKeys'

/**
 * Which metric and param columns fit the runs table's window: the keys most
 * runs have first (metrics, then params), as many as the width left beside
 * the columns always shown takes. Pure, so the choice is tested without a DOM;
 * the user's own column set (chooser, preset) is never refitted.
 */

/** How tall rows are and how wide key columns start; `fit` is the default. */
export type Density = 'compact' | 'fit' | 'comfortable'

export const DENSITIES: ReadonlyArray<{ id: Density; label: string }> = [
  { id: 'compact', label: 'Compact' },
  { id: 'fit', label: 'Fit' },
  { id: 'comfortable', label: 'Comfortable' },
]

export interface DensitySpec {
  /** Row height in px (the virtual list relies on every row having it). */
  rowHeight: number
  /** Key columns' widths are scaled by this (attribute columns keep theirs). */
  widthScale: number
}

const DENSITY_SPECS: Record<Density, DensitySpec> = {
  compact: { rowHeight: 30, widthScale: 0.8 },
  fit: { rowHeight: 38, widthScale: 1 },
  comfortable: { rowHeight: 46, widthScale: 1.2 },
}

export function densitySpec(d: Density): DensitySpec {
  return DENSITY_SPECS[d] ?? DENSITY_SPECS.fit
}

export function isDensity(v: unknown): v is Density {
  return v === 'compact' || v === 'fit' || v === 'comfortable'
}

/** A key column's width: its header and the sort arrow, within reason (the user can drag it). */
export function keyColumnWidth(entity: 'metrics' | 'params' | 'tags', key: string, density: Density = 'fit'): number {
  const min = entity === 'metrics' ? 104 : entity === 'params' ? 120 : 140
  const natural = Math.min(240, Math.max(min, key.length * 8 + 56))
  return Math.round(natural * densitySpec(density).widthScale)
}

export interface FitInput {
  /** The width the table has, in px. */
  available: number
  /** What the columns always shown take (selection, name, attributes, pinned). */
  taken: number
  /** How many runs have each key, by entity (keys with no run are never picked). */
  counts: { metrics: Record<string, number>; params: Record<string, number> }
  /** Which entities to pick from, in order; metrics then params by default. */
  entities?: ReadonlyArray<'metrics' | 'params'>
  /** Metric and param column ids already shown (their width is in `taken`); never picked twice. */
  shown?: readonly string[]
  /** A column's width from its id (density and dragged widths applied). */
  widthOf: (id: string) => number
}

/** Keys by how many runs have them, most first; ties alphabetically (so the choice is stable). */
export function rankKeys(counts: Record<string, number>): string[] {
  return Object.keys(counts)
    .filter((k) => Object.hasOwn(counts, k) && counts[k] > 0)
    .sort((a, b) => counts[b] - counts[a] || (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * Column ids (`metrics.acc`, `params.lr`) that fit beside the columns taken,
 * in rank order: each entity's keys most common first, a key too wide for what
 * is left is passed over for a narrower one after it. At least one column is
 * picked when any key exists, so a narrow window still shows a metric.
 */
export function fitColumns(input: FitInput): string[] {
  const shown = new Set(input.shown ?? [])
  let left = input.available - input.taken
  const out: string[] = []
  for (const entity of input.entities ?? ['metrics', 'params']) {
    for (const key of rankKeys(input.counts[entity])) {
      const id = `${entity}.${key}`
      if (shown.has(id)) continue
      const w = input.widthOf(id)
      if (w <= left || (out.length === 0 && shown.size === 0)) {
        out.push(id)
        left -= w
      }
    }
  }
  return out
}

/** What the selection and run name columns take, and each attribute column (key columns follow the density). */
export const SELECTION_WIDTH = 48
export const NAME_WIDTH = 250
const ATTRIBUTE_WIDTHS: Record<string, number> = {
  'attributes.status': 112,
  'attributes.start_time': 136,
  'attributes.end_time': 136,
  'attributes.duration': 104,
  'attributes.user_id': 104,
  'attributes.source': 150,
  'attributes.experiment_id': 170,
  'attributes.run_id': 150,
}

/** A column's width before the user drags it: attributes keep theirs, key columns follow the density. */
export function columnWidth(id: string, density: Density): number {
  if (id === 'attributes.run_name') return NAME_WIDTH
  const ref = parseFieldId(id)
  if (!ref || ref.entity === 'attributes') return ATTRIBUTE_WIDTHS[id] ?? 120
  return keyColumnWidth(ref.entity, ref.key, density)
}

/** How many runs have each metric and param: the experiments' counts, and for keys they miss (or before they come) the loaded runs'. */
export function keyCounts(columns: RunColumns | null, runs: readonly Run[]): { metrics: Record<string, number>; params: Record<string, number> } {
  const loaded = { metrics: new Map<string, number>(), params: new Map<string, number>() }
  for (const r of runs) {
    for (const m of r.data.metrics) loaded.metrics.set(m.key, (loaded.metrics.get(m.key) ?? 0) + 1)
    for (const p of r.data.params) loaded.params.set(p.key, (loaded.params.get(p.key) ?? 0) + 1)
  }
  const merge = (server: Record<string, number> | undefined, mine: Map<string, number>) => {
    const out: Record<string, number> = Object.create(null)
    for (const [k, n] of mine) out[k] = n
    if (server) for (const k of Object.keys(server)) out[k] = Math.max(server[k], out[k] ?? 0)
    return out
  }
  return { metrics: merge(columns?.counts?.metrics, loaded.metrics), params: merge(columns?.counts?.params, loaded.params) }
}
