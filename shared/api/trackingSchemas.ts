import { z } from 'zod'

/**
 * MLflow's identifiers and choices as the contract takes them: the one
 * declaration of each (its type is z.infer of it, in shared/domain).
 */

/** MLflow's view types (ACTIVE_ONLY, DELETED_ONLY, ALL). */
export const viewType = z.enum(['active', 'deleted', 'all'])

/** MLflow's SQL store keeps experiment ids as integers; the API passes them as strings. */
export const experimentId = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform(String)
  .refine((s) => /^\d{1,10}$/.test(s), { message: 'must be a numeric experiment id such as "0" or "12"' })

/** MLflow's own run id rule (mlflow/utils/validation.py). */
export const runId = z.string().regex(/^[a-zA-Z0-9][\w-]{0,255}$/, 'must be a run id (32 hex characters for runs MLflow created)')
