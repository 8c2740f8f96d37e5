import type { TooltipItem } from 'chart.js'
import { describe, expect, it } from 'vitest'
import { chartDatasets, chartOptions, type ThemeColors } from '@/utils/compareChartConfig'
import type { ChartLine, ChartModel } from '@/utils/compareModel'

const point = (x: number, value: number) => ({ x, y: value, step: x, timestamp: null, value, kind: 'finite' as const })
const lineOf = (id: string, values: number[], smoothed: number[] | null): ChartLine =>
  ({ id, label: id, color: '#3b82f6', points: values.map((v, i) => point(i, v)), smoothed, band: null }) as unknown as ChartLine
const modelOf = (lines: ChartLine[]): ChartModel =>
  ({ lines, specials: [], counts: { nan: 0, posinf: 0, neginf: 0 }, offScale: 0, untimed: 0 }) as unknown as ChartModel
const COLORS: ThemeColors = { text: '#000', muted: '#666', grid: '#ddd', tooltipBg: '#fff', tooltipText: '#000', primary: '#1769d1' }

describe('a chart tooltip', () => {
  it('names a smoothed run once: its smoothed line, not also the faint raw line under it', () => {
    const model = modelOf([lineOf('a', [3, 2, 1], [3, 2.5, 2]), lineOf('b', [5, 4, 3], [5, 4.5, 4])])
    const { metas } = chartDatasets(model, true)
    expect(metas.map((m) => `${m.line?.id}:${m.role}`)).toEqual(['a:shadow', 'a:smooth', 'b:shadow', 'b:smooth'])
    const options = chartOptions({ xAxis: 'step', yScale: 'linear', colors: COLORS, model: () => model, metas: () => metas, onZoomed: () => undefined })
    const filter = options.plugins!.tooltip!.filter!
    const shown = metas.map((_m, datasetIndex) => datasetIndex).filter((datasetIndex) => filter({ datasetIndex } as TooltipItem<'line'>, 0, [], {} as never))
    expect(shown.map((i) => `${metas[i]!.line?.id}:${metas[i]!.role}`)).toEqual(['a:smooth', 'b:smooth'])
  })

  it('without smoothing, every run’s one line is shown', () => {
    const model = modelOf([lineOf('a', [3, 2, 1], null)])
    const { metas } = chartDatasets(model, false)
    expect(metas.map((m) => m.role)).toEqual(['raw'])
  })
})
