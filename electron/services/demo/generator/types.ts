import type { Kind, SizePlan } from './plan'

export type RunStatus = 'FINISHED' | 'FAILED' | 'KILLED' | 'RUNNING' | 'SCHEDULED'
export const RUN_STATUSES: readonly RunStatus[] = ['FINISHED', 'FAILED', 'KILLED', 'RUNNING', 'SCHEDULED']

/** Metric quirks a run may log on top of its ordinary histories. */
export type Special = 'unstable' | 'diverged' | 'dup_step' | 'spiky'

export type RunRole = 'single' | 'parent' | 'child' | 'grandchild' | 'long'

export interface ExperimentSkel {
  id: number
  name: string
  kind: Kind
  /** experiments.artifact_location: a bare path for Default, a file:// URI otherwise (as MLflow writes them). */
  location: string
  lifecycle: 'active' | 'deleted'
  creationTime: number
  lastUpdateTime: number
  deletedTime: number | null
}

/**
 * One run, small enough to keep 100k of them in memory. Params, tags and metric
 * rows are not stored: they are regenerated from (seed, index) on each pass.
 */
export interface RunSkel {
  index: number
  id: string
  experimentId: number
  kind: Kind
  role: RunRole
  parentId: string | null
  name: string
  status: RunStatus
  start: number
  end: number | null
  lifecycle: 'active' | 'deleted'
  deletedTime: number | null
  user: string
  userId: string
  artifactUri: string
  /** 0..1: how good the run's curves end up (loss low, acc high). */
  quality: number
  lr: string
  keys: string[]
  steps: number
  /** Step increment of ordinary histories (1, or 10 for runs that log every 10th step). */
  stride: number
  special: Special | null
  hasModel: boolean
  longParam: boolean
  longTag: boolean
  trickyText: boolean
}

export interface World {
  plan: SizePlan
  seed: number
  now: number
  artifactRoot: string
  experiments: ExperimentSkel[]
  runs: RunSkel[]
}
