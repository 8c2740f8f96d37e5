/**
 * Images a run logged per step with `mlflow.log_image(image, key=..., step=...)`
 * (MLflow >= 2.12). MLflow writes each one twice under `images/`:
 *   images/{key}%step%{step}%timestamp%{timestamp}%{uuid}.png            (full size)
 *   images/{key}%step%{step}%timestamp%{timestamp}%{uuid}%compressed.webp (a thumbnail)
 * with `/` in the key written as `#` (mlflow/tracking/client.py, log_image). Some
 * users patch the `%` separator to `+` (mlflow/mlflow#14136); both are read.
 */
import type { ArtifactFile } from '@shared/domain/artifacts'
import { artifactKind, artifactName } from './artifactKinds'

export interface LoggedImageName {
  key: string
  step: number
  timestamp: number
  /** The uuid MLflow gave the pair. */
  id: string
  compressed: boolean
}

const NAME = /^(.+?)([%+])step\2(-?\d+)\2timestamp\2(\d+)\2([^%+/]+?)(\2compressed)?\.[a-z0-9]+$/i

/** A logged image's file name read back, or null for any other file. */
export function parseLoggedImage(fileName: string): LoggedImageName | null {
  const m = NAME.exec(fileName)
  if (!m) return null
  return { key: m[1].replaceAll('#', '/'), step: Number(m[3]), timestamp: Number(m[4]), id: m[5], compressed: !!m[6] }
}

export interface StepImage {
  key: string
  step: number
  timestamp: number
  /** The full-size file. */
  path: string
  /** Its compressed copy, when MLflow wrote one (else the full-size file is the thumbnail). */
  thumbPath: string
}

/**
 * The step images among a folder's files, by key (keys in name order), each
 * key's images by step then time. A compressed copy without its full-size file
 * stands in for it.
 */
export function stepImagesByKey(files: readonly ArtifactFile[]): Map<string, StepImage[]> {
  const pairs = new Map<string, { name: LoggedImageName; full?: string; thumb?: string }>()
  for (const f of files) {
    if (f.is_dir) continue
    const name = parseLoggedImage(artifactName(f.path))
    if (!name) continue
    const id = `${name.key}\u0000${name.step}\u0000${name.timestamp}\u0000${name.id}`
    const pair = pairs.get(id) ?? { name }
    if (name.compressed) pair.thumb = f.path
    else pair.full = f.path
    pairs.set(id, pair)
  }
  const byKey = new Map<string, StepImage[]>()
  for (const { name, full, thumb } of pairs.values()) {
    const path = full ?? thumb!
    const image = { key: name.key, step: name.step, timestamp: name.timestamp, path, thumbPath: thumb ?? path }
    const list = byKey.get(name.key)
    if (list) list.push(image)
    else byKey.set(name.key, [image])
  }
  for (const list of byKey.values()) list.sort((a, b) => a.step - b.step || a.timestamp - b.timestamp)
  return new Map([...byKey].sort(([a], [b]) => a.localeCompare(b)))
}

/** Every step any key has an image at, ascending. */
export function imageSteps(byKey: ReadonlyMap<string, readonly StepImage[]>): number[] {
  const steps = new Set<number>()
  for (const list of byKey.values()) for (const i of list) steps.add(i.step)
  return [...steps].sort((a, b) => a - b)
}

/**
 * The image of a key to show at `step`: the one at that step (the last logged
 * there), else the nearest step before it, else the first after it.
 */
export function imageAtStep(images: readonly StepImage[], step: number): StepImage | null {
  let before: StepImage | null = null
  for (const i of images) {
    if (i.step <= step) before = i
    else return before ?? i
  }
  return before
}

/** Image files anywhere in the artifacts that are not step images (plots, confusion matrices...). */
export function otherImages(files: readonly ArtifactFile[]): ArtifactFile[] {
  return files.filter((f) => !f.is_dir && artifactKind(f.path) === 'image' && !parseLoggedImage(artifactName(f.path)))
}
