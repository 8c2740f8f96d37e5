import type { ColumnCategory, QueryCell } from '@shared/domain/query'
import type { CustomTypesConfig } from 'pg'

/** Type OIDs of PostgreSQL's built-in types that need more than their text form. */
export const OID = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  oid: 26,
  json: 114,
  xml: 142,
  float4: 700,
  float8: 701,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  bpchar: 1042,
  varchar: 1043,
  jsonb: 3802,
} as const

type Parse = (text: string) => QueryCell

const number = (v: string): QueryCell => Number(v)
const float: Parse = (v) => (v === 'NaN' || v === 'Infinity' || v === '-Infinity' ? v : Number(v))
const int8: Parse = (v) => {
  const n = Number(v)
  return Number.isSafeInteger(n) ? n : v
}
/** Exact in a double: at most 15 significant digits (and not NaN/Infinity, which numeric also has). */
const numeric: Parse = (v) => {
  if (!/^-?\d+(\.\d+)?$/.test(v)) return v
  const digits = v.replace(/^-?0*/, '').replace('.', '').replace(/^0+/, '')
  return digits.replace(/0+$/, '').length <= 15 ? Number(v) : v
}
/** "2026-01-05 12:34:56.123456+00" (DateStyle ISO, TimeZone UTC) -> "2026-01-05T12:34:56.123456Z"; infinity and BC dates stay as they are. */
const timestamp =
  (withZone: boolean): Parse =>
  (v) => {
    const m = /^(\d{4,}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(?:([+-]\d\d)(?::?(\d\d))?)?$/.exec(v)
    if (!m) return v
    if (!withZone) return `${m[1]}T${m[2]}`
    const zone = !m[3] || (m[3] === '+00' && (!m[4] || m[4] === '00')) ? 'Z' : `${m[3]}:${m[4] ?? '00'}`
    return `${m[1]}T${m[2]}${zone}`
  }

const JSON_PARSERS: Record<number, Parse> = {
  [OID.bool]: (v) => v === 't',
  [OID.int2]: number,
  [OID.int4]: number,
  [OID.oid]: number,
  [OID.int8]: int8,
  [OID.float4]: float,
  [OID.float8]: float,
  [OID.numeric]: numeric,
  [OID.timestamp]: timestamp(false),
  [OID.timestamptz]: timestamp(true),
}

const asText = (v: string) => v

/**
 * Per-query type parsers (node-postgres' process-wide ones turn int8 into
 * numbers, which would lose digits here). `json`: the JSON-safe values of
 * QueryCell for the grid and JSON Lines; `text`: PostgreSQL's own text form of
 * every value, as psql's \copy writes it (CSV).
 */
export function resultTypes(mode: 'json' | 'text'): CustomTypesConfig {
  return {
    getTypeParser: ((oid: number) => (mode === 'json' ? (JSON_PARSERS[oid] ?? asText) : asText)) as CustomTypesConfig['getTypeParser'],
  }
}

/** The parser of one column by its type OID (the statement's own type, whatever the wrapper sent). */
export function parserFor(oid: number, mode: 'json' | 'text'): (text: string) => QueryCell {
  return mode === 'json' ? (JSON_PARSERS[oid] ?? asText) : asText
}

/** The grid's family for a type, from its OID and pg_type.typcategory. */
export function columnCategory(oid: number, typcategory: string): ColumnCategory {
  if (oid === OID.json || oid === OID.jsonb) return 'json'
  if (oid === OID.bytea) return 'binary'
  return ({ N: 'number', S: 'string', B: 'boolean', D: 'datetime', A: 'array' } as Record<string, ColumnCategory>)[typcategory] ?? 'other'
}
