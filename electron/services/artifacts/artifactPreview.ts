import { AppError } from '@shared/api/errors'
import type { ArtifactPreview } from '@shared/domain/artifacts'
import { artifactPath, type ArtifactRepository } from './artifactRepository'

/** Images shown inline (an <img> never runs an SVG's scripts), with their MIME types. */
const IMAGE_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  bmp: 'image/bmp',
  webp: 'image/webp',
  svg: 'image/svg+xml',
}

/** The biggest image sent whole to the renderer (as MLflow, which previews up to 50 MiB, but images travel as base64). */
export const MAX_IMAGE_PREVIEW_BYTES = 10 * 1024 * 1024

/** How many leading bytes decide whether a file of unknown type is text. */
const SNIFF_BYTES = 8192

async function readBytes(repo: ArtifactRepository, path: string, end: number, signal?: AbortSignal): Promise<Buffer> {
  const chunks: Buffer[] = []
  try {
    for await (const chunk of await repo.read(path, { start: 0, end, signal })) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
  } catch (e) {
    // An aborted stream ends with Node's AbortError: said as the call's outcome.
    throw signal?.aborted ? new AppError('CANCELLED', `Reading "${path}" from ${repo.describe} was cancelled.`, { path }) : e
  }
  return Buffer.concat(chunks)
}

function looksBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, SNIFF_BYTES).includes(0)
}

/**
 * What the artifact browser shows for a file: an image (base64, up to MAX_IMAGE_PREVIEW_BYTES),
 * or its text (UTF-8, the first max_bytes, cut at a whole character, truncated said), or
 * "binary" with no content. The renderer decides how to draw text (JSON, YAML, CSV, log).
 */
export async function previewArtifact(repo: ArtifactRepository, rawPath: string, maxBytes: number, signal?: AbortSignal): Promise<ArtifactPreview> {
  const path = artifactPath(rawPath)
  const file = await repo.stat(path, signal)
  if (!file) throw new AppError('NOT_FOUND', `No artifact "${path}" in ${repo.describe}.`, { path })
  if (file.is_dir) throw new AppError('BAD_REQUEST', `"${path}" is a folder: list it instead of previewing it.`, { path })
  const size = file.file_size ?? 0
  const ext = /\.([^./]+)$/.exec(path)?.[1]?.toLowerCase() ?? ''
  const image = IMAGE_TYPES[ext]
  if (image) {
    if (size > MAX_IMAGE_PREVIEW_BYTES) return { path, size, kind: 'binary', mime: image, truncated: true, text: null, data_base64: null }
    const bytes = await readBytes(repo, path, size, signal)
    return { path, size, kind: 'image', mime: image, truncated: false, text: null, data_base64: bytes.toString('base64') }
  }
  const bytes = await readBytes(repo, path, Math.min(size, maxBytes), signal)
  if (looksBinary(bytes)) return { path, size, kind: 'binary', mime: 'application/octet-stream', truncated: false, text: null, data_base64: null }
  const truncated = size > bytes.length
  // stream: true holds back an incomplete trailing character, so a cut preview never ends in U+FFFD.
  const text = new TextDecoder('utf-8').decode(bytes, { stream: truncated })
  return { path, size, kind: 'text', mime: 'text/plain; charset=utf-8', truncated, text, data_base64: null }
}
