/**
 * What each size generates. Everything else in the generator only interprets
 * these numbers, so the shape of a store is readable in one place.
 */
export type SeedSize = 'small' | 'medium' | 'large'

/** Flavour of an experiment: picks param names, metric keys and artifact texts. */
export type Kind = 'default' | 'vision' | 'nlp' | 'tabular' | 'forecast' | 'scratch'

export interface ExperimentPlan {
  kind: Kind
  /** Experiment name (unique in the store); Default is id 0. */
  name: string
  /** Plain top-level runs (sweeps and long-history runs come on top). */
  runs: number
  /** Parent runs, each with `children` child runs; the second child of each sweep has one grandchild. */
  sweeps: number
  children: number
  /** Soft-deleted experiment: it and all its runs are 'deleted'. */
  deleted: boolean
  /** Runs deleted one by one in an otherwise active experiment. */
  deletedRuns: number
}

/** Runs that carry very long metric histories (metric-history and compare benchmarks). */
export interface LongHistoryPlan {
  /** Index into `experiments`. */
  experiment: number
  runs: number
  keys: string[]
  steps: number
}

export interface SizePlan {
  size: SeedSize
  experiments: ExperimentPlan[]
  /**
   * 'rich': varied params, system and user tags, statuses, nesting (the demo).
   * 'baseline': exactly 10 params, 4 tags and 5 metrics x 20 steps per run, the
   * shape of the store MLflow's own timings were measured on.
   */
  shape: 'rich' | 'baseline'
  /** Metric keys per ordinary run, [min, max] (baseline: always 5). */
  keysPerRun: [number, number]
  /** Steps per metric history of an ordinary run, [min, max]. */
  steps: [number, number]
  /** Share of ordinary runs that log NaN / +-inf / odd steps. */
  specialRate: number
  /** Share of finished runs that logged a model (mlflow.log-model.history). */
  modelRate: number
  longHistories: LongHistoryPlan[]
  /** How far back in time the runs go. */
  spanDays: number
  artifacts: boolean
  registry: boolean
  datasets: boolean
  /** Drop and rebuild the run-child tables' keys and indexes around COPY (bulk sizes). */
  bulkLoad: boolean
}

const exp = (kind: Kind, name: string, runs: number, more: Partial<ExperimentPlan> = {}): ExperimentPlan => ({
  kind,
  name,
  runs,
  sweeps: 0,
  children: 0,
  deleted: false,
  deletedRuns: 0,
  ...more,
})

/** The app's built-in demo: ~350 runs covering every MLflow quirk a reader must handle. */
const SMALL: SizePlan = {
  size: 'small',
  experiments: [
    exp('default', 'Default', 12),
    exp('vision', 'vision-resnet-finetune', 90, { sweeps: 2, children: 8, deletedRuns: 2 }),
    exp('nlp', 'nlp-sentiment-bert', 80, { sweeps: 1, children: 10, deletedRuns: 1 }),
    exp('tabular', 'tabular-churn-xgboost', 70, { sweeps: 1, children: 6 }),
    exp('forecast', 'forecast-demand-weekly', 30),
    exp('scratch', 'scratch-playground', 20, { deleted: true }),
  ],
  shape: 'rich',
  keysPerRun: [3, 5],
  steps: [5, 80],
  specialRate: 0.12,
  modelRate: 0.15,
  longHistories: [
    { experiment: 1, runs: 2, keys: ['loss', 'val_loss'], steps: 10_000 },
    { experiment: 2, runs: 1, keys: ['loss'], steps: 10_000 },
    { experiment: 3, runs: 1, keys: ['val_loss'], steps: 2_000 },
  ],
  spanDays: 30,
  artifacts: true,
  registry: true,
  datasets: true,
  bulkLoad: false,
}

/**
 * MLflow's baseline store (../shared/mlflow-schema.md, 'Baseline'): 20,001 runs
 * in 3 experiments (90 % in one) plus an empty Default, 200,000 params,
 * 2,010,000 metric rows, 100,001 latest metrics, 80,001 tags.
 */
const MEDIUM: SizePlan = {
  size: 'medium',
  experiments: [
    exp('default', 'Default', 0),
    exp('vision', 'baseline-main', 18_000),
    exp('nlp', 'baseline-side-a', 1_000),
    exp('tabular', 'baseline-side-b', 1_000),
  ],
  shape: 'baseline',
  keysPerRun: [5, 5],
  steps: [20, 20],
  specialRate: 0,
  modelRate: 0,
  longHistories: [{ experiment: 1, runs: 1, keys: ['val_loss'], steps: 10_000 }],
  spanDays: 90,
  artifacts: false,
  registry: false,
  datasets: false,
  bulkLoad: true,
}

/**
 * Benchmarks: >100k runs, >10M ordinary metric rows, plus 50 runs x 3 metrics x
 * 100,000 steps for metric compare and one 1,000,000-step history.
 */
const LARGE: SizePlan = {
  size: 'large',
  experiments: [
    exp('default', 'Default', 500),
    exp('vision', 'bench-vision', 62_000, { sweeps: 40, children: 12, deletedRuns: 300 }),
    exp('nlp', 'bench-nlp', 25_000, { sweeps: 20, children: 10, deletedRuns: 100 }),
    exp('tabular', 'bench-tabular', 10_000),
    exp('scratch', 'bench-scratch', 2_000, { deleted: true }),
    exp('forecast', 'bench-metric-compare', 0),
  ],
  shape: 'rich',
  keysPerRun: [2, 3],
  steps: [40, 50],
  specialRate: 0.002,
  modelRate: 0.01,
  longHistories: [
    { experiment: 5, runs: 50, keys: ['loss', 'acc', 'val_loss'], steps: 100_000 },
    { experiment: 5, runs: 1, keys: ['loss'], steps: 1_000_000 },
  ],
  spanDays: 365,
  artifacts: false,
  registry: false,
  datasets: true,
  bulkLoad: true,
}

export const PLANS: Readonly<Record<SeedSize, SizePlan>> = { small: SMALL, medium: MEDIUM, large: LARGE }
