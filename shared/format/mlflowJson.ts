/**
 * MLflow's REST JSON (protobuf's MessageToJson) leaves out unset fields and
 * empty lists. Our domain objects always carry them (null, []); this strips
 * them for output that looks exactly like MLflow's.
 */
export function toMlflowJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toMlflowJson)
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue
      const mapped = toMlflowJson(v)
      if (Array.isArray(mapped) && mapped.length === 0) continue
      if (mapped !== null && typeof mapped === 'object' && !Array.isArray(mapped) && Object.keys(mapped).length === 0) continue
      out[k] = mapped
    }
    return out
  }
  return value
}
