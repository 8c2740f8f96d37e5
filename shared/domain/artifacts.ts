/** One entry of an artifact folder: MLflow's FileInfo (path relative to the run's artifact root, '/'-separated). */
export interface ArtifactFile {
  path: string
  is_dir: boolean
  /** Bytes; null for folders (and when a store does not say). */
  file_size: number | null
}

/** A file as the artifact browser previews it. */
export interface ArtifactPreview {
  path: string
  size: number
  /** image: data_base64 holds it; text: text holds the first bytes (UTF-8); binary: no content (or an image too big to send). */
  kind: 'text' | 'image' | 'binary'
  mime: string
  /** The file is longer than what was sent. */
  truncated: boolean
  text: string | null
  data_base64: string | null
}
