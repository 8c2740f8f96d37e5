/** One JSON file of the export, before the envelope: its path, `mlflow` and optional `info`. */
export interface PlannedDocument {
  path: string
  mlflow: unknown
  info?: Record<string, unknown>
}
