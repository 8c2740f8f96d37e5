/**
 * Parallel coordinates over chosen params and one metric (the last axis).
 * Numeric axes span their values' min..max; category axes space their values
 * evenly, and a run that lacks a categorical param sits at "—" on that axis.
 * A run lacking a number on a numeric axis (or with a NaN/±inf metric) cannot
 * be drawn as one line: it is left out and listed.
 * A numeric axis whose values are all positive can be logarithmic (a learning
 * rate from 1e-5 to 1e-1): by default when they span two decades or more.
 */
import type { Run } from '@shared/domain/mlflow'
import { diffRows } from './paramsDiff'
import { fieldColumn, runLabel, type Field } from './scatterData'

export const MISSING_CATEGORY = '—'

export interface PcpAxis {
  field: Field
  type: 'numeric' | 'category'
  min: number
  max: number
  /** Category labels in axis order ([] on a numeric axis). */
  categories: string[]
  /** Per run: the value (numeric; its log10 on a log axis) or category index; null when the run has none. */
  values: Array<number | null>
  /** Drawn on a log10 scale: values, min and max are log10 of the run's numbers. */
  log: boolean
  /** Every value is positive, so the axis may be logarithmic. */
  logPossible: boolean
  /** Per run: the position on the axis, 0 (bottom) .. 1 (top); null when none. */
  normalized: Array<number | null>
  texts: Array<string | undefined>
}

export interface PcpData {
  axes: PcpAxis[]
  /** Indexes of the runs drawn (a value on every axis). */
  drawn: number[]
  /** Names of the runs left out. */
  missing: string[]
}

/** How an axis is named in a choice of log axes: params and metrics may share a key. */
export const axisId = (field: Field): string => `${field.kind}:${field.key}`

/** Values spanning this ratio (two decades) or more are drawn on a log axis unless the user says otherwise. */
export const AUTO_LOG_RATIO = 100

function axisOf(runs: readonly Run[], field: Field, logChoice: boolean | undefined): PcpAxis {
  const col = fieldColumn(runs, field)
  if (col.type === 'category') {
    const categories = col.positions.some((p) => p === undefined) ? [...col.categories, MISSING_CATEGORY] : col.categories
    const values = col.positions.map((p) => p ?? categories.length - 1)
    const last = Math.max(1, categories.length - 1)
    return {
      field,
      type: 'category',
      min: 0,
      max: categories.length - 1,
      categories,
      values,
      log: false,
      logPossible: false,
      normalized: values.map((v) => (categories.length === 1 ? 0.5 : v / last)),
      texts: col.texts.map((t) => t ?? MISSING_CATEGORY),
    }
  }
  const defined = col.positions.filter((v): v is number => v !== undefined)
  const logPossible = defined.length > 0 && defined.every((v) => v > 0)
  const log = logPossible && (logChoice ?? Math.max(...defined) / Math.min(...defined) >= AUTO_LOG_RATIO)
  const scaled = log ? defined.map(Math.log10) : defined
  const min = scaled.length ? Math.min(...scaled) : 0
  const max = scaled.length ? Math.max(...scaled) : 0
  const values = col.positions.map((v) => (v === undefined ? null : log ? Math.log10(v) : v))
  return {
    field,
    type: 'numeric',
    min,
    max,
    categories: [],
    values,
    log,
    logPossible,
    normalized: values.map((v) => (v === null ? null : max === min ? 0.5 : (v - min) / (max - min))),
    texts: col.texts,
  }
}

/** `log`: the user's choice per axis (by axisId); an axis not in it is logarithmic when its values span AUTO_LOG_RATIO. */
export function pcpData(runs: readonly Run[], paramKeys: readonly string[], metricKey: string | null, log: Readonly<Record<string, boolean>> = {}): PcpData {
  const fields: Field[] = paramKeys.map((key) => ({ kind: 'param', key }))
  if (metricKey) fields.push({ kind: 'metric', key: metricKey })
  const axes = fields.map((f) => axisOf(runs, f, log[axisId(f)]))
  const drawn: number[] = []
  const missing: string[] = []
  runs.forEach((r, i) => (axes.every((a) => a.values[i] !== null) ? drawn.push(i) : missing.push(runLabel(r))))
  return { axes, drawn, missing }
}

/** The params that differ between the runs (at most `max`), else the first params: the default axes. */
export function defaultPcpParams(runs: readonly Run[], max = 6): string[] {
  const rows = diffRows(runs)
  const differing = rows.filter((r) => r.differs)
  return (differing.length ? differing : rows).slice(0, max).map((r) => r.key)
}

/** Viridis stops: perceptually even, readable on light and dark, fine for colour-blind readers. */
const VIRIDIS: ReadonlyArray<readonly [number, number, number]> = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
]

/** A colour on the sequential scale for t in 0..1 (clamped). */
export function sequentialColor(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1)
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x))
  const f = x - i
  const [a, b] = [VIRIDIS[i], VIRIDIS[i + 1]]
  const mix = (k: number) => Math.round(a[k] + (b[k] - a[k]) * f)
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`
}
