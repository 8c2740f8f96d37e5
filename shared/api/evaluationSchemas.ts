import { z } from 'zod'
import { experimentId, runId } from './trackingSchemas'

/** The most rows evaluations:rows and evaluations:compare read of one run. */
export const MAX_EVALUATION_ROWS = 5000
/** The most evaluation runs evaluations:list reads. */
export const MAX_EVALUATION_RUNS = 1000

/** An evaluation dataset id as MLflow writes it: d-<32 hex> (evaluation_datasets.dataset_id is varchar(36)). */
export const datasetId = z
  .string()
  .trim()
  .min(1, 'give an evaluation dataset id (d-…)')
  .max(36, 'is longer than any evaluation dataset id (36 characters at most)')
  .regex(/^[\w.-]+$/, 'is not an evaluation dataset id: letters, digits, "-", "_" and "." only (e.g. d-…)')

/** evaluations:list — the mlflow.genai.evaluate runs of an experiment (live ones), newest first. */
export const evaluationsListRequest = z
  .object({
    experiment_id: experimentId,
    max_results: z.number().int().min(1).max(MAX_EVALUATION_RUNS).default(200),
  })
  .strict()

/** evaluations:rows — one evaluation run's rows, in request order unless ordered by a scorer. */
export const evaluationsRowsRequest = z
  .object({
    run_id: runId,
    /** A scorer (feedback name) to order by: failures / low scores first unless descending; rows without it last. */
    order_by_scorer: z.string().min(1).max(500).nullish(),
    descending: z.boolean().default(false),
    max_results: z.number().int().min(1).max(MAX_EVALUATION_ROWS).default(1000),
  })
  .strict()

/** evaluations:compare — two evaluation runs row by row. */
export const evaluationsCompareRequest = z
  .object({
    run_a: runId,
    run_b: runId,
    max_results: z.number().int().min(1).max(MAX_EVALUATION_ROWS).default(MAX_EVALUATION_ROWS),
  })
  .strict()

/** datasets:list — evaluation datasets, of one experiment or all. */
export const datasetsListRequest = z
  .object({
    experiment_id: experimentId.nullish(),
    /** A part of the name, any case. */
    name: z.string().trim().max(500).nullish(),
    max_results: z.number().int().min(1).max(1000).default(200),
  })
  .strict()

/** datasets:get — a dataset and a page of its records. */
export const datasetsGetRequest = z
  .object({
    dataset_id: datasetId,
    max_results: z.number().int().min(1).max(1000).default(100),
    page_token: z.string().max(4096).nullish(),
  })
  .strict()
