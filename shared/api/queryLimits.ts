/**
 * The limits of the raw audit query channels, without zod: the CLI's option
 * help shows them, and --help must not load the request schemas.
 */

/** The grid never holds more rows than this, whatever max_rows asks. */
export const MAX_QUERY_ROWS = 100_000
export const DEFAULT_QUERY_ROWS = 1000
/** Longest SQL text accepted (characters). */
export const MAX_SQL_LENGTH = 200_000
/** Longest statement timeout an export may ask for: a day. */
export const MAX_EXPORT_TIMEOUT_S = 86_400

export const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

const MiB = 1024 * 1024

/**
 * A value whose text is longer than this (bytes) reaches the grid cut: its first
 * bytes (at a character boundary) and its full size. The server does the cutting,
 * so a value of any size never reaches the driver whole.
 */
export const DEFAULT_VALUE_BYTES = MiB
/** The smallest and largest per-value cap a request (or profile) may ask for. */
export const MIN_VALUE_BYTES = 1024
/** The largest per-value cap a request may ask for, and what "load whole value" fetches at most. */
export const MAX_VALUE_BYTES = 64 * MiB
/**
 * Exports that go through a cursor (JSON Lines, CSV with parameters) cut values
 * at this size, and say how many they cut; CSV without parameters goes through
 * COPY and writes every value whole, and one cell can be exported whole alone.
 * A cut value is held a few times over on its way (driver buffer, string,
 * escaped line, bytes to write): 16 MiB keeps that near 100 MB.
 */
export const EXPORT_VALUE_BYTES = 16 * MiB

/** The grid's result stops at this many bytes of values, as it stops at max_rows rows. */
export const DEFAULT_RESULT_BYTES = 32 * MiB
export const MAX_RESULT_BYTES = 256 * MiB

/** "1 MiB", "64 MiB", "1.5 KiB": how the limits are said in messages and help. */
export function formatByteLimit(n: number): string {
  if (n >= MiB) return `${+(n / MiB).toFixed(1)} MiB`
  if (n >= 1024) return `${+(n / 1024).toFixed(1)} KiB`
  return `${n} bytes`
}

/** work_mem of the SQL console's transactions (SET LOCAL), unless the profile (sql_console.work_mem) says otherwise. */
export const DEFAULT_CONSOLE_WORK_MEM = '64MB'
/** A work_mem value as PostgreSQL takes it: a whole number of kB, or with a unit (B, kB, MB, GB, TB; case matters). */
export const WORK_MEM_PATTERN = /^\d{1,10}\s*(B|kB|MB|GB|TB)?$/
const WORK_MEM_UNIT_KB: Record<string, number> = { B: 1 / 1024, kB: 1, MB: 1024, GB: 1024 ** 2, TB: 1024 ** 3 }

/**
 * Why a work_mem value would be refused by PostgreSQL (its range is 64 kB to
 * 2147483647 kB), or null when it is fine. Checked when the store opens, so a
 * typo in a profile is said once, naming the field, not by every console query.
 */
export function workMemProblem(value: string): string | null {
  const m = WORK_MEM_PATTERN.exec(value.trim())
  if (!m) return `"${value}" is not a size: write e.g. 64MB, 512MB or 2GB (units kB, MB, GB, TB)`
  const kb = Number.parseInt(value, 10) * WORK_MEM_UNIT_KB[m[1] ?? 'kB']
  if (kb < 64) return `${value} is below PostgreSQL's minimum of 64kB`
  if (kb > 2147483647) return `${value} is above PostgreSQL's maximum of 2147483647kB (about 2TB)`
  return null
}
