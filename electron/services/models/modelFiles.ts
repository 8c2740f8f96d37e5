import { AppError } from '@shared/api/errors'
import type { InputExampleFile, MLmodelInfo } from '@shared/domain/models'
import { previewArtifact } from '../artifacts/artifactPreview'
import { artifactPath, type ArtifactRepository } from '../artifacts/artifactRepository'
import { parseMLmodel } from './mlmodel'

/** Bigger than any MLmodel MLflow writes (a wide signature is a few hundred KiB): a bigger one is not read whole. */
export const MAX_MLMODEL_BYTES = 4 * 1024 * 1024
/** How much of the input example is sent: enough to see its shape. */
export const INPUT_EXAMPLE_BYTES = 64 * 1024

async function inputExample(repo: ArtifactRepository, rawPath: string, signal?: AbortSignal): Promise<InputExampleFile> {
  let path = rawPath
  try {
    path = artifactPath(rawPath, 'saved_input_example_info.artifact_path')
    const p = await previewArtifact(repo, path, INPUT_EXAMPLE_BYTES, signal)
    if (p.kind !== 'text') return { path, size: p.size, text: null, truncated: false, error: `"${path}" is not a text file; open it in the artifacts.` }
    return { path, size: p.size, text: p.text, truncated: p.truncated, error: null }
  } catch (e) {
    if (signal?.aborted) throw e
    return { path, size: null, text: null, truncated: false, error: e instanceof AppError ? e.message : `"${path}" could not be read from ${repo.describe}.` }
  }
}

/**
 * A model folder's MLmodel, read and parsed, and its input example (the first
 * INPUT_EXAMPLE_BYTES) when the MLmodel names one. No MLmodel: NOT_FOUND saying
 * where it was looked for; not YAML: INVALID_ARTIFACT. An input example that cannot
 * be read does not fail the call: its error is in the answer.
 */
export async function readModelFiles(
  repo: ArtifactRepository,
  signal?: AbortSignal,
): Promise<{ mlmodel: MLmodelInfo; input_example: InputExampleFile | null }> {
  const preview = await previewArtifact(repo, 'MLmodel', MAX_MLMODEL_BYTES, signal).catch(async (e: unknown) => {
    if (!(e instanceof AppError && e.code === 'NOT_FOUND')) throw e
    // An empty (or absent) folder is most often the tracking server's path, not mounted here: say how to point at it.
    const held = await repo.list('', signal).catch(() => [])
    const why = held.length
      ? `this folder holds ${held
          .slice(0, 5)
          .map((f) => f.path)
          .join(', ')}${held.length > 5 ? ', …' : ''}, but no MLmodel: it is not a model folder.`
      : "nothing is there: the files were moved or deleted, or the path is the tracking server's (map it to where the files are here: the profile's artifact prefix mapping, or --artifact-map)."
    throw new AppError('NOT_FOUND', `No MLmodel file in ${repo.describe}: ${why}`, { path: 'MLmodel' })
  })
  if (preview.kind !== 'text' || preview.text === null) throw new AppError('INVALID_ARTIFACT', `The MLmodel file in ${repo.describe} is not text.`)
  if (preview.truncated) {
    throw new AppError(
      'INVALID_ARTIFACT',
      `The MLmodel file in ${repo.describe} is ${preview.size} bytes, more than the ${MAX_MLMODEL_BYTES} read: open it in the artifacts.`,
    )
  }
  const mlmodel = parseMLmodel(preview.text, repo.describe)
  const example = mlmodel.input_example ? await inputExample(repo, mlmodel.input_example.artifact_path, signal) : null
  return { mlmodel, input_example: example }
}
