/**
 * Chart.js datasets and options for a compare chart model: per run a strong
 * line (the smoothed one when smoothing, with the raw line faint behind it),
 * per group a mean line over a min–max band, and the NaN/±∞ markers on a
 * hidden 0..1 axis at the plot's edges.
 */
import type { ChartDataset, ChartOptions, TooltipItem } from 'chart.js'
import type { ChartLine, ChartModel, SpecialMark } from './compareModel'
import type { XAxis, YScale } from './compareState'
import { formatElapsed, X_AXIS_LABELS, type PlotPoint } from './chartData'
import { formatDateTime, formatMetric } from './format'
import { withAlpha } from './runColors'

/** raw: a run's values; shadow: its faint raw line under the smoothed one (not in tooltips); band: a group's min..max. */
export type DatasetRole = 'raw' | 'shadow' | 'smooth' | 'mean' | 'band' | 'special'
export interface DatasetMeta {
  role: DatasetRole
  line: ChartLine | null
}

export const MARKER: Record<SpecialMark['kind'], { style: 'crossRot' | 'triangle'; rotation: number; label: string }> = {
  nan: { style: 'crossRot', rotation: 0, label: 'NaN' },
  posinf: { style: 'triangle', rotation: 0, label: '+∞' },
  neginf: { style: 'triangle', rotation: 180, label: '−∞' },
}

type LineDataset = ChartDataset<'line', Array<{ x: number; y: number | null }>>

const gapless = (v: number): number | null => (Number.isNaN(v) ? null : v)

function line(label: string, color: string, data: Array<{ x: number; y: number | null }>, width: number, dense: boolean): LineDataset {
  return {
    type: 'line',
    label,
    data,
    borderColor: color,
    backgroundColor: color,
    borderWidth: width,
    pointRadius: dense ? 0 : 2,
    pointHoverRadius: 4,
    spanGaps: false,
    tension: 0,
    fill: false,
  }
}

/** The datasets, and beside them (same index) what each one is, for the tooltip. */
export function chartDatasets(model: ChartModel, smoothing: boolean): { datasets: ChartDataset[]; metas: DatasetMeta[] } {
  const datasets: ChartDataset[] = []
  const metas: DatasetMeta[] = []
  const push = (d: ChartDataset, role: DatasetRole, l: ChartLine | null) => {
    datasets.push(d)
    metas.push({ role, line: l })
  }
  // Dots only where a line is short enough for them to help.
  const dense = (l: ChartLine) => model.lines.length > 12 || l.points.length > 40
  for (const l of model.lines) {
    if (l.band) {
      const band = l.band
      push(
        {
          ...line(
            `${l.label} min`,
            'transparent',
            band.map((b) => ({ x: b.x, y: gapless(b.min) })),
            0,
            true,
          ),
          pointHoverRadius: 0,
        },
        'band',
        l,
      )
      push(
        {
          ...line(
            `${l.label} max`,
            'transparent',
            band.map((b) => ({ x: b.x, y: gapless(b.max) })),
            0,
            true,
          ),
          pointHoverRadius: 0,
          fill: '-1',
          backgroundColor: withAlpha(l.color, 0.18),
        },
        'band',
        l,
      )
      push(
        line(
          l.label,
          l.color,
          band.map((b) => ({ x: b.x, y: gapless(b.mean) })),
          2,
          true,
        ),
        'mean',
        l,
      )
      continue
    }
    const raw = l.points.map((p) => ({ x: p.x, y: p.y }))
    if (smoothing && l.smoothed) {
      const s = l.smoothed
      push({ ...line(`${l.label} (raw)`, withAlpha(l.color, 0.28), raw, 1, true), pointHoverRadius: 0 }, 'shadow', l)
      push(
        line(
          l.label,
          l.color,
          l.points.map((p, i) => ({ x: p.x, y: s[i] })),
          1.8,
          dense(l),
        ),
        'smooth',
        l,
      )
    } else push(line(l.label, l.color, raw, 1.6, dense(l)), 'raw', l)
  }
  if (model.specials.length) {
    push(
      {
        type: 'scatter',
        label: 'NaN / ±∞ (not plotted)',
        yAxisID: 'edge',
        clip: false,
        data: model.specials.map((m) => ({ x: m.x, y: m.kind === 'posinf' ? 0.97 : 0.03 })),
        pointStyle: model.specials.map((m) => MARKER[m.kind].style),
        pointRotation: model.specials.map((m) => MARKER[m.kind].rotation),
        pointRadius: 5,
        pointHoverRadius: 7,
        borderColor: model.specials.map((m) => m.line.color),
        backgroundColor: model.specials.map((m) => m.line.color),
        borderWidth: 2,
      } as ChartDataset<'scatter'>,
      'special',
      null,
    )
  }
  return { datasets, metas }
}

export interface ThemeColors {
  text: string
  muted: string
  grid: string
  tooltipBg: string
  tooltipText: string
  primary: string
}

/** How an x value reads in ticks and tooltips. */
export function formatX(xAxis: XAxis, x: number): string {
  if (xAxis === 'wall') return formatDateTime(x)
  if (xAxis === 'relative') return formatElapsed(x)
  return Math.round(x).toLocaleString()
}

function describePoint(xAxis: XAxis, p: PlotPoint): string[] {
  const out = [`step ${p.step.toLocaleString()}`]
  if (p.timestamp !== null) out.push(xAxis === 'relative' ? `${formatDateTime(p.timestamp)} (+${formatElapsed(p.x)})` : formatDateTime(p.timestamp))
  return out
}

export function chartOptions(args: {
  xAxis: XAxis
  yScale: YScale
  colors: ThemeColors
  model: () => ChartModel
  metas: () => DatasetMeta[]
  onZoomed: () => void
}): ChartOptions<'line'> {
  const { xAxis, yScale, colors } = args
  const ticks = { color: colors.muted, maxRotation: 0, autoSkipPadding: 12 }
  const grid = { color: colors.grid }
  const runLabel = (item: TooltipItem<'line'>) => {
    const meta = args.metas()[item.datasetIndex]
    if (meta?.role === 'special') return args.model().specials[item.dataIndex]?.line.label ?? ''
    return meta?.line?.label ?? ''
  }
  // Several runs at the hovered x (eachRunAtX): the title is the x, and each run gets one line,
  // its name and value. One run: its name, then its value, step and time. Chart.js asks for the
  // title before the labels of the same tooltip, so the title decides which form the labels take.
  let several = false
  const title = (items: TooltipItem<'line'>[]) => {
    several = items.length > 1
    if (!items[0]) return ''
    if (!several) return runLabel(items[0])
    const x = items[0].parsed.x ?? 0
    return xAxis === 'step' ? `step ${formatX(xAxis, x)}` : formatX(xAxis, x)
  }
  const label = (item: TooltipItem<'line'>): string[] => {
    const lines = detail(item)
    return several && lines.length ? [`${runLabel(item)}  ${lines[0]!.replace(/^value /, '')}`] : lines
  }
  const detail = (item: TooltipItem<'line'>): string[] => {
    const meta = args.metas()[item.datasetIndex]
    if (!meta) return []
    if (meta.role === 'special') {
      const m = args.model().specials[item.dataIndex]
      return m ? [`${MARKER[m.kind].label} (not plotted)`, ...describePoint(xAxis, m.point)] : []
    }
    const l = meta.line!
    if (l.band) {
      const b = l.band[item.dataIndex]
      return b && b.n
        ? [`mean ${formatMetric(b.mean)}  (min ${formatMetric(b.min)}, max ${formatMetric(b.max)})`, `${b.n} of ${l.runCount} runs at ${formatX(xAxis, b.x)}`]
        : []
    }
    const p = l.points[item.dataIndex]
    if (!p) return []
    const value = p.kind === 'finite' ? formatMetric(p.value) : MARKER[p.kind].label
    const smoothed = l.smoothed?.[item.dataIndex]
    return [`value ${value}${smoothed !== undefined && smoothed !== null ? `  (smoothed ${formatMetric(smoothed)})` : ''}`, ...describePoint(xAxis, p)]
  }
  return {
    animation: false,
    maintainAspectRatio: false,
    responsive: true,
    parsing: false,
    normalized: true,
    // The tooltip lists every run at the hovered x (registerEachRunAtX), highest value first.
    interaction: { mode: 'eachRunAtX', intersect: false },
    scales: {
      x: {
        type: xAxis === 'wall' ? 'time' : 'linear',
        title: { display: true, text: X_AXIS_LABELS[xAxis], color: colors.muted },
        ticks: xAxis === 'wall' ? ticks : { ...ticks, callback: (v) => formatX(xAxis, Number(v)), ...(xAxis === 'step' ? { precision: 0 } : {}) },
        grid,
      },
      y: {
        type: yScale === 'log' ? 'logarithmic' : 'linear',
        ticks: { ...ticks, callback: (v) => formatMetric(Number(v)) },
        grid,
      },
      edge: { type: 'linear', axis: 'y', display: false, min: 0, max: 1 },
    },
    plugins: {
      legend: { display: false },
      tooltip: {
        backgroundColor: colors.tooltipBg,
        titleColor: colors.tooltipText,
        bodyColor: colors.tooltipText,
        borderColor: colors.grid,
        borderWidth: 1,
        // A run once: its smoothed line, not also the faint raw one under it; a group by its mean.
        filter: (item) => !['band', 'shadow'].includes(args.metas()[item.datasetIndex]?.role ?? ''),
        itemSort: (a, b) => (b.parsed.y ?? 0) - (a.parsed.y ?? 0),
        callbacks: { title, label },
      },
      zoom: {
        limits: { x: { minRange: xAxis === 'step' ? 1 : 10 } },
        pan: { enabled: true, mode: 'x', modifierKey: 'shift', onPanComplete: args.onZoomed },
        zoom: {
          mode: 'x',
          wheel: { enabled: true, modifierKey: 'ctrl' },
          drag: { enabled: true, backgroundColor: withAlpha(colors.primary, 0.12), borderColor: colors.primary, borderWidth: 1 },
          onZoomComplete: args.onZoomed,
        },
      },
    },
  } as ChartOptions<'line'>
}

/** The datasets of one run's line drawn wider and in front (the run hovered in a table); the others unchanged. */
export function emphasize(datasets: ChartDataset[], metas: readonly DatasetMeta[], runId: string | null): ChartDataset[] {
  if (!runId) return datasets
  return datasets.map((d, i) => {
    const m = metas[i]
    if (!m?.line || m.line.band || m.line.id !== runId) return d
    const width = (d as { borderWidth?: number }).borderWidth ?? 1.6
    return { ...d, borderWidth: width + 1.6, order: -1 } as ChartDataset
  })
}

/** The run a hovered dataset draws (null for a group's band or mean, and for the NaN markers). */
export function runOfDataset(metas: readonly DatasetMeta[], index: number): string | null {
  const m = metas[index]
  return m?.line && !m.line.band ? m.line.id : null
}
