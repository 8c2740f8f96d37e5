import type { MlflowSpan, SpanView, TraceTokenUsage } from '@shared/domain/traces'
import { hexSpanId } from './spanJson'
import { tokenUsageOf } from './traceRows'

/**
 * What a trace view draws from a trace's spans, computed once on the server: the tree (depth,
 * children by start time, rows in depth-first order), each span's type, duration, error flag,
 * token usage and model, and the critical path. Linear in the spans (a sort per parent), no
 * recursion: a trace of thousands of spans, or one nested thousands deep, costs milliseconds.
 */

/** Attribute values are JSON-encoded: "\"CHAT_MODEL\"" is the string CHAT_MODEL. */
function decoded(v: unknown): unknown {
  if (typeof v !== 'string') return v
  try {
    return JSON.parse(v)
  } catch {
    return v
  }
}

const MODEL_KEYS = ['mlflow.llm.model', 'model', 'gen_ai.response.model', 'gen_ai.request.model', 'llm.model_name', 'model_name']

function model(attrs: MlflowSpan['attributes']): string | null {
  for (const k of MODEL_KEYS) {
    const v = decoded(attrs[k])
    if (typeof v === 'string' && v !== '') return v
  }
  return null
}

const count = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : null)

/** mlflow.chat.tokenUsage (the shape of the trace's mlflow.trace.tokenUsage), else OpenTelemetry's gen_ai.usage.* attributes. */
export function tokenUsage(attrs: MlflowSpan['attributes']): TraceTokenUsage | null {
  const chat = attrs['mlflow.chat.tokenUsage']
  const t: TraceTokenUsage = tokenUsageOf(typeof chat === 'string' ? chat : undefined) ?? {
    input_tokens: count(decoded(attrs['gen_ai.usage.input_tokens'])),
    output_tokens: count(decoded(attrs['gen_ai.usage.output_tokens'])),
    total_tokens: null,
  }
  if (t.input_tokens === null && t.output_tokens === null && t.total_tokens === null) return null
  if (t.total_tokens === null && t.input_tokens !== null && t.output_tokens !== null) t.total_tokens = t.input_tokens + t.output_tokens
  return t
}

export function spanType(attrs: MlflowSpan['attributes']): string {
  const v = decoded(attrs['mlflow.spanType'])
  return typeof v === 'string' && v !== '' ? v : 'UNKNOWN'
}

interface Node {
  index: number
  id: string
  parent: string | null
  start: bigint
  end: bigint | null
  children: Node[]
}

const byStart = (a: Node, b: Node) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.index - b.index)

/**
 * The spans the trace's end waited on, in time order. From each root's end, walking back: the
 * child that ended last before the cursor is on the path (and, inside it, its own children the
 * same way); the cursor moves to that child's start, and the walk goes on among the children
 * that ended before it. Sequential steps are all on the path; of overlapping ones, the one that
 * finished last. The root of the trace (the one ending last when there are several) starts it.
 */
function criticalPath(roots: Node[]): string[] {
  const last = roots.reduce<Node | null>((best, r) => (best === null || (r.end ?? r.start) > (best.end ?? best.start) ? r : best), null)
  if (!last) return []
  // Work items: a span to put on the path, then its children walked back from its end.
  const stack: Node[] = [last]
  const seen = new Set<Node>()
  while (stack.length) {
    const span = stack.pop()!
    // Parents that loop (a broken trace) must not walk forever.
    if (seen.has(span)) continue
    seen.add(span)
    let cursor = span.end ?? span.start
    const picked: Node[] = []
    // Children by end, latest first: each one that ended by the cursor and after the last pick's start.
    const kids = [...span.children].sort((a, b) => {
      const ea = a.end ?? a.start
      const eb = b.end ?? b.start
      return ea > eb ? -1 : ea < eb ? 1 : a.index - b.index
    })
    for (const k of kids) {
      const end = k.end ?? k.start
      if (k.start > cursor) continue
      if (picked.length && end > cursor) continue
      picked.push(k)
      cursor = k.start
    }
    stack.push(...picked)
  }
  return [...seen].sort(byStart).map((n) => n.id)
}

/** The view of each span, in tree order, and the critical path. */
export function spanTree(spans: MlflowSpan[]): { rows: SpanView[]; critical_path: string[]; start: bigint | null } {
  const nodes = spans.map((s, index): Node => ({
    index,
    id: hexSpanId(s.span_id),
    parent: s.parent_span_id ? hexSpanId(s.parent_span_id) : null,
    start: BigInt(s.start_time_unix_nano),
    end: s.end_time_unix_nano === null ? null : BigInt(s.end_time_unix_nano),
    children: [],
  }))
  const byId = new Map<string, Node>()
  for (const n of nodes) if (!byId.has(n.id)) byId.set(n.id, n)
  const roots: Node[] = []
  for (const n of nodes) {
    const p = n.parent === null || n.parent === n.id ? undefined : byId.get(n.parent)
    if (p && byId.get(n.id) === n) p.children.push(n)
    else roots.push(n)
  }
  for (const n of nodes) n.children.sort(byStart)
  roots.sort(byStart)
  const start = nodes.reduce<bigint | null>((m, n) => (m === null || n.start < m ? n.start : m), null)

  const rows: SpanView[] = []
  const seen = new Set<Node>()
  const visit = (from: Node[]) => {
    const stack: Array<[Node, number]> = from.map((r) => [r, 0] as [Node, number]).reverse()
    while (stack.length) {
      const [n, depth] = stack.pop()!
      if (seen.has(n)) continue
      seen.add(n)
      const s = spans[n.index]
      rows.push({
        index: n.index,
        span_id: n.id,
        parent_span_id: depth === 0 ? null : n.parent,
        name: s.name,
        type: spanType(s.attributes),
        depth,
        children: n.children.map((c) => c.id),
        offset_ns: Number(n.start - (start ?? n.start)),
        duration_ns: n.end === null ? null : Number(n.end - n.start),
        error: s.status.code === 'STATUS_CODE_ERROR' || s.status.code === 'ERROR',
        status_message: s.status.message,
        tokens: tokenUsage(s.attributes),
        model: model(s.attributes),
        critical: false,
      })
      for (let i = n.children.length - 1; i >= 0; i--) stack.push([n.children[i], depth + 1])
    }
  }
  visit(roots)
  // Spans whose parents loop among themselves reach no root: shown at the top, each a root.
  const orphans = nodes.filter((n) => !seen.has(n))
  visit(orphans)
  const path = criticalPath(roots.length ? roots : orphans)
  const onPath = new Set(path)
  for (const r of rows) r.critical = onPath.has(r.span_id)
  return { rows, critical_path: path, start }
}
