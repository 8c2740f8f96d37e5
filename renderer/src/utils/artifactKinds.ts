/**
 * How the artifact browser shows a file, from its name alone (the server then says whether
 * an unknown type is text or binary). The extension lists follow MLflow's UI
 * (`common/utils/FileUtils.ts`), plus webp.
 */
export type ArtifactViewKind = 'image' | 'json' | 'yaml' | 'csv' | 'tsv' | 'markdown' | 'html' | 'code' | 'log' | 'text' | 'other'

const BY_EXTENSION: Record<string, ArtifactViewKind> = {
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  gif: 'image',
  bmp: 'image',
  svg: 'image',
  webp: 'image',
  json: 'json',
  geojson: 'json',
  ipynb: 'json',
  yaml: 'yaml',
  yml: 'yaml',
  csv: 'csv',
  tsv: 'tsv',
  md: 'markdown',
  markdown: 'markdown',
  html: 'html',
  htm: 'html',
  py: 'code',
  sh: 'code',
  js: 'code',
  ts: 'code',
  toml: 'code',
  ini: 'code',
  cfg: 'code',
  conf: 'code',
  properties: 'code',
  sql: 'code',
  r: 'code',
  jsonnet: 'code',
  log: 'log',
  err: 'log',
  out: 'log',
  txt: 'text',
  text: 'text',
  rst: 'text',
  jsonl: 'text',
  ndjson: 'text',
}

/** Files MLflow writes without an extension (or with one that misleads), by exact name. */
const BY_NAME: Record<string, ArtifactViewKind> = {
  MLmodel: 'yaml',
  MLproject: 'yaml',
  'requirements.txt': 'text',
  'conda.yaml': 'yaml',
  'python_env.yaml': 'yaml',
}

/** The last segment of an artifact path ("plots/loss.png" -> "loss.png"). */
export function artifactName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1)
}

/** The folder holding an artifact ('' for the root). */
export function artifactParent(path: string): string {
  const i = path.lastIndexOf('/')
  return i < 0 ? '' : path.slice(0, i)
}

/** Every folder above an artifact, outermost first ("a/b/c.txt" -> ["a", "a/b"]). */
export function artifactAncestors(path: string): string[] {
  const parts = path.split('/').filter(Boolean)
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'))
}

export function artifactKind(path: string): ArtifactViewKind {
  const name = artifactName(path)
  const byName = BY_NAME[name]
  if (byName) return byName
  const dot = name.lastIndexOf('.')
  if (dot <= 0) return 'other'
  return BY_EXTENSION[name.slice(dot + 1).toLowerCase()] ?? 'other'
}

/** The CodeMirror language a text preview is coloured with (null: plain). */
export function artifactLanguage(kind: ArtifactViewKind): 'json' | 'yaml' | null {
  return kind === 'json' || kind === 'yaml' ? kind : null
}

/** Above this a JSON preview is shown as sent: re-indenting megabytes would freeze the window (MLflow's UI does, #3384). */
export const MAX_PRETTY_JSON_BYTES = 2 * 1024 * 1024

/** A JSON file indented two spaces, or null when it is not whole, too big, or does not parse (shown raw then). */
export function prettyJsonPreview(text: string, truncated: boolean): string | null {
  if (truncated || text.length > MAX_PRETTY_JSON_BYTES) return null
  try {
    return JSON.stringify(JSON.parse(text), null, 2)
  } catch {
    return null
  }
}

/** How much more a truncated text preview asks for: four times as much, at most `max`. */
export function nextPreviewBytes(current: number, size: number, max: number): number {
  return Math.min(Math.max(current * 4, current + 1), size, max)
}
