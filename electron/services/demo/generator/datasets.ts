import { pyJson } from './modelFiles'
import type { Kind } from './plan'
import { rngFor, type Rng } from './random'
import { copyTable, rowLines, type SeedContext } from './tracking'
import type { CopyValue } from './copyWriter'
import type { RunSkel, World } from './types'

type Role = 'train' | 'validation' | 'eval'
const CONTEXT: Record<Role, string> = { train: 'training', validation: 'validation', eval: 'evaluation' }

interface Dataset {
  uuid: string
  experimentId: number
  role: Role
  row: CopyValue[]
}

/** dataset_source as each source type's to_dict() serialises it. */
function source(kind: Kind, role: Role): [string, unknown] {
  switch (kind) {
    case 'nlp':
      return ['huggingface', { path: 'imdb', config_name: null, data_dir: null, data_files: null, split: role === 'train' ? 'train' : 'test', revision: null }]
    case 'tabular':
      return ['http', { url: `https://data.example.com/churn/${role}.csv` }]
    case 'scratch':
      return ['code', { tags: { 'mlflow.user': 'alice', 'mlflow.source.name': 'scratch.ipynb', 'mlflow.source.type': 'NOTEBOOK' } }]
    default:
      return ['local', { uri: `file:///data/${kind}/${role}.parquet` }]
  }
}

function schema(kind: Kind): string {
  if (kind === 'vision') {
    const features = pyJson([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 224, 224, 3] } }])
    return pyJson({ mlflow_tensorspec: { features, targets: null } })
  }
  const cols =
    kind === 'nlp'
      ? [
          ['text', 'string'],
          ['label', 'long'],
        ]
      : [
          ['x1', 'double'],
          ['x2', 'double'],
          ['x3', 'long'],
          ['label', 'string'],
        ]
  return pyJson({ mlflow_colspec: cols.map(([name, type]) => ({ type, name, required: true })) })
}

/** Three datasets (train / validation / eval) per experiment; Default's quick scripts log none. */
function buildDatasets(world: World): Dataset[] {
  const out: Dataset[] = []
  for (const e of world.experiments) {
    if (e.kind === 'default') continue
    const r = rngFor(world.seed, 'datasets', e.id)
    for (const role of ['train', 'validation', 'eval'] as const) {
      const uuid = r.uuidHex()
      const rows = role === 'train' ? r.int(5_000, 50_000) : r.int(500, 5_000)
      const [type, src] = source(e.kind, role)
      const cols = e.kind === 'nlp' ? 2 : 4
      const profile = pyJson({ num_rows: rows, num_elements: rows * cols })
      out.push({ uuid, experimentId: e.id, role, row: [uuid, e.id, `${e.kind}-${role}`, r.hex(8), type, pyJson(src), schema(e.kind), profile] })
    }
  }
  return out
}

interface RunInput {
  uuid: string
  dataset: Dataset
  tags: Array<[string, string]>
}

/** Which datasets a run used: always its training set, sometimes validation or evaluation data. */
function runInputs(world: World, run: RunSkel, byExperiment: Map<number, Dataset[]>): RunInput[] {
  const sets = byExperiment.get(run.experimentId)
  if (!sets || run.role === 'parent' || run.status === 'SCHEDULED') return []
  const r: Rng = rngFor(world.seed, 'inputs', run.index)
  const out: RunInput[] = []
  for (const d of sets) {
    if (d.role === 'validation' && !r.chance(0.4)) continue
    if (d.role === 'eval' && !r.chance(0.2)) continue
    const tags: Array<[string, string]> = [['mlflow.data.context', CONTEXT[d.role]]]
    if (d.role === 'train' && r.chance(0.1)) tags.push(['split', 'train'])
    out.push({ uuid: r.uuidHex(), dataset: d, tags })
  }
  return out
}

/** datasets, inputs (DATASET -> RUN) and input_tags. `inputStep`: the store has inputs.step (MLflow 3). */
export async function copyDatasets(ctx: SeedContext, inputStep: boolean): Promise<void> {
  const { world } = ctx
  const datasets = buildDatasets(world)
  const byExperiment = new Map<number, Dataset[]>()
  for (const d of datasets) byExperiment.set(d.experimentId, [...(byExperiment.get(d.experimentId) ?? []), d])
  await copyTable(
    ctx,
    'datasets',
    ['dataset_uuid', 'experiment_id', 'name', 'digest', 'dataset_source_type', 'dataset_source', 'dataset_schema', 'dataset_profile'],
    rowLines(datasets.map((d) => d.row)),
  )
  function* inputRows(): Generator<CopyValue[]> {
    for (const run of world.runs) {
      for (const i of runInputs(world, run, byExperiment)) {
        const row: CopyValue[] = [i.uuid, 'DATASET', i.dataset.uuid, 'RUN', run.id]
        yield inputStep ? [...row, 0] : row
      }
    }
  }
  function* inputTagRows(): Generator<CopyValue[]> {
    for (const run of world.runs) for (const i of runInputs(world, run, byExperiment)) for (const [k, v] of i.tags) yield [i.uuid, k, v]
  }
  const cols = ['input_uuid', 'source_type', 'source_id', 'destination_type', 'destination_id']
  await copyTable(ctx, 'inputs', inputStep ? [...cols, 'step'] : cols, rowLines(inputRows()))
  await copyTable(ctx, 'input_tags', ['input_uuid', 'name', 'value'], rowLines(inputTagRows()))
}
