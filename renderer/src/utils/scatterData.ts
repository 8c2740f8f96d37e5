/**
 * Runs as points: any metric (latest value) or param against another. Params
 * whose values all read as numbers are numeric; the others are categories,
 * placed at 0, 1, 2... in a natural order. NaN and ±inf metrics have no place
 * on an axis: such runs are counted as "without values", never dropped unseen.
 */
import type { Run } from '@shared/domain/mlflow'
import { runMetric, runParam } from './runValues'
import { valueKind } from './metricSeries'
import { formatMetric } from './format'

export interface Field {
  kind: 'metric' | 'param'
  key: string
}

/** "metric:val_loss" / "param:lr": a field as one string, for selects and links. */
export const fieldId = (f: Field): string => `${f.kind}:${f.key}`

export function parseFieldId(id: string): Field | null {
  const m = /^(metric|param):(.+)$/s.exec(id)
  return m ? { kind: m[1] as Field['kind'], key: m[2] } : null
}

export interface FieldColumn {
  field: Field
  type: 'numeric' | 'category'
  /** Per run: a number on a numeric axis, a category index on a category axis, undefined when the run has no value. */
  positions: Array<number | undefined>
  /** What to show for each run's value (as logged). */
  texts: Array<string | undefined>
  /** Category axis labels in axis order ([] on a numeric axis). */
  categories: string[]
  /** Every value is > 0: a log scale can show them all. */
  positive: boolean
}

const NUMBER = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i
const natural = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' })

export function fieldColumn(runs: readonly Run[], field: Field): FieldColumn {
  if (field.kind === 'metric') {
    const values = runs.map((r) => runMetric(r, field.key)?.value)
    const positions = values.map((v) => (v !== undefined && valueKind(v) === 'finite' ? v : undefined))
    return numeric(
      field,
      positions,
      values.map((v) => (v === undefined ? undefined : formatMetric(v))),
    )
  }
  const texts = runs.map((r) => runParam(r, field.key))
  const present = texts.filter((v): v is string => v !== undefined)
  if (present.length && present.every((v) => NUMBER.test(v)))
    return numeric(
      field,
      texts.map((v) => (v === undefined ? undefined : Number(v))),
      texts,
    )
  const categories = [...new Set(present)].sort(natural.compare)
  const index = new Map(categories.map((c, i) => [c, i]))
  return { field, type: 'category', positions: texts.map((v) => (v === undefined ? undefined : index.get(v))), texts, categories, positive: false }
}

function numeric(field: Field, positions: Array<number | undefined>, texts: Array<string | undefined>): FieldColumn {
  const defined = positions.filter((v): v is number => v !== undefined)
  return { field, type: 'numeric', positions, texts, categories: [], positive: defined.length > 0 && defined.every((v) => v > 0) }
}

export interface ScatterPoint {
  runId: string
  runName: string
  x: number
  y: number
  xText: string
  yText: string
}

export interface ScatterData {
  x: FieldColumn
  y: FieldColumn
  points: ScatterPoint[]
  /** Names of the runs lacking either value (or holding NaN/±inf there). */
  missing: string[]
}

export const runLabel = (r: Run): string => r.info.run_name || r.info.run_id

export function scatterData(runs: readonly Run[], xField: Field, yField: Field): ScatterData {
  const x = fieldColumn(runs, xField)
  const y = fieldColumn(runs, yField)
  const points: ScatterPoint[] = []
  const missing: string[] = []
  runs.forEach((r, i) => {
    const px = x.positions[i]
    const py = y.positions[i]
    if (px === undefined || py === undefined) missing.push(runLabel(r))
    else points.push({ runId: r.info.run_id, runName: runLabel(r), x: px, y: py, xText: x.texts[i]!, yText: y.texts[i]! })
  })
  return { x, y, points, missing }
}

/** Every field the runs have: chosen metrics first, then the other metrics, then params, each by key. */
export function fieldOptions(runs: readonly Run[], metricKeys: readonly string[]): Field[] {
  const metrics = new Set(metricKeys)
  const params = new Set<string>()
  const others = new Set<string>()
  for (const r of runs) {
    for (const m of r.data.metrics) if (!metrics.has(m.key)) others.add(m.key)
    for (const p of r.data.params) params.add(p.key)
  }
  const sorted = (s: Set<string>) => [...s].sort(natural.compare)
  return [
    ...metricKeys.map((key) => ({ kind: 'metric' as const, key })),
    ...sorted(others).map((key) => ({ kind: 'metric' as const, key })),
    ...sorted(params).map((key) => ({ kind: 'param' as const, key })),
  ]
}

/** Tick text on a category axis (positions are category indexes; between them there is none). */
export function categoryTick(column: FieldColumn, position: number): string {
  return Number.isInteger(position) ? (column.categories[position] ?? '') : ''
}
