import { loadModule, parseSync, scanSync, type ScanToken } from '@libpg-query/parser'

export type { ScanToken }

/** A parse tree node as libpg_query's JSON gives it: `{ "SelectStmt": { ... } }` and plain fields. */
export type PgNode = Record<string, unknown>

export interface PgStatement {
  stmt: PgNode
  /** Byte offsets into the parsed text; a missing length means "to the end". */
  stmt_location?: number
  stmt_len?: number
}

/** A syntax error of the real parser, with a 0-based position counted in characters (code points). */
export class PgSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number | null,
  ) {
    super(message)
  }
}

let loaded: Promise<void> | null = null

/**
 * PostgreSQL 17's own parser and scanner (libpg_query compiled to WASM, the
 * @libpg-query/parser build that also exposes the scanner). Loaded once.
 */
export async function pgParser(): Promise<{ parse(sql: string): PgStatement[]; scan(sql: string): ScanToken[] }> {
  await (loaded ??= loadModule())
  return {
    parse(sql: string): PgStatement[] {
      try {
        return (parseSync(sql) as unknown as { stmts: PgStatement[] }).stmts ?? []
      } catch (e) {
        const details = (e as { sqlDetails?: { message: string; cursorPosition: number } }).sqlDetails
        throw new PgSyntaxError(details?.message ?? (e instanceof Error ? e.message : String(e)), details ? details.cursorPosition : null)
      }
    },
    /** Tokens with byte offsets; throws PgSyntaxError on text the scanner cannot split (an unterminated string). */
    scan(sql: string): ScanToken[] {
      try {
        return scanSync(sql).tokens
      } catch (e) {
        throw new PgSyntaxError(e instanceof Error ? e.message.split('\n')[0] : String(e), null)
      }
    },
  }
}
