/**
 * What one compare chart draws, independent of Chart.js: a line per visible
 * run (or a mean line and min–max band per group), its smoothed twin, the
 * NaN/±∞ markers, and the counts its header reports.
 */
import type { CompareSeries } from '@shared/api/contract'
import type { Run } from '@shared/domain/mlflow'
import { countSpecials, type SpecialCounts, type ValueKind } from './metricSeries'
import { toPlotSeries, type PlotPoint } from './chartData'
import type { XAxis, YScale } from './compareState'
import { ema } from './ema'
import { aggregate, groupRuns, type BandPoint } from './groupSeries'
import { colorOf } from './runColors'

export interface LegendEntry {
  /** A run id, or `group:<value>`. */
  id: string
  label: string
  color: string
  /** Runs in a group (1 for a run). */
  runCount: number
  runIds: string[]
}

export interface ChartLine extends LegendEntry {
  /** A run's points (empty for a group). */
  points: PlotPoint[]
  /** The smoothed y of each point, or of each band point for a group; null when not smoothing. */
  smoothed: Array<number | null> | null
  /** A group's mean and min–max over its runs. */
  band: BandPoint[] | null
}

export interface SpecialMark {
  x: number
  kind: Exclude<ValueKind, 'finite'>
  line: ChartLine
  point: PlotPoint
}

export interface ChartModel {
  lines: ChartLine[]
  specials: SpecialMark[]
  counts: SpecialCounts
  offScale: number
  untimed: number
  /** Visible runs that never logged this metric (in the step window). */
  missing: string[]
  sampled: boolean
  /** Stored points behind the visible series. */
  totalPoints: number
  /** Points the visible series hold. */
  pointCount: number
}

export const runLabel = (run: Run | undefined, runId: string): string => run?.info.run_name || runId.slice(0, 8)
export const groupId = (value: string | null): string => `group:${value ?? ''}`

/** The legend: the runs in comparison order, or the groups of `groupBy` with their run counts. */
export function legendEntries(runs: readonly Run[], groupBy: string | null, runColor: (id: string) => string): LegendEntry[] {
  if (!groupBy)
    return runs.map((r) => ({ id: r.info.run_id, label: runLabel(r, r.info.run_id), color: runColor(r.info.run_id), runCount: 1, runIds: [r.info.run_id] }))
  const groups = groupRuns(runs, groupBy)
  const color = colorOf(groups.map((g) => groupId(g.value)))
  const name = groupBy.slice(groupBy.indexOf('.') + 1)
  return groups.map((g) => ({
    id: groupId(g.value),
    label: g.value === null ? `no ${name}` : `${name}=${g.value}`,
    color: color(groupId(g.value)),
    runCount: g.runIds.length,
    runIds: g.runIds,
  }))
}

export interface ModelInput {
  /** This metric's series (one per run). */
  series: readonly CompareSeries[]
  runs: readonly Run[]
  xAxis: XAxis
  yScale: YScale
  smooth: number
  groupBy: string | null
  hidden: readonly string[]
  runColor: (id: string) => string
}

export function buildChartModel(input: ModelInput): ChartModel {
  const runById = new Map(input.runs.map((r) => [r.info.run_id, r]))
  const hidden = new Set(input.hidden)
  const entries = legendEntries(input.runs, input.groupBy, input.runColor).filter((e) => !hidden.has(e.id))
  const byRun = new Map(input.series.map((s) => [s.run_id, s]))
  const model: ChartModel = {
    lines: [],
    specials: [],
    counts: { nan: 0, posinf: 0, neginf: 0 },
    offScale: 0,
    untimed: 0,
    missing: [],
    sampled: false,
    totalPoints: 0,
    pointCount: 0,
  }

  const plotted = new Map<string, PlotPoint[]>()
  for (const e of entries) {
    for (const id of e.runIds) {
      const s = byRun.get(id)
      if (!s || !s.metrics.length) {
        model.missing.push(id)
        continue
      }
      const ps = toPlotSeries(s.metrics, input.xAxis, input.yScale, runById.get(id)?.info.start_time ?? null)
      plotted.set(id, ps.points)
      model.offScale += ps.offScale
      model.untimed += ps.untimed
      model.sampled ||= s.sampled
      model.totalPoints += s.total_points
      model.pointCount += s.metrics.length
    }
  }

  const smoothing = input.smooth > 0
  for (const e of entries) {
    if (!input.groupBy) {
      const points = plotted.get(e.id)
      if (!points) continue
      const line: ChartLine = {
        ...e,
        points,
        smoothed: smoothing
          ? ema(
              points.map((p) => p.y),
              input.smooth,
            )
          : null,
        band: null,
      }
      model.lines.push(line)
      continue
    }
    // A group: each run smoothed first (when asked), then aggregated.
    const members = e.runIds.map((id) => plotted.get(id)).filter((p): p is PlotPoint[] => !!p)
    if (!members.length) continue
    const xy = members.map((pts) => {
      const ys = smoothing
        ? ema(
            pts.map((p) => p.y),
            input.smooth,
          )
        : pts.map((p) => p.y)
      return pts.map((p, i) => ({ x: p.x, y: ys[i] }))
    })
    const line: ChartLine = { ...e, points: members.flat(), smoothed: null, band: aggregate(xy) }
    model.lines.push(line)
  }

  for (const line of model.lines) {
    for (const p of line.points) {
      if (p.kind === 'finite') continue
      model.specials.push({ x: p.x, kind: p.kind, line, point: p })
    }
  }
  // By x, like every other dataset: the tooltip finds points by a binary search on x (eachRunAtX).
  model.specials.sort((a, b) => a.x - b.x)
  model.counts = countSpecials(model.lines.flatMap((l) => l.points))
  return model
}
