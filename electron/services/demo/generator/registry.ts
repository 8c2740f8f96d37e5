import type { CopyValue } from './copyWriter'
import type { LatestMetric } from './metrics'
import type { Kind } from './plan'
import { rngFor } from './random'
import { copyTable, rowLines, type SeedContext } from './tracking'
import type { RunSkel, World } from './types'

type Stage = 'None' | 'Staging' | 'Production' | 'Archived'
type VersionStatus = 'READY' | 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION'

interface ModelSpec {
  name: string
  kind: Kind
  task: string
  stages: Stage[]
  /** Non-READY versions by version number. */
  status?: Record<number, VersionStatus>
  aliases: Record<string, number>
  /** Version 1 comes from a run of the deleted experiment: a version outliving its run's experiment. */
  fromDeleted?: boolean
}

const MODELS: ModelSpec[] = [
  {
    name: 'resnet-classifier',
    kind: 'vision',
    task: 'image-classification',
    stages: ['Archived', 'Archived', 'Production', 'Staging'],
    aliases: { champion: 3, challenger: 4, baseline: 1 },
  },
  {
    name: 'sentiment-bert',
    kind: 'nlp',
    task: 'text-classification',
    stages: ['None', 'Production', 'None'],
    status: { 3: 'FAILED_REGISTRATION' },
    aliases: { champion: 2, baseline: 1 },
  },
  {
    name: 'churn-xgboost',
    kind: 'tabular',
    task: 'tabular-classification',
    stages: ['Archived', 'Production', 'None'],
    aliases: { champion: 2, challenger: 3 },
    fromDeleted: true,
  },
  {
    name: 'demand-forecaster',
    kind: 'forecast',
    task: 'forecasting',
    stages: ['None', 'None'],
    status: { 2: 'PENDING_REGISTRATION' },
    aliases: { baseline: 1 },
  },
]

interface Version {
  model: ModelSpec
  version: number
  run: RunSkel
  created: number
  updated: number
}

export interface LoggedModel {
  id: string
  experimentId: number
  name: string
  location: string
  created: number
  run: RunSkel | null
}

export interface RegistryPlan {
  versions: Version[]
  loggedModels: LoggedModel[]
}

/** Runs evenly spread over time among those that could have logged a model of this kind. */
function pickRuns(world: World, kind: Kind, n: number, deleted: boolean): RunSkel[] {
  const pool = world.runs
    .filter((r) => r.kind === kind && r.status === 'FINISHED' && (r.role === 'single' || r.role === 'child'))
    .filter((r) => (deleted ? r.lifecycle === 'deleted' : r.lifecycle === 'active'))
    .sort((a, b) => a.start - b.start)
  if (pool.length === 0) return []
  return Array.from({ length: n }, (_, i) => pool[Math.min(pool.length - 1, Math.floor(((i + 0.5) * pool.length) / n))])
}

/**
 * Which runs registered which model versions. Marks those runs as having
 * logged a model, so this must run before tags and artifacts are produced.
 */
export function planRegistry(world: World): RegistryPlan {
  const r = rngFor(world.seed, 'registry')
  const versions: Version[] = []
  for (const model of MODELS) {
    const n = model.stages.length
    const runs = model.fromDeleted
      ? [...pickRuns(world, 'scratch', 1, true), ...pickRuns(world, model.kind, n - 1, false)]
      : pickRuns(world, model.kind, n, false)
    runs.forEach((run, i) => {
      run.hasModel = true
      const created = Math.min(world.now - 60_000, run.end! + r.int(60_000, 3_600_000))
      versions.push({ model, version: i + 1, run, created, updated: Math.min(world.now, created + r.int(0, 86_400_000)) })
    })
  }
  const nlp = world.experiments.find((e) => e.kind === 'nlp' && e.lifecycle === 'active')
  const loggedModels: LoggedModel[] = []
  if (nlp) {
    const source = pickRuns(world, 'nlp', 1, false)[0] ?? null
    for (const run of [source, null]) {
      const id = `m-${r.hex(32)}`
      const created = run ? run.end! - 10_000 : world.now - r.int(3_600_000, 86_400_000)
      loggedModels.push({
        id,
        experimentId: nlp.id,
        name: run ? `sentiment-agent-${run.name}` : 'external-scorer',
        location: `${nlp.location}/models/${id}/artifacts`,
        created,
        run,
      })
    }
  }
  return { versions, loggedModels }
}

function* registryTables(world: World, plan: RegistryPlan) {
  const r = rngFor(world.seed, 'registry-rows')
  const models = MODELS.filter((m) => plan.versions.some((v) => v.model === m))
  const ofModel = (m: ModelSpec) => plan.versions.filter((v) => v.model === m)
  yield {
    table: 'registered_models',
    columns: ['name', 'creation_time', 'last_updated_time', 'description'],
    rows: models.map((m): CopyValue[] => {
      const vs = ofModel(m)
      return [m.name, vs[0].created - 60_000, Math.max(...vs.map((v) => v.updated)), `**${m.name}**: ${m.task} model, promoted through stages and aliases.`]
    }),
  }
  yield {
    table: 'registered_model_tags',
    columns: ['key', 'value', 'name'],
    rows: models.flatMap((m, i): CopyValue[][] => [
      ['owner', ofModel(m)[0].run.user, m.name],
      ['task', m.task, m.name],
      ...(i === 0 ? [['note', 'Ünïcödé ßtraße ✓', m.name]] : []),
    ]),
  }
  yield {
    table: 'model_versions',
    columns: [
      'name',
      'version',
      'creation_time',
      'last_updated_time',
      'description',
      'user_id',
      'current_stage',
      'source',
      'run_id',
      'status',
      'status_message',
      'run_link',
      'storage_location',
    ],
    rows: plan.versions.map((v): CopyValue[] => {
      const status = v.model.status?.[v.version] ?? 'READY'
      const message = status === 'FAILED_REGISTRATION' ? 'Copying model artifacts failed: permission denied' : null
      const description = v.version === 1 ? 'first version ✓' : r.chance(0.5) ? `v${v.version} of ${v.model.name}` : null
      const stage = v.model.stages[v.version - 1]
      return [
        v.model.name,
        v.version,
        v.created,
        v.updated,
        description,
        null,
        stage,
        `runs:/${v.run.id}/model`,
        v.run.id,
        status,
        message,
        null,
        `${v.run.artifactUri}/model`,
      ]
    }),
  }
  yield {
    table: 'model_version_tags',
    columns: ['key', 'value', 'name', 'version'],
    rows: plan.versions.flatMap((v): CopyValue[][] => [
      ['validated', String(v.model.stages[v.version - 1] === 'Production' || r.chance(0.5)), v.model.name, v.version],
      ...(v.version === 1 ? [['stage_note', 'first candidate', v.model.name, v.version]] : []),
    ]),
  }
  yield {
    table: 'registered_model_aliases',
    columns: ['alias', 'version', 'name'],
    rows: models.flatMap((m) =>
      Object.entries(m.aliases)
        .filter(([, ver]) => ver <= ofModel(m).length)
        .map(([alias, ver]): CopyValue[] => [alias, ver, m.name]),
    ),
  }
}

/** The MLflow 3 logged_models rows, their params/tags/metrics, and the RUN_OUTPUT -> MODEL_OUTPUT edge. */
function* loggedModelTables(world: World, plan: RegistryPlan, latest: readonly LatestMetric[], inputStep: boolean) {
  const lm = plan.loggedModels
  yield {
    table: 'logged_models',
    columns: [
      'model_id',
      'experiment_id',
      'name',
      'artifact_location',
      'creation_timestamp_ms',
      'last_updated_timestamp_ms',
      'status',
      'lifecycle_stage',
      'model_type',
      'source_run_id',
      'status_message',
    ],
    // status is MLflow's LoggedModelStatus enum: 2 = READY.
    rows: lm.map((m): CopyValue[] => [
      m.id,
      m.experimentId,
      m.name,
      m.location,
      m.created,
      m.created + 27,
      2,
      'active',
      m.run ? 'agent' : 'external',
      m.run?.id ?? null,
      null,
    ]),
  }
  yield {
    table: 'logged_model_params',
    columns: ['model_id', 'experiment_id', 'param_key', 'param_value'],
    rows: lm.flatMap((m): CopyValue[][] => [
      [m.id, m.experimentId, 'temperature', '0.2'],
      [m.id, m.experimentId, 'max_tokens', '256'],
    ]),
  }
  yield {
    table: 'logged_model_tags',
    columns: ['model_id', 'experiment_id', 'tag_key', 'tag_value'],
    rows: lm.flatMap((m): CopyValue[][] => [
      [m.id, m.experimentId, 'mlflow.user', m.run?.user ?? 'alice'],
      [m.id, m.experimentId, 'mlflow.source.name', '/home/alice/projects/nlp/agent.py'],
      [m.id, m.experimentId, 'mlflow.source.type', 'LOCAL'],
      ...(m.run ? [] : [[m.id, m.experimentId, 'mlflow.model.isExternal', 'true']]),
    ]),
  }
  // MLflow 3 writes a metric logged with a model_id to both metrics and logged_model_metrics.
  yield {
    table: 'logged_model_metrics',
    columns: [
      'model_id',
      'metric_name',
      'metric_timestamp_ms',
      'metric_step',
      'metric_value',
      'experiment_id',
      'run_id',
      'dataset_uuid',
      'dataset_name',
      'dataset_digest',
    ],
    rows: lm.flatMap((m) =>
      latest
        .filter((x) => m.run && x.runId === m.run.id && !x.isNan)
        .map((x): CopyValue[] => [m.id, x.key, x.timestamp, x.step, x.value, m.experimentId, x.runId, null, null, null]),
    ),
  }
  const edge = (m: LoggedModel): CopyValue[] => [
    rngFor(world.seed, 'edge', m.id).uuidHex(),
    'RUN_OUTPUT',
    m.run!.id,
    'MODEL_OUTPUT',
    m.id,
    ...(inputStep ? [m.run!.steps] : []),
  ]
  const cols = ['input_uuid', 'source_type', 'source_id', 'destination_type', 'destination_id', ...(inputStep ? ['step'] : [])]
  yield { table: 'inputs', columns: cols, rows: lm.filter((m) => m.run).map(edge) }
}

/** Model registry and logged models, skipping tables an older schema lacks. */
export async function copyRegistry(ctx: SeedContext, plan: RegistryPlan, latest: readonly LatestMetric[]): Promise<void> {
  const inputStep = ctx.has('inputs', 'step')
  const tables = [...registryTables(ctx.world, plan), ...(ctx.has('logged_models') ? loggedModelTables(ctx.world, plan, latest, inputStep) : [])]
  for (const t of tables) {
    if (!ctx.has(t.table)) {
      ctx.progress(`${t.table}: not in this schema, skipped`)
      continue
    }
    await copyTable(ctx, t.table, t.columns, rowLines(t.rows))
  }
}
