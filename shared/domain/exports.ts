import type { z } from 'zod'
import type { exportSelection } from '../api/exportSchemas'

/** The offline export as the renderer, the CLI and the report file see it. */

/** Where an export is: files and bytes (done / known so far), download rate and time left. */
export interface ExportProgress {
  phase: 'metadata' | 'artifacts' | 'zip' | 'done'
  files_done: number
  /** Grows while folders are still being listed (listing_done false). */
  files_total: number
  bytes_done: number
  bytes_total: number
  listing_done: boolean
  /** Bytes per second downloaded over the last few seconds (verified files skipped on resume do not count). */
  rate: number
  /** Seconds left at that rate; null while listing or before any byte arrived. */
  eta_seconds: number | null
}

/** An artifact the store did not give: a listed file gone when read, or a root that does not exist. */
export interface MissingArtifact {
  run_id: string
  /** Relative to the run's artifact root ('' for the root itself). */
  path: string
  reason: 'not_found' | 'root_not_found'
  message: string
}

/** What an export did, returned and written as export-report.json. */
export interface ExportReport {
  out: string
  layout: ExportLayout
  source: { profile: string; store: string; alembic_revision: string | null }
  started_at: string
  finished_at: string
  duration_ms: number
  runs: Array<{ run_id: string; experiment_id: string; dir: string; artifact_uri: string | null; artifact_root_found: boolean; files: number; bytes: number }>
  /** Artifact files (and their bytes) in the export, and the traces' files (see `traces`). */
  files: number
  bytes: number
  downloaded: { files: number; bytes: number }
  /** Files of an earlier attempt kept because their size and sha256 still matched (--resume). */
  skipped_verified: { files: number; bytes: number }
  /** Files whose sha256 was computed from the bytes written (or re-read on resume): the same files as `files`. */
  checksums_verified: number
  missing: MissingArtifact[]
  /** The traces written (trace.json and artifacts/traces.json each); null when the export holds none. */
  traces: ExportedTraces | null
  /** Logged models (logged_models/<model_id>/) with their artifacts. */
  logged_models: Array<{ model_id: string; name: string; dir: string; artifact_location: string; artifact_root_found: boolean; files: number; bytes: number }>
  /** Evaluation datasets (evaluation_datasets/<name>_<dataset_id>/). */
  evaluation_datasets: Array<{ dataset_id: string; name: string; dir: string; records: number }>
  /** Set on the returned report when --zip wrote one (the report inside the folder cannot describe the zip that holds it). */
  zip: { path: string; bytes: number } | null
}

/** The traces of an export: how many, their files, and those that could not be written whole. */
export interface ExportedTraces {
  /** Folder holding traces.json and one folder per trace ('' for a --traces export). */
  dir: string
  exported: number
  /** Traces whose files an earlier attempt completed and that were kept (--resume). */
  kept_verified: number
  /** The traces' files (trace.json, artifacts/traces.json) and bytes; counted in the report's files and bytes too. */
  files: number
  bytes: number
  /** Of those, the files kept from the earlier attempt. */
  kept: { files: number; bytes: number }
  /** Traces written without artifacts/traces.json: their spans could not be read (why). */
  without_spans: Array<{ trace_id: string; problem: string }>
}

/** What was exported: how mlflow-export-import lays it out. */
export type ExportLayout = 'run' | 'experiment' | 'model' | 'traces'

/** What an export takes (runs, an experiment, a model), as the contract's schema gives it. */
export type ExportSelection = z.output<typeof exportSelection>
