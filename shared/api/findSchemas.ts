import { z } from 'zod'
import { FIND_KINDS, type FindKind } from '../domain/find'

/** The most hits one find:search answers with. */
export const MAX_FIND_LIMIT = 50

/** What "find anything" is asked: a text as typed or pasted (a name, an id, a runs:/ or models:/ URI). */
const findText = z
  .string()
  .max(2000, 'is too long for a name, id or URI (2,000 characters at most)')
  .refine((s) => s.trim().length > 0, { message: 'give a name, id or URI to find' })

export const findSearchRequest = z
  .object({
    text: findText,
    limit: z.number().int().min(1).max(MAX_FIND_LIMIT).default(20),
    /** Only these kinds (none or left out: every kind). */
    kinds: z
      .array(z.enum(FIND_KINDS as [FindKind, ...FindKind[]]))
      .max(FIND_KINDS.length)
      .optional(),
  })
  .strict()

export const findResolveRequest = z.object({ text: findText }).strict()
