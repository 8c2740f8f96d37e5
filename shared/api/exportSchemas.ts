import { z } from 'zod'
import { traceId } from './traceSchemas'
import { experimentId, runId } from './trackingSchemas'

/**
 * What an export takes: ticked runs, one experiment (its runs, traces, logged models and evaluation
 * datasets), a registered model, traces by id, or an experiment's traces matching a search filter
 * (snake_case on the wire and in the export service).
 */
export const exportSelection = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('runs'), run_ids: z.array(runId).min(1, 'give at least one run id').max(10_000) }).strict(),
  z.object({ kind: z.literal('experiment'), experiment_id: experimentId }).strict(),
  /** NAME (every version) or NAME/VERSION. */
  z.object({ kind: z.literal('model'), model: z.string().min(1).max(300) }).strict(),
  z.object({ kind: z.literal('traces'), trace_ids: z.array(traceId).min(1, 'give at least one trace id').max(10_000) }).strict(),
  /** traces:search's filter over one experiment; every match is exported, page by page. */
  z.object({ kind: z.literal('trace_search'), experiment_id: experimentId, filter: z.string().max(20_000) }).strict(),
])

export const MAX_EXPORT_NAME = 200

/**
 * Why a name the renderer suggests for a file or folder is refused, or null when it is a plain
 * name: no folder, no "..", no leading dot, no control or reserved characters. Main never lets the
 * renderer choose where; the export dialog shows the same words before it asks.
 */
export function plainNameProblem(name: string): string | null {
  const n = name.trim()
  if (!n) return 'Give the export folder a name.'
  if (/[/\\]/.test(n)) return 'A plain folder name: no “/” or “\\” (the folder is chosen when the export starts).'
  if (/[:*?"<>|]/.test(n)) return 'Not allowed in a folder name: : * ? " < > |'
  if (/[\u0000-\u001f\u007f]/.test(n)) return 'No control characters.'
  if (n.startsWith('.')) return 'It may not start with a dot.'
  if (n.includes('..')) return 'No “..” in the name.'
  return null
}

/** An export folder's name: a plain name of at most MAX_EXPORT_NAME characters. */
export function exportNameProblem(name: string): string | null {
  if (name.trim().length > MAX_EXPORT_NAME) return `At most ${MAX_EXPORT_NAME} characters.`
  return plainNameProblem(name)
}

/** export:run's folder name, trimmed. */
export const exportName = z
  .string()
  .superRefine((n, ctx) => {
    const problem = exportNameProblem(n)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })
  .transform((n) => n.trim())
