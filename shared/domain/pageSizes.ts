/**
 * How many rows a screen asks for per page: the runs table's first page and each page after it
 * as it scrolls, and the registered models list's. The e2e tests page through the API by the same.
 */
export const RUNS_PAGE_SIZE = 250
export const MODELS_PAGE_SIZE = 100
/** The Traces list's pages (each trace carries its previews, tags, metadata and assessments). */
export const TRACES_PAGE_SIZE = 100
