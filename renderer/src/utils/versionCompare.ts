import type { Run } from '@shared/domain/mlflow'
import type { ModelSignature, SignatureField } from '@shared/domain/models'

/**
 * The rows of a two-version comparison that are not params (params use paramsDiff):
 * the runs' latest metrics with their change, and the signatures column by column.
 */

export interface MetricCompareRow {
  key: string
  a: number | undefined
  b: number | undefined
  /** b - a when both are finite numbers, else null. */
  delta: number | null
  differs: boolean
}

/** Every metric key of either run, by key. A run without the run (null) has no values. */
export function metricCompareRows(a: Run | null, b: Run | null): MetricCompareRow[] {
  const va = new Map((a?.data.metrics ?? []).map((m) => [m.key, m.value]))
  const vb = new Map((b?.data.metrics ?? []).map((m) => [m.key, m.value]))
  const keys = [...new Set([...va.keys(), ...vb.keys()])].sort((x, y) => x.localeCompare(y))
  return keys.map((key) => {
    const x = va.get(key)
    const y = vb.get(key)
    const delta = x !== undefined && y !== undefined && Number.isFinite(x) && Number.isFinite(y) ? y - x : null
    return { key, a: x, b: y, delta, differs: !Object.is(x, y) }
  })
}

export type SignaturePart = 'inputs' | 'outputs'

export interface SignatureCompareRow {
  part: SignaturePart
  /** The column name, or "#n" for an unnamed column or tensor (matched by position). */
  name: string
  a: SignatureField | undefined
  b: SignatureField | undefined
  /** 'same', 'changed' (type or required), 'added' (only in b), 'removed' (only in a). */
  change: 'same' | 'changed' | 'added' | 'removed'
}

const fieldText = (f: SignatureField) => `${f.type}${f.required ? '' : ' (optional)'}`

function partRows(part: SignaturePart, a: SignatureField[] | null | undefined, b: SignatureField[] | null | undefined): SignatureCompareRow[] {
  const named = (fields: SignatureField[] | null | undefined) => new Map((fields ?? []).map((f, i) => [f.name ?? `#${i + 1}`, f]))
  const ma = named(a)
  const mb = named(b)
  // a's order first, then what only b has, in b's order.
  const names = [...ma.keys(), ...[...mb.keys()].filter((n) => !ma.has(n))]
  return names.map((name) => {
    const x = ma.get(name)
    const y = mb.get(name)
    const change = !x ? 'added' : !y ? 'removed' : fieldText(x) === fieldText(y) ? 'same' : 'changed'
    return { part, name, a: x, b: y, change }
  })
}

/** Inputs then outputs, each column of either signature once. */
export function signatureCompareRows(a: ModelSignature | null | undefined, b: ModelSignature | null | undefined): SignatureCompareRow[] {
  return [...partRows('inputs', a?.inputs, b?.inputs), ...partRows('outputs', a?.outputs, b?.outputs)]
}

export function signatureFieldText(f: SignatureField | undefined): string {
  return f ? fieldText(f) : '—'
}
