import type { Run } from '@shared/domain/mlflow'

/** One run's copy of the file compared, as the diff views take it (the base first). */
export interface ArtifactColumn {
  run: Run
  color: string
  text: string
  /** Only the file's head was read (it is bigger than the preview limit). */
  truncated: boolean
}
