import { z } from 'zod'
import { experimentId, runId } from './trackingSchemas'

/** What an export takes: ticked runs, one experiment's runs, or a registered model (snake_case on the wire and in the export service). */
export const exportSelection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('runs'), run_ids: z.array(runId).min(1, 'give at least one run id').max(10_000) }).strict(),
  z.object({ kind: z.literal('experiment'), experiment_id: experimentId }).strict(),
  /** NAME (every version) or NAME/VERSION. */
  z.object({ kind: z.literal('model'), model: z.string().min(1).max(300) }).strict(),
])
