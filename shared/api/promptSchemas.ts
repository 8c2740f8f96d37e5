import { z } from 'zod'

/** A prompt name as MLflow allows it (letters, digits, _ . -), or any registered model name an older client wrote. */
export const promptName = z.string().min(1).max(256)

export const promptsSearchRequest = z
  .object({
    /** Substring of the prompt name (case-insensitive), or MLflow's name clauses "name LIKE '%x%'" joined by AND. */
    filter: z.string().max(1000).nullish(),
    max_results: z.number().int().min(1).max(1000).default(100),
    page_token: z.string().max(4096).nullish(),
  })
  .strict()

export const promptsGetRequest = z.object({ name: promptName }).strict()
