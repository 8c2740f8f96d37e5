import type { SpanView } from '@shared/domain/traces'

/**
 * The rows a span tree shows: the trace's spans in tree order (depth first, as traces:get gives
 * them) without the descendants of collapsed spans. One list drives the tree and the waterfall,
 * so both scroll together. Linear in the spans: a trace of thousands re-flattens in microseconds.
 */
export function visibleSpans(spans: readonly SpanView[], collapsed: ReadonlySet<string>): SpanView[] {
  const rows: SpanView[] = []
  // While inside a collapsed span: its depth; the rows deeper than it are hidden.
  let hiddenBelow = Infinity
  for (const s of spans) {
    if (s.depth > hiddenBelow) continue
    hiddenBelow = Infinity
    rows.push(s)
    if (s.children.length && collapsed.has(s.span_id)) hiddenBelow = s.depth
  }
  return rows
}

/** The span ids from the root down to (not including) this span: what must be expanded to show it. */
export function ancestorIds(spans: readonly SpanView[], spanId: string): string[] {
  const byId = new Map(spans.map((s) => [s.span_id, s]))
  const out: string[] = []
  const seen = new Set<string>()
  let parent = byId.get(spanId)?.parent_span_id ?? null
  while (parent !== null && byId.has(parent) && !seen.has(parent)) {
    seen.add(parent)
    out.unshift(parent)
    parent = byId.get(parent)!.parent_span_id
  }
  return out
}

/** What a key does in the span tree: select another span, collapse or expand one, or nothing. */
export type TreeMove = { select: string } | { collapse: string } | { expand: string } | null

/**
 * Arrow keys as in a file tree: ↑/↓ the previous/next row; → expands a collapsed span, else goes
 * to its first child; ← collapses an expanded span, else goes to its parent.
 */
export function treeMove(rows: readonly SpanView[], selected: string | null, key: 'up' | 'down' | 'left' | 'right', collapsed: ReadonlySet<string>): TreeMove {
  if (!rows.length) return null
  const i = selected === null ? -1 : rows.findIndex((r) => r.span_id === selected)
  if (i < 0) return { select: rows[0].span_id }
  const row = rows[i]
  const open = row.children.length > 0 && !collapsed.has(row.span_id)
  switch (key) {
    case 'up':
      return i > 0 ? { select: rows[i - 1].span_id } : null
    case 'down':
      return i < rows.length - 1 ? { select: rows[i + 1].span_id } : null
    case 'right':
      if (!row.children.length) return null
      return open ? { select: row.children[0] } : { expand: row.span_id }
    case 'left':
      if (open) return { collapse: row.span_id }
      return row.parent_span_id !== null && rows.some((r) => r.span_id === row.parent_span_id) ? { select: row.parent_span_id } : null
  }
}
