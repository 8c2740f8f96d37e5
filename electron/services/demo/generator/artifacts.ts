import { mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Series, type LatestMetric } from './metrics'
import { loggedModelMlmodel, modelFolder, pyJson, pyUtc } from './modelFiles'
import { linePlot } from './plot'
import { rngFor } from './random'
import type { RegistryPlan } from './registry'
import type { RunSkel, World } from './types'

type File = [relativePath: string, content: string | Buffer]

/** A local artifact location (file:// URI or bare path, as MLflow stores them) as a path on this disk. */
export function localPath(location: string): string {
  return location.startsWith('file:') ? fileURLToPath(location) : location
}

/** At most `max` evenly spaced values of one history: enough for a plot or a log excerpt. */
function sampled(world: World, run: RunSkel, keyIndex: number, max: number): Array<[number, number]> {
  const all: Array<[number, number]> = []
  const s = new Series(world, run, keyIndex)
  while (s.next()) all.push([s.step, s.value])
  if (all.length <= max) return all
  return Array.from({ length: max }, (_, i) => all[Math.floor((i * (all.length - 1)) / (max - 1))])
}

const FAILURES = ['CUDA out of memory. Tried to allocate 2.00 GiB', 'loss is NaN, stopping early', "KeyError: 'label'"]

function trainingLog(world: World, run: RunSkel): string {
  const lines = [`${pyUtc(run.start)} INFO mlflow.tracking: started run ${run.id} (${run.name})`]
  const keys = run.keys.slice(0, 3)
  const histories = keys.map((_, k) => sampled(world, run, k, 50))
  const first = histories[0] ?? []
  first.forEach(([step], i) => {
    const values = keys.map((key, k) => `${key}=${histories[k][i]?.[1] ?? ''}`).join(' ')
    lines.push(`step ${step}: ${values}`)
  })
  const end = run.end === null ? 'still running' : `finished with status ${run.status}`
  if (run.status === 'FAILED') lines.push(`ERROR ${FAILURES[run.index % FAILURES.length]}`)
  lines.push(`${pyUtc(run.end ?? world.now)} INFO run ${end}`)
  return lines.join('\n') + '\n'
}

function predictionsCsv(world: World, run: RunSkel): string {
  const r = rngFor(world.seed, 'predictions', run.index)
  const rows = ['id,label,prediction,score']
  for (let i = 0; i < 50; i++) {
    const label = r.int(0, 1)
    const correct = r.chance(0.5 + 0.45 * run.quality)
    rows.push(`${i},${label},${correct ? label : 1 - label},${r.next().toFixed(4)}`)
  }
  return rows.join('\n') + '\n'
}

/** What a training script leaves in a run's artifact folder. */
function runFiles(world: World, run: RunSkel, latest: readonly LatestMetric[]): File[] {
  const summary = Object.fromEntries(latest.map((m) => [m.key, m.isNan ? NaN : m.value]))
  const lines = run.keys.slice(0, 2).map((_, k) => ({
    values: sampled(world, run, k, 300).map(([, v]) => v),
    rgb: k === 0 ? ([31, 119, 180] as const) : ([255, 127, 14] as const),
  }))
  const files: File[] = [
    ['training.log', trainingLog(world, run)],
    ['metrics.json', pyJson({ run_id: run.id, status: run.status, metrics: summary }) + '\n'],
    ['eval/predictions.csv', predictionsCsv(world, run)],
    ['plots/training_curves.png', linePlot(lines)],
  ]
  if (run.hasModel) files.push(...modelFolder(world, run))
  return files
}

async function writeAll(base: string, files: File[]): Promise<number> {
  const dirs = new Set(files.map(([p]) => dirname(join(base, p))))
  for (const d of dirs) await mkdir(d, { recursive: true })
  await Promise.all(files.map(([p, content]) => writeFile(join(base, p), content)))
  return files.length
}

/**
 * Artifact files for every run under its artifact_uri, and MLmodel files of the
 * logged models. Returns the number of files written.
 */
export async function writeArtifacts(world: World, registry: RegistryPlan | null, latest: readonly LatestMetric[]): Promise<number> {
  const byRun = new Map<string, LatestMetric[]>()
  for (const m of latest) {
    const list = byRun.get(m.runId)
    if (list) list.push(m)
    else byRun.set(m.runId, [m])
  }
  let count = 0
  // A few runs at a time: enough to keep the disk busy without thousands of open files.
  const queue = [...world.runs]
  const worker = async () => {
    for (let run = queue.shift(); run; run = queue.shift()) {
      const n = await writeAll(localPath(run.artifactUri), runFiles(world, run, byRun.get(run.id) ?? []))
      count += n
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  for (const m of registry?.loggedModels ?? []) {
    const n = await writeAll(localPath(m.location), [['MLmodel', loggedModelMlmodel(m.id, m.location, m.created, m.run?.id ?? null)]])
    count += n
  }
  return count
}
