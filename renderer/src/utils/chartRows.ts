/**
 * The chart grid as rows of known height, so only the rows near the screen are
 * in the page: a section's heading, then its cards `columns` to a row. With
 * thousands of charts the page holds a few dozen cards, whatever the scroll.
 */
import type { ChartSection } from './chartLayout'

export interface GridRow {
  /** Stable across renders: `head:<section>` or `cards:<section>:<first key>`. */
  id: string
  kind: 'head' | 'cards'
  section: ChartSection
  /** The cards of a 'cards' row. */
  keys: string[]
  top: number
  height: number
}

export interface GridMetrics {
  columns: number
  headHeight: number
  cardHeight: number
  gap: number
  /** Space before each section but the first. */
  sectionGap: number
}

/** The chart grid's card sizes (ChartGrid lays its rows out by them; a prefetch guesses its first screen by them). */
export const CARD_MIN_WIDTH = 380
export const CHART_GRID = { headHeight: 34, cardHeight: 300, gap: 12, sectionGap: 14 } as const

/** Each page's grid box when last measured (a next visit's first screen is most likely the same size). */
const lastBoxes = new Map<string, { width: number; height: number }>()
export function rememberGridBox(place: string, box: { width: number; height: number }): void {
  if (box.width > 0 && box.height > 0) lastBoxes.set(place, { width: box.width, height: box.height })
}

/**
 * The keys of the cards on the grid's first screen, before the grid is in the page (so their
 * series are asked for while it renders): its box as last measured, or a guess from the window.
 */
export function firstScreenKeys(
  place: string,
  sections: readonly ChartSection[],
  collapsed: ReadonlySet<string>,
  view: { width: number; height: number },
): string[] {
  const box = lastBoxes.get(place) ?? { width: view.width * 0.55, height: view.height - 260 }
  const columns = columnsFor(box.width, CARD_MIN_WIDTH, CHART_GRID.gap)
  const { rows } = gridRows(sections, collapsed, { ...CHART_GRID, columns })
  return rowsBetween(rows, 0, box.height).flatMap((r) => r.keys)
}

/** How many cards of at least `minCard` px fit beside each other in `width` px with `gap` between. */
export function columnsFor(width: number, minCard: number, gap: number): number {
  return Math.max(1, Math.floor((width + gap) / (minCard + gap)))
}

export function gridRows(sections: readonly ChartSection[], collapsed: ReadonlySet<string>, m: GridMetrics): { rows: GridRow[]; height: number } {
  const rows: GridRow[] = []
  let y = 0
  sections.forEach((section, i) => {
    if (i) y += m.sectionGap
    rows.push({ id: `head:${section.name}`, kind: 'head', section, keys: [], top: y, height: m.headHeight })
    y += m.headHeight
    if (collapsed.has(section.name)) return
    for (let k = 0; k < section.keys.length; k += m.columns) {
      const keys = section.keys.slice(k, k + m.columns)
      rows.push({ id: `cards:${section.name}:${keys[0]}`, kind: 'cards', section, keys, top: y, height: m.cardHeight })
      y += m.cardHeight + m.gap
    }
  })
  return { rows, height: y }
}

/** The rows that overlap [from, to) (rows are in `top` order: a binary search finds the first). */
export function rowsBetween(rows: readonly GridRow[], from: number, to: number): GridRow[] {
  let lo = 0
  let hi = rows.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (rows[mid].top + rows[mid].height <= from) lo = mid + 1
    else hi = mid
  }
  const out: GridRow[] = []
  for (let i = lo; i < rows.length && rows[i].top < to; i++) out.push(rows[i])
  return out
}
