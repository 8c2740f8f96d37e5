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
