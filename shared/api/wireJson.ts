/**
 * JSON for the HTTP transport. Metric values can be NaN and (in stores that kept
 * them) +-Infinity, which JSON cannot carry; they travel as {"$num": "NaN"} etc.
 * and are restored on the other side. Electron IPC uses structured clone and
 * needs none of this.
 */
const TAG = '$num'

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return { [TAG]: Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity' }
  }
  return value
}

function reviver(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value)
    if (keys.length === 1 && keys[0] === TAG) {
      const v = (value as Record<string, unknown>)[TAG]
      if (v === 'NaN') return NaN
      if (v === 'Infinity') return Infinity
      if (v === '-Infinity') return -Infinity
    }
  }
  return value
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, replacer)
}

export function decodeWire(text: string): unknown {
  return JSON.parse(text, reviver)
}
