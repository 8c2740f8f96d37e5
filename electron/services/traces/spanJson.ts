import { AppError } from '@shared/api/errors'
import type { MlflowSpan, MlflowSpanEvent, MlflowSpanStatus } from '@shared/domain/traces'

/**
 * Span JSON as MLflow writes it (the spans table's `content`, a trace's traces.json), read into
 * MLflow 3's span dict. Times are unix nanoseconds, past 2^53: before parsing, every integer of
 * 16 digits or more that is a JSON value (not inside a string) becomes a decimal string, so no
 * nanosecond is rounded away.
 */

/** Integers of 16+ digits standing as values: after ':' or '[' or ',' outside strings (the scan below skips strings). */
function quoteBigIntegers(text: string): string {
  let out = ''
  let from = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 0x5c) i++
      else if (c === 0x22) inString = false
      continue
    }
    if (c === 0x22) {
      inString = true
      continue
    }
    // A digit (or '-') starting a number: read it whole.
    if ((c >= 0x30 && c <= 0x39) || c === 0x2d) {
      let j = i + 1
      while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++
      const next = text.charCodeAt(j)
      const integer = next !== 0x2e && next !== 0x65 && next !== 0x45 // no fraction, no exponent
      if (integer && j - i - (c === 0x2d ? 1 : 0) >= 16) {
        out += text.slice(from, i) + '"' + text.slice(i, j) + '"'
        from = j
      }
      i = j - 1
    }
  }
  return from === 0 ? text : out + text.slice(from)
}

/** JSON text with its big integers kept exact (as strings). `where` names the text in the error. */
export function parseExactJson(text: string, where: string): unknown {
  try {
    return JSON.parse(quoteBigIntegers(text))
  } catch (e) {
    throw new AppError('INVALID_ARTIFACT', `The spans in ${where} are not valid JSON: ${e instanceof Error ? e.message : String(e)}.`)
  }
}

const isDict = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v)

/** A time as a decimal string (numbers below 2^53 come as numbers). */
function nanos(v: unknown): string | null {
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return v
  if (typeof v === 'number' && Number.isInteger(v)) return String(v)
  return null
}

/** An id MLflow 2 wrote ("0x" + hex) or MLflow 3 (base64), as MLflow 3's base64. */
function base64Id(v: unknown): string | null {
  if (typeof v !== 'string' || v === '') return null
  const hex = /^0x([0-9a-f]+)$/i.exec(v)?.[1]
  return hex ? Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64') : v
}

const B64 = new Int8Array(128).fill(-1)
for (let i = 0; i < 64; i++) B64['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.charCodeAt(i)] = i
const HEX = '0123456789abcdef'

/** A span id in 16 hex digits: what MLflow's UI, the spans table and search show. Decoded by hand: Buffer's base64 costs microseconds a call. */
export function hexSpanId(id: string): string {
  if (id.length === 16 && /^[0-9a-f]{16}$/i.test(id)) return id.toLowerCase()
  let out = ''
  let bits = 0
  let acc = 0
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i)
    const v = c < 128 ? B64[c] : -1
    if (v < 0) {
      if (c === 0x3d) break // '=' padding
      return Buffer.from(id, 'base64').toString('hex') // base64url or worse: Node's decoder decides
    }
    acc = (acc << 6) | v
    bits += 6
    if (bits >= 8) {
      bits -= 8
      const byte = (acc >> bits) & 0xff
      out += HEX[byte >> 4] + HEX[byte & 15]
    }
  }
  return out
}

function status(v: Record<string, unknown>): MlflowSpanStatus {
  if (isDict(v.status)) return { code: String(v.status.code ?? 'STATUS_CODE_UNSET'), message: String(v.status.message ?? '') }
  // MLflow 2: status_code OK / ERROR / UNSET beside status_message.
  const code = typeof v.status_code === 'string' ? v.status_code : 'UNSET'
  return { code: code.startsWith('STATUS_CODE_') ? code : `STATUS_CODE_${code}`, message: typeof v.status_message === 'string' ? v.status_message : '' }
}

function events(v: unknown): MlflowSpanEvent[] {
  if (!Array.isArray(v)) return []
  return v.filter(isDict).map((e) => ({
    name: String(e.name ?? ''),
    time_unix_nano: nanos(e.time_unix_nano ?? e.timestamp) ?? '0',
    attributes: isDict(e.attributes) ? e.attributes : {},
  }))
}

/**
 * One span dict, in MLflow 3's shape whichever MLflow wrote it: MLflow 3's `to_dict()` (base64
 * ids, start_time_unix_nano, status {code, message}) as it is; MLflow 2's (context {trace_id,
 * span_id} in 0x-hex, parent_id, start_time, status_code) converted field by field.
 */
export function normalizeSpan(raw: unknown, where: string): MlflowSpan {
  if (!isDict(raw)) throw new AppError('INVALID_ARTIFACT', `A span in ${where} is not a JSON object.`)
  const context = isDict(raw.context) ? raw.context : null
  const spanId = base64Id(context ? context.span_id : raw.span_id)
  const start = nanos(raw.start_time_unix_nano ?? raw.start_time)
  if (!spanId || start === null) throw new AppError('INVALID_ARTIFACT', `A span in ${where} has no span id or start time: it is not MLflow's span JSON.`)
  const attributes = isDict(raw.attributes) ? (raw.attributes as MlflowSpan['attributes']) : {}
  return {
    trace_id: base64Id(context ? context.trace_id : raw.trace_id) ?? '',
    span_id: spanId,
    parent_span_id: base64Id(context ? raw.parent_id : raw.parent_span_id),
    name: typeof raw.name === 'string' ? raw.name : '',
    start_time_unix_nano: start,
    end_time_unix_nano: nanos(raw.end_time_unix_nano ?? raw.end_time),
    events: events(raw.events),
    status: status(raw),
    attributes,
  }
}

/**
 * Names several spans share get a suffix, _1, _2, … in span order, as MLflow does when it gives a
 * trace (`deduplicate_span_names_in_place`): the spans table keeps the names as logged, MLflow's
 * answers (and the traces.json it writes) number them.
 */
export function deduplicateSpanNames(spans: MlflowSpan[]): MlflowSpan[] {
  const seen = new Map<string, number>()
  for (const s of spans) seen.set(s.name, (seen.get(s.name) ?? 0) + 1)
  const next = new Map([...seen].filter(([, n]) => n > 1).map(([name]) => [name, 1]))
  for (const s of spans) {
    const n = next.get(s.name)
    if (n === undefined) continue
    next.set(s.name, n + 1)
    s.name = `${s.name}_${n}`
  }
  return spans
}

/** A JSON list of spans (the spans table's contents joined, or traces.json's "spans"), names numbered as MLflow gives them. */
export function parseSpans(text: string, where: string): MlflowSpan[] {
  const doc = parseExactJson(text, where)
  const list = Array.isArray(doc) ? doc : isDict(doc) && Array.isArray(doc.spans) ? doc.spans : null
  if (!list) throw new AppError('INVALID_ARTIFACT', `${where} holds no list of spans.`)
  return deduplicateSpanNames(list.map((s) => normalizeSpan(s, where)))
}
