/** One entry of an artifact folder: MLflow's FileInfo (path relative to the run's artifact root, '/'-separated). */
export interface ArtifactFile {
  path: string
  is_dir: boolean
  /** Bytes; null for folders (and when a store does not say). */
  file_size: number | null
}
