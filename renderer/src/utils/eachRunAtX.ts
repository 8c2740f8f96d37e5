import { Interaction, type Chart, type ChartEvent, type InteractionItem, type InteractionModeFunction } from 'chart.js'
import { getRelativePosition } from 'chart.js/helpers'

/** How far (in pixels) a line's nearest point may be from the pointer's x and still be "at" it. */
export const AT_X_PIXELS = 24

/**
 * The index of the point nearest to `x` among `count` points whose x (`xAt(i)`) ascends, or -1
 * when the nearest is farther than `maxDistance`. Binary search: a line of 10,000 points costs
 * 14 steps per mouse move, not 10,000.
 */
export function nearestIndexByX(count: number, xAt: (i: number) => number, x: number, maxDistance: number): number {
  if (count === 0) return -1
  let lo = 0
  let hi = count - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (xAt(mid) < x) lo = mid + 1
    else hi = mid
  }
  // lo is the first point at or after x: the nearest is it or the one before.
  const best = lo > 0 && Math.abs(xAt(lo - 1) - x) <= Math.abs(xAt(lo) - x) ? lo - 1 : lo
  return Math.abs(xAt(best) - x) <= maxDistance ? best : -1
}

/**
 * Chart.js interaction mode `eachRunAtX`: every visible line's point nearest to the pointer's x
 * (within AT_X_PIXELS), one per line, so a tooltip lists every run at the hovered step, not only
 * the nearest line's. Lines are downsampled each on its own steps, so the points of one step do
 * not share an index (mode 'index') nor always an exact x (mode 'x').
 */
export const eachRunAtX: InteractionModeFunction = (chart: Chart, e: ChartEvent, _options, useFinalPosition) => {
  const { x } = getRelativePosition(e, chart)
  const items: InteractionItem[] = []
  chart.data.datasets.forEach((_d, datasetIndex) => {
    if (!chart.isDatasetVisible(datasetIndex)) return
    const points = chart.getDatasetMeta(datasetIndex).data
    const index = nearestIndexByX(points.length, (i) => points[i]!.getProps(['x'], useFinalPosition).x as number, x, AT_X_PIXELS)
    if (index >= 0) items.push({ element: points[index]!, datasetIndex, index })
  })
  return items
}

declare module 'chart.js' {
  interface InteractionModeMap {
    eachRunAtX: InteractionModeFunction
  }
}

/** Make the mode known to Chart.js (idempotent). */
export function registerEachRunAtX(): void {
  Interaction.modes.eachRunAtX = eachRunAtX
}
