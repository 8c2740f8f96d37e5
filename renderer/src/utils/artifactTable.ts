import { parse } from 'csv-parse/browser/esm/sync'

/** Rows a CSV/TSV preview shows, as MLflow's ShowArtifactTableView does. */
export const MAX_TABLE_ROWS = 500

/** A delimited file's head as a table: the header row, at most MAX_TABLE_ROWS rows, every row as wide as the widest. */
export interface ArtifactTable {
  header: string[]
  rows: string[][]
  columnCount: number
  /** More rows exist than are shown (beyond the row limit or the bytes sent). */
  more: boolean
}

/**
 * Parse the first bytes of a CSV or TSV file with csv-parse (quotes, embedded newlines, a BOM).
 * When the text was cut (`truncated`), its last line may be partial and is dropped. Ragged
 * rows are padded; extra columns get a header "column N". Throws csv-parse's error (with its
 * line number) when the text is not valid CSV.
 */
export function artifactTable(text: string, delimiter: ',' | '\t', truncated: boolean, maxRows = MAX_TABLE_ROWS): ArtifactTable {
  const whole = truncated ? text.slice(0, text.lastIndexOf('\n') + 1) : text
  // One record beyond the limit says whether there are more; the header is one more.
  const records = parse(whole, { delimiter, bom: true, relax_column_count: true, skip_empty_lines: true, to: maxRows + 2 }) as string[][]
  const [head = [], ...body] = records
  const rows = body.slice(0, maxRows)
  const columnCount = Math.max(head.length, ...rows.map((r) => r.length))
  const header = Array.from({ length: columnCount }, (_, i) => head[i] || `column ${i + 1}`)
  const padded = rows.map((r) => (r.length < columnCount ? [...r, ...Array<string>(columnCount - r.length).fill('')] : r))
  return { header, rows: padded, columnCount, more: body.length > maxRows || truncated }
}
