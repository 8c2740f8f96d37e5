/**
 * Bounds the contract puts on requests, as plain values: a screen that only needs a bound imports
 * it from here, not from the contract, whose schemas (and zod) would come with it.
 */

/** The most runs one comparison draws; beyond it a chart is unreadable and the answer unbounded. */
export const MAX_COMPARE_RUNS = 200
export const MAX_COMPARE_KEYS = 30

/** The most of a text file a preview sends (MLflow's UI stops previewing at 50 MiB). */
export const MAX_PREVIEW_BYTES = 50 * 1024 * 1024
