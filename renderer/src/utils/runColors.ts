/**
 * Stable run colours for a comparison: a run keeps the colour of its position
 * in the comparison, so every chart, legend and panel agrees on it. The 20
 * hues are mid-tones that read on both the light and the dark background.
 */
export const RUN_PALETTE: readonly string[] = [
  '#3b82f6',
  '#f97316',
  '#22a55b',
  '#e5484d',
  '#a855f7',
  '#14b8a6',
  '#d4a106',
  '#ec4899',
  '#8b5e3c',
  '#64748b',
  '#0ea5e9',
  '#7cb518',
  '#d946ef',
  '#be123c',
  '#6366f1',
  '#10b981',
  '#c2410c',
  '#0891b2',
  '#7c3aed',
  '#9f7a2d',
]

/** For runs outside the comparison. */
const UNKNOWN = '#888888'

/** `colorOf(runIds)(runId)`: the colour of a run by its position in `runIds` (wrapping after 20). */
export function colorOf(runIds: readonly string[]): (runId: string) => string {
  const index = new Map<string, number>()
  runIds.forEach((id) => {
    if (!index.has(id)) index.set(id, index.size)
  })
  return (runId) => {
    const i = index.get(runId)
    return i === undefined ? UNKNOWN : RUN_PALETTE[i % RUN_PALETTE.length]
  }
}

/** `#rrggbb` with an alpha, for faint lines and bands (other colour forms pass unchanged). */
export function withAlpha(hex: string, alpha: number): string {
  if (!/^#[0-9a-f]{6}$/i.test(hex)) return hex
  const a = Math.round(Math.min(1, Math.max(0, alpha)) * 255)
  return `${hex}${a.toString(16).padStart(2, '0')}`
}
