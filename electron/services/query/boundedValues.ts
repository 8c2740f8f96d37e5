import type { ColumnCategory, CutValue, QueryCell } from '@shared/domain/query'
import { OID, columnCategory, parserFor } from './resultValues'

/**
 * No value may reach the driver whole when it could be too big for it: a text
 * above Node's string limit (~512 Mi characters) throws inside node-postgres'
 * socket handler and takes the process down, and a few hundred large values
 * would exhaust memory anyway. So the statement is wrapped, and the SERVER cuts:
 * each column whose values can be large arrives as its first `cap` characters
 * when its text is longer than `cap` bytes, with its full size in one extra
 * column. The client then cuts the prefix at `cap` bytes (a character may take
 * four), so a value costs at most `cap` bytes whatever the server holds.
 *
 * Columns whose values are bounded by their type (fixed-size types, varchar(n),
 * numeric) pass through untouched, and a statement with only such columns is
 * not wrapped at all: the usual MLflow query pays nothing. The rest:
 * - text, varchar, char: octet_length is O(1) (even TOASTed), left() cuts, cast back to the column's type;
 * - bytea: the first bytes, so its hex stays hex;
 * - everything else (jsonb, json, arrays, records, xml, ranges, extension types):
 *   its text as PostgreSQL's output function writes it (format('%s', v), what
 *   the driver would have received), computed once per row below a fence.
 * The statement itself sits in a subquery fenced by OFFSET 0, so its expressions
 * are computed once however often the cutting refers to them. The types shown
 * are the statement's own (from Describe), never the wrapper's.
 */

/** A column of the statement's result, as Describe and pg_type give it. */
export interface ResultColumn {
  name: string
  /** Type OID (a domain's base type: the server sends that). */
  oid: number
  typmod: number
  /** format_type(oid, typmod): "character varying(250)", "jsonb", "integer[]". */
  type: string
  category: ColumnCategory
  /** pg_type.typlen: > 0 fixed size, -1 varlena, -2 C string. */
  typlen: number
  /** pg_type.typcategory: A array, C composite, R range, S string, ... */
  typcategory: string
}

/** How a column travels: untouched, or cut by the server. */
export type ValueKind = 'plain' | 'text' | 'bytea' | 'generic'

/** Characters of numeric's largest text: 131072 digits before the point, 16383 after, sign and point. */
const NUMERIC_MAX_TEXT = 131072 + 16383 + 2
/** Varlena types whose text is short whatever the value: inet, cidr. */
const SHORT_VARLENA = new Set([869, 650])
const TEXT_TYPES: Record<number, string> = { [OID.text]: 'text', [OID.varchar]: 'varchar', [OID.bpchar]: 'bpchar' }
/** PostgreSQL's limit on a SELECT list (MaxTupleAttributeNumber). */
export const MAX_RESULT_COLUMNS = 1664
/** A function takes at most 100 arguments (FUNC_MAX_ARGS): the sizes are joined in groups. */
const CONCAT_GROUP = 90
const VARHDRSZ = 4

/** The most bytes a value of this type can have as text, when its type bounds it; null otherwise. */
function typeBound(c: ResultColumn): number | null {
  if (c.typlen > 0) return Math.max(64, c.typlen * 4)
  if (SHORT_VARLENA.has(c.oid)) return 64
  if (c.oid === OID.numeric) {
    if (c.typmod < VARHDRSZ) return NUMERIC_MAX_TEXT
    const p = ((c.typmod - VARHDRSZ) >> 16) & 0xffff
    const s = Math.abs((((c.typmod - VARHDRSZ) & 0x7ff) << 21) >> 21)
    return Math.max(p, s) + 3
  }
  // varchar(n), char(n): n characters of at most 4 bytes.
  if ((c.oid === OID.varchar || c.oid === OID.bpchar) && c.typmod >= VARHDRSZ) return (c.typmod - VARHDRSZ) * 4
  return null
}

export function valueKind(c: ResultColumn, cap: number): ValueKind {
  const bound = typeBound(c)
  if (bound !== null && bound <= cap) return 'plain'
  if (c.oid in TEXT_TYPES) return 'text'
  if (c.oid === OID.bytea) return 'bytea'
  return 'generic'
}

/** The statement as sent, and how to read its rows back. */
export interface BoundedStatement {
  text: string
  /** Where the user's statement starts in `text` (a server error's position is mapped back through it). */
  offset: number
  /** The last column says which values were cut ("col:bytes,..."); false: nothing can be, nothing was wrapped. */
  wrapped: boolean
  kinds: ValueKind[]
  cap: number
}

const alias = (i: number) => `desk_c${i + 1}`

/** Casts to text that are not the type's output function (pg_cast, castmethod f or b): xml's keeps its declaration as stored. */
const CAST_DIFFERS = new Set<number>([OID.xml])
/** PostgreSQL's own types (FirstNormalObjectId): their casts to text are known; another type's may be anything. */
const FIRST_NORMAL_OID = 16384

/**
 * A value's text as the driver would have received it: its type's output
 * function. `::text` is that (an I/O cast) for the built-in types and for
 * every array, record and range; format('%s', v) calls the output function
 * whatever casts a type declares, for the rest. NULL stays NULL.
 */
function asText(c: ResultColumn, expr: string): string {
  const io = !CAST_DIFFERS.has(c.oid) && (c.oid < FIRST_NORMAL_OID || c.category === 'array' || c.typcategory === 'C' || c.typcategory === 'R')
  return io ? `${expr}::text` : `(CASE WHEN num_nulls(${expr}) = 0 THEN format('%s', ${expr}) END)`
}

/**
 * The statement wrapped so that no value above `cap` bytes leaves the server
 * whole. `text` must be exactly one SELECT/VALUES/TABLE/WITH query (no trailing
 * semicolon): it is placed on lines of its own, so a trailing comment cannot
 * swallow what follows.
 */
export function boundedStatement(text: string, columns: ResultColumn[], cap: number): BoundedStatement {
  const kinds = columns.map((c) => valueKind(c, cap))
  if (!kinds.some((k) => k !== 'plain')) return { text, offset: 0, wrapped: false, kinds, cap }
  const generic = kinds.flatMap((k, i) => (k === 'generic' ? [i] : []))
  // The fence computes each generic column's text once; it needs a column per such value.
  const fenceTexts = columns.length + generic.length <= MAX_RESULT_COLUMNS
  const v = (i: number) => `desk_w.${alias(i)}`
  const t = (i: number) => (fenceTexts ? `desk_w.desk_t${i + 1}` : asText(columns[i], v(i)))
  const values: string[] = []
  const sizes: string[] = []
  const bigs: string[] = []
  kinds.forEach((k, i) => {
    if (k === 'plain') {
      values.push(v(i))
    } else if (k === 'text') {
      // Compared in bytes; left() counts characters, so the prefix is cut again (in bytes) on arrival.
      const big = `octet_length(${v(i)}) > ${cap}`
      values.push(`CASE WHEN ${big} THEN left(${v(i)}, ${cap})::${TEXT_TYPES[columns[i].oid]} ELSE ${v(i)} END`)
      sizes.push(`CASE WHEN ${big} THEN '${i}:' || octet_length(${v(i)}) END`)
      bigs.push(big)
    } else if (k === 'bytea') {
      // Its text is \x and two hex digits a byte.
      const half = Math.max(1, Math.floor((cap - 2) / 2))
      const big = `octet_length(${v(i)}) > ${half}`
      values.push(`CASE WHEN ${big} THEN substring(${v(i)} from 1 for ${half}) ELSE ${v(i)} END`)
      sizes.push(`CASE WHEN ${big} THEN '${i}:' || octet_length(${v(i)}) END`)
      bigs.push(big)
    } else {
      const big = `octet_length(${t(i)}) > ${cap}`
      values.push(`CASE WHEN ${big} THEN left(${t(i)}, ${cap}) ELSE ${t(i)} END`)
      sizes.push(`CASE WHEN ${big} THEN '${i}:' || octet_length(${t(i)}) END`)
      bigs.push(big)
    }
  })
  if (values.length + 1 > MAX_RESULT_COLUMNS) return { text, offset: 0, wrapped: false, kinds: kinds.map(() => 'plain'), cap }
  const groups: string[] = []
  for (let g = 0; g < sizes.length; g += CONCAT_GROUP) groups.push(`NULLIF(concat_ws(',', ${sizes.slice(g, g + CONCAT_GROUP).join(', ')}), '')`)
  // Which values were cut, said only when one was: the usual row pays one comparison per column, not the string.
  const cuts = `CASE WHEN ${bigs.join(' OR ')} THEN ${groups.length === 1 ? groups[0] : `NULLIF(concat_ws(',', ${groups.join(', ')}), '')`} END`
  const texts = fenceTexts ? generic.map((i) => `, ${asText(columns[i], `desk_q.${alias(i)}`)} AS desk_t${i + 1}`).join('') : ''
  const before = `SELECT ${values.join(', ')}, ${cuts} AS desk_cuts\n  FROM (SELECT desk_q.*${texts} FROM (\n`
  const after = `\n) AS desk_q(${columns.map((_, i) => alias(i)).join(', ')}) OFFSET 0) AS desk_w`
  return { text: before + text + after, offset: before.length, wrapped: true, kinds, cap }
}

const encoder = new TextEncoder()

/** The longest start of `s` that is at most `maxBytes` bytes of UTF-8, cut between characters. */
export function cutUtf8(s: string, maxBytes: number): string {
  // A UTF-16 unit takes at most 3 bytes of UTF-8 (a surrogate pair 4): short strings fit without encoding them.
  if (s.length * 3 <= maxBytes) return s
  const buf = new Uint8Array(Math.min(maxBytes, s.length * 3))
  const { read } = encoder.encodeInto(s, buf)
  return read >= s.length ? s : s.slice(0, read)
}

/** Bytes a value's text takes in memory and on the wire, near enough for a budget (characters; NULL a few). */
export function rawSize(row: ReadonlyArray<string | null>): number {
  let n = 8
  for (const v of row) n += v === null ? 4 : v.length + 4
  return n
}

/** A decoded row: its cells (typed for `json`, PostgreSQL's text for `text`) and the values that arrived cut. */
export interface DecodedRow {
  cells: QueryCell[]
  cuts: CutValue[]
}

/**
 * Turns the raw text rows of a (possibly wrapped) statement into cells: each
 * parsed by its column's own type (never the wrapper's), cut values at `cap`
 * bytes with their full size. A statement that could not be wrapped (SHOW,
 * EXPLAIN: short by nature) is still held to the cap here.
 */
export function rowDecoder(
  columns: ResultColumn[],
  stmt: Pick<BoundedStatement, 'wrapped' | 'kinds' | 'cap'>,
  mode: 'json' | 'text',
): (raw: ReadonlyArray<string | null>, row: number) => DecodedRow {
  const parsers = columns.map((c) => parserFor(c.oid, mode))
  const n = columns.length
  const none: CutValue[] = []
  return (raw, row) => {
    const cells: QueryCell[] = []
    let cuts = none
    const sizes = stmt.wrapped ? raw[n] : null
    let cutAt: Map<number, number> | null = null
    if (sizes) {
      cutAt = new Map()
      for (const part of sizes.split(',')) {
        const [col, bytes] = part.split(':')
        cutAt.set(Number(col), Number(bytes))
      }
    }
    for (let i = 0; i < n; i++) {
      const v = raw[i]
      if (v === null || v === undefined) {
        cells.push(null)
        continue
      }
      const full = cutAt === null ? undefined : cutAt.get(i)
      if (full !== undefined) {
        cells.push(cutUtf8(v, stmt.cap))
        if (cuts === none) cuts = []
        cuts.push({ row, column: i, bytes: full })
      } else if (!stmt.wrapped && v.length * 3 > stmt.cap && Buffer.byteLength(v) > stmt.cap) {
        cells.push(cutUtf8(v, stmt.cap))
        if (cuts === none) cuts = []
        cuts.push({ row, column: i, bytes: Buffer.byteLength(v) })
      } else {
        cells.push(parsers[i](v))
      }
    }
    return { cells, cuts }
  }
}

/** Bytes the server sends per chunk of a value fetched whole (hex on the wire: twice that). */
export const VALUE_CHUNK_BYTES = 1024 * 1024

/**
 * One cell of the statement's result, in chunks the server cuts: the statement
 * runs again, its rows numbered in the order they come (row_number() over
 * nothing numbers them as they arrive, as the grid did), and the value at
 * `row` (0-based) comes back as bytes (UTF-8 of its text; bytea: its binary
 * value) in rows of VALUE_CHUNK_BYTES: (chunk, total), total null for NULL.
 * No row at all: the result has fewer rows this time.
 */
export function valueChunksStatement(text: string, columns: ResultColumn[], column: number, row: number): { text: string; offset: number } {
  const c = `desk_n.${alias(column)}`
  const bytes = columns[column].oid === OID.bytea ? c : `convert_to(format('%s', ${c}), 'UTF8')`
  const before =
    `SELECT substring(desk_v.b from desk_k * ${VALUE_CHUNK_BYTES} + 1 for ${VALUE_CHUNK_BYTES}) AS chunk, octet_length(desk_v.b) AS total\n` +
    `  FROM (SELECT CASE WHEN num_nulls(${c}) = 0 THEN ${bytes} END AS b\n` +
    `          FROM (SELECT desk_q.*, row_number() OVER () AS desk_rn FROM (\n`
  const after =
    `\n) AS desk_q(${columns.map((_, i) => alias(i)).join(', ')})) AS desk_n WHERE desk_rn = ${Math.floor(row) + 1} OFFSET 0) AS desk_v,\n` +
    `       generate_series(0, GREATEST(0, (coalesce(octet_length(desk_v.b), 0) - 1) / ${VALUE_CHUNK_BYTES})) AS desk_k`
  return { text: before + text + after, offset: before.length }
}

export { columnCategory }
