import { logModelHistory } from './modelFiles'
import type { Kind } from './plan'
import { rngFor, TRICKY_TEXTS, type Rng } from './random'
import type { RunSkel, World } from './types'

type Pair = [string, string]

const MODELS: Record<Kind, readonly string[]> = {
  default: ['ElasticNet'],
  vision: ['resnet18', 'resnet50', 'vit-b16', 'efficientnet-b0'],
  nlp: ['bert-base-uncased', 'distilbert-base-uncased', 'roberta-base'],
  tabular: ['xgboost', 'lightgbm', 'random_forest'],
  forecast: ['prophet', 'lstm', 'arima'],
  scratch: ['mlp', 'cnn-small'],
}

/** Params only some flavours log, on top of the common ones. */
function kindParams(kind: Kind, r: Rng): Pair[] {
  switch (kind) {
    case 'vision':
      return [
        ['weight_decay', r.pick(['0', '1e-4', '5e-4'])],
        ['image_size', r.pick(['224', '256', '384'])],
        ['dropout', r.pick(['0.0', '0.1', '0.3'])],
      ]
    case 'nlp':
      return [
        ['max_seq_len', r.pick(['128', '256', '512'])],
        ['warmup_steps', String(r.int(0, 20) * 50)],
      ]
    case 'tabular':
      return [
        ['max_depth', String(r.int(3, 12))],
        ['n_estimators', String(r.int(1, 20) * 50)],
        ['subsample', r.pick(['0.6', '0.8', '1.0'])],
      ]
    case 'forecast':
      return [
        ['horizon', r.pick(['7', '14', '28'])],
        ['lookback', r.pick(['28', '56', '112'])],
      ]
    default:
      return []
  }
}

/** A realistic reason for a > 3000-character param: a whole model config serialised into one value. */
function longConfig(r: Rng): string {
  const layers = Array.from(
    { length: r.int(40, 70) },
    (_, i) =>
      `{"name": "block_${i}", "units": ${r.pick([64, 128, 256, 512])}, "activation": "${r.pick(['relu', 'gelu', 'silu'])}", "dropout": ${r.pick([0, 0.1, 0.2])}}`,
  )
  return `{"architecture": "custom", "layers": [${layers.join(', ')}]}`
}

const BASELINE_PARAMS = (run: RunSkel, r: Rng): Pair[] => [
  ['lr', run.lr],
  ['batch_size', r.pick(['16', '32', '64', '128'])],
  ['optimizer', r.pick(['adam', 'adamw', 'sgd'])],
  ['model', r.pick(MODELS[run.kind])],
  ['epochs', String(run.steps)],
  ['dropout', r.pick(['0.0', '0.1', '0.3'])],
  ['weight_decay', r.pick(['0', '1e-4', '5e-4'])],
  ['seed', String(r.int(0, 9))],
  ['hidden_size', r.pick(['128', '256', '512'])],
  ['num_layers', String(r.int(2, 12))],
]

/** The params a run logged; regenerated identically on every call. */
export function runParams(world: World, run: RunSkel): Pair[] {
  const r = rngFor(world.seed, 'params', run.index)
  if (world.plan.shape === 'baseline') return run.role === 'long' ? [] : BASELINE_PARAMS(run, r)
  if (run.role === 'parent') {
    return [
      ['role', 'parent'],
      ['grid', 'lr x batch_size'],
      ['n_children', String(run.steps)],
      ['model', r.pick(MODELS[run.kind])],
    ]
  }
  const out: Pair[] =
    run.kind === 'default'
      ? [
          ['alpha', r.pick(['0.1', '0.5', '1.0'])],
          ['l1_ratio', r.pick(['0.1', '0.5', '0.9'])],
        ]
      : [
          ['lr', run.lr],
          ['batch_size', r.pick(['16', '32', '64', '128'])],
          ['optimizer', r.pick(['adam', 'adamw', 'sgd'])],
          ['model', r.pick(MODELS[run.kind])],
          ['epochs', String(run.steps)],
          ...kindParams(run.kind, r),
        ]
  out.push(['seed', String(r.int(0, 9))])
  // Sweep children are named 'child-<j>-...'.
  if (run.role === 'child') out.push(['child_index', run.name.split('-')[1]])
  if (run.trickyText) out.push(['note', r.pick(TRICKY_TEXTS)])
  if (run.longParam) out.push(['model_config', longConfig(r)])
  return out
}

const TEAMS = ['core', 'platform', 'research', 'applied-ml']

function source(run: RunSkel, r: Rng): Pair[] {
  const type = r.pick(['LOCAL', 'LOCAL', 'LOCAL', 'NOTEBOOK', 'JOB', 'PROJECT'])
  const home = `/home/${run.user}/projects/${run.kind}`
  const name = {
    LOCAL: `${home}/train.py`,
    NOTEBOOK: `/Users/${run.user}/notebooks/${run.kind}-explore.ipynb`,
    JOB: `jobs/${run.kind}-nightly`,
    PROJECT: `file://${home}`,
  }[type]!
  const out: Pair[] = [
    ['mlflow.source.name', name],
    ['mlflow.source.type', type],
  ]
  if (type === 'LOCAL' || type === 'PROJECT') {
    out.push(['mlflow.source.git.commit', r.hex(40)])
    if (r.chance(0.5)) out.push(['mlflow.source.git.branch', r.pick(['main', 'dev', `exp/${run.kind}-sweep`])])
  }
  if (type === 'PROJECT') out.push(['mlflow.project.entryPoint', 'main'], ['mlflow.project.backend', 'local'])
  return out
}

function note(run: RunSkel): string {
  if (run.role === 'parent') return `## Sweep\nGrid over **lr** × **batch_size**, ${run.steps} children.\n\n- metric: \`best_val_acc\``
  return `Run notes for *${run.name}*: ${run.status === 'FAILED' ? 'diverged, see `training.log`' : 'looks good ✓'}.`
}

/** The tags a run carries: MLflow's system tags first, then the user's. */
export function runTags(world: World, run: RunSkel): Pair[] {
  const r = rngFor(world.seed, 'tags', run.index)
  if (world.plan.shape === 'baseline') {
    if (run.role === 'long') return [['mlflow.runName', run.name]]
    return [
      ['mlflow.user', run.user],
      ['mlflow.runName', run.name],
      ['mlflow.source.name', `/home/${run.user}/projects/baseline/train.py`],
      ['mlflow.source.type', 'LOCAL'],
    ]
  }
  const out: Pair[] = [['mlflow.user', run.user], ['mlflow.runName', run.name], ...source(run, r)]
  if (run.parentId) out.push(['mlflow.parentRunId', run.parentId])
  if (run.role === 'parent' || r.chance(0.08)) out.push(['mlflow.note.content', note(run)])
  if (run.hasModel) out.push(['mlflow.log-model.history', logModelHistory(world, run)])
  out.push(['team', r.pick(TEAMS)])
  if (r.chance(0.5)) out.push(['env', r.pick(['dev', 'staging', 'prod'])])
  if (run.role === 'parent') out.push(['sweep', 'yes'])
  if (run.role === 'grandchild') out.push(['depth', '2'])
  if (run.trickyText) out.push(['label', r.pick(TRICKY_TEXTS)])
  if (run.longTag) out.push(['long_tag', `${run.name}: ` + 'x'.repeat(7_450)])
  return out
}
