/**
 * Stable run colours for a comparison: a run keeps the colour of its position
 * in the comparison, so every chart, legend and panel agrees on it. The 20
 * hues are mid-tones that read on both the light and the dark background: each
 * has a contrast of at least 3:1 (WCAG's bar for lines and marks) against the
 * light card (#ffffff) and the dark one (#18181c), as runColors.test.ts checks.
 */
export const RUN_PALETTE: readonly string[] = [
  '#3b82f6',
  '#f26706',
  '#22a55b',
  '#e5484d',
  '#a855f7',
  '#12a393',
  '#b68a05',
  '#ec4899',
  '#8b5e3c',
  '#64748b',
  '#0d9bdb',
  '#6ea115',
  '#d946ef',
  '#ca1340',
  '#6366f1',
  '#0ea674',
  '#c2410c',
  '#0891b2',
  '#7c3aed',
  '#9f7a2d',
]

/** For runs outside the comparison. */
export const UNKNOWN_RUN_COLOR = '#888888'

/** `colorOf(runIds)(runId)`: the colour of a run by its position in `runIds` (wrapping after 20). */
export function colorOf(runIds: readonly string[]): (runId: string) => string {
  const index = new Map<string, number>()
  runIds.forEach((id) => {
    if (!index.has(id)) index.set(id, index.size)
  })
  return (runId) => {
    const i = index.get(runId)
    return i === undefined ? UNKNOWN_RUN_COLOR : RUN_PALETTE[i % RUN_PALETTE.length]
  }
}

/** `#rrggbb` with an alpha, for faint lines and bands (other colour forms pass unchanged). */
export function withAlpha(hex: string, alpha: number): string {
  if (!/^#[0-9a-f]{6}$/i.test(hex)) return hex
  const a = Math.round(Math.min(1, Math.max(0, alpha)) * 255)
  return `${hex}${a.toString(16).padStart(2, '0')}`
}
