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

const SPECIAL: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity }

/** The number a `{"$num": ...}` stands for, or undefined for any other value. */
function special(value: unknown): number | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined
  const v = (value as Record<string, unknown>)[TAG]
  if (typeof v !== 'string' || !Object.hasOwn(SPECIAL, v)) return undefined
  for (const k in value) if (k !== TAG) return undefined
  return SPECIAL[v]
}

/** Puts the numbers back in place, in one walk (JSON.parse's reviver costs a call per value: five times the parse on a chart's series). */
function restore(value: unknown): unknown {
  const n = special(value)
  if (n !== undefined) return n
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>
    for (const k in obj) {
      const child = obj[k]
      if (child !== null && typeof child === 'object') obj[k] = restore(child)
    }
  }
  return value
}

export function encodeWire(value: unknown): string {
  return JSON.stringify(value, replacer)
}

/**
 * Throws a RangeError when arrays and objects nest deeper than `max` (strings skipped):
 * JSON.parse reads any depth, but what reads the value next (validation, the restore walk)
 * recurses, and a body from outside may nest half a million levels.
 */
function checkDepth(text: string, max: number): void {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) throw new RangeError(`JSON nested deeper than ${max} levels`)
    } else if (c === 0x5d || c === 0x7d) depth--
  }
}

/** How deep a request body may nest: far beyond any request's shape, far below a stack's depth. */
export const MAX_REQUEST_DEPTH = 256

export function decodeWire(text: string, opts: { maxDepth?: number } = {}): unknown {
  if (opts.maxDepth !== undefined) checkDepth(text, opts.maxDepth)
  const value: unknown = JSON.parse(text)
  // Most answers carry no special number: then there is nothing to put back.
  return text.includes(`"${TAG}"`) ? restore(value) : value
}
