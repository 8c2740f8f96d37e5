import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type { ExperimentPlan, Kind, SizePlan } from './plan'
import { rngFor, runName, type Rng } from './random'
import { RUN_STATUSES, type ExperimentSkel, type RunRole, type RunSkel, type RunStatus, type Special, type World } from './types'

const MIN = 60_000
const HOUR = 60 * MIN
const DAY = 24 * HOUR

export const LR_CHOICES = ['0.1', '0.01', '0.001', '3e-4'] as const
const USERS = ['alice', 'bob', 'carol', 'dmitri', 'eve', 'josé']
const SPECIALS: readonly Special[] = ['unstable', 'diverged', 'dup_step', 'spiky']

/** Metric keys per experiment flavour; ordinary runs log the first 2..5 of them. */
export const KIND_KEYS: Readonly<Record<Kind, readonly string[]>> = {
  default: ['rmse', 'r2', 'mae'],
  vision: ['loss', 'acc', 'val_loss', 'val_acc', 'lr'],
  nlp: ['loss', 'acc', 'val_loss', 'perplexity', 'lr'],
  tabular: ['loss', 'acc', 'val_loss', 'auc', 'f1'],
  forecast: ['loss', 'val_loss', 'mape', 'rmse', 'lr'],
  scratch: ['loss', 'acc', 'val_loss', 'val_acc', 'lr'],
}
const BASELINE_KEYS = ['loss', 'acc', 'val_loss', 'val_acc', 'lr']

/** Where MLflow puts an experiment's artifacts: Default gets a bare path, the others a file:// URI. */
function experimentLocation(root: string, id: number): string {
  return id === 0 ? join(root, '0') : pathToFileURL(join(root, String(id))).href
}

function pickStatus(r: Rng, live: boolean): RunStatus {
  const x = r.next()
  if (x < 0.76) return 'FINISHED'
  if (x < 0.86) return 'FAILED'
  if (x < 0.92 || !live) return 'KILLED'
  return x < 0.96 ? 'RUNNING' : 'SCHEDULED'
}

interface Ctx {
  plan: SizePlan
  seed: number
  now: number
  ids: Rng
  runs: RunSkel[]
}

/**
 * The times follow from the status: RUNNING and SCHEDULED runs are recent and
 * have no end_time; a run is long enough for its metric steps to get distinct
 * timestamps (the metrics primary key includes the timestamp).
 */
export function applyStatus(ctx: { now: number }, run: RunSkel, status: RunStatus, r: Rng, slotStart: number): void {
  run.status = status
  if (status === 'SCHEDULED') {
    run.keys = []
    run.steps = 0
    run.special = null
    run.hasModel = false
  }
  const msPerStep = run.role === 'long' ? (run.steps >= 1e6 ? 3 : run.steps >= 1e5 ? 10 : 50) : 0
  const duration = Math.max(run.steps * (msPerStep || 2) + 10_000, msPerStep ? 0 : r.int(2 * MIN, 90 * MIN))
  if (status === 'RUNNING' || status === 'SCHEDULED') {
    run.start = ctx.now - (status === 'RUNNING' ? duration + r.int(MIN, 2 * HOUR) : r.int(MIN, 30 * MIN))
    run.end = null
  } else {
    run.start = slotStart
    run.end = slotStart + duration
  }
}

function newRun(ctx: Ctx, e: ExperimentSkel, ep: ExperimentPlan, role: RunRole, r: Rng): RunSkel {
  const { plan } = ctx
  const rich = plan.shape === 'rich'
  const [k0, k1] = plan.keysPerRun
  const [s0, s1] = plan.steps
  const user = r.pick(USERS)
  const id = ctx.ids.uuidHex()
  const run: RunSkel = {
    index: ctx.runs.length,
    id,
    experimentId: e.id,
    kind: ep.kind,
    role,
    parentId: null,
    name: runName(r),
    status: 'FINISHED',
    start: 0,
    end: null,
    lifecycle: 'active',
    deletedTime: null,
    user,
    userId: r.chance(0.1) ? 'unknown' : user,
    artifactUri: `${e.location}/${id}/artifacts`,
    quality: r.next(),
    lr: r.pick(LR_CHOICES),
    keys: rich ? KIND_KEYS[ep.kind].slice(0, r.int(k0, k1)) : [...BASELINE_KEYS],
    steps: r.int(s0, s1),
    stride: rich && r.chance(0.15) ? 10 : 1,
    special: null,
    hasModel: false,
    longParam: rich && r.chance(0.01),
    longTag: rich && r.chance(0.005),
    trickyText: rich && r.chance(0.15),
  }
  if (rich && role === 'single') {
    if (r.chance(plan.specialRate)) setSpecial(run, r.pick(SPECIALS))
    if (r.chance(0.2)) run.keys.push('epoch_time_s')
  }
  ctx.runs.push(run)
  return run
}

function setSpecial(run: RunSkel, special: Special): void {
  run.special = special
  if (special !== 'spiky') run.keys.push(special)
}

function finishSingle(ctx: Ctx, run: RunSkel, r: Rng, slotStart: number, live: boolean): void {
  const baseline = ctx.plan.shape === 'baseline'
  let status = pickStatus(r, live)
  // The baseline store has exactly 5 x 20 metric rows per run: nothing unlogged, nothing cut short.
  if (baseline && status === 'SCHEDULED') status = 'RUNNING'
  if (!baseline && (status === 'FAILED' || status === 'KILLED')) run.steps = Math.max(1, Math.floor(run.steps * r.float(0.2, 0.9)))
  applyStatus(ctx, run, status, r, slotStart)
  run.hasModel = ctx.plan.shape === 'rich' && status === 'FINISHED' && r.chance(ctx.plan.modelRate)
}

/** A parent run whose children run one after another inside it; the second child has a grandchild. */
function addSweep(ctx: Ctx, e: ExperimentSkel, ep: ExperimentPlan, slotStart: number): void {
  const r = rngFor(ctx.seed, 'sweep', ctx.runs.length)
  const parent = newRun(ctx, e, ep, 'parent', r)
  parent.name = `sweep-${parent.name}`
  parent.keys = ['best_val_acc']
  parent.steps = ep.children
  parent.special = null
  let cursor = slotStart + 5_000
  for (let j = 0; j < ep.children; j++) {
    const child = newRun(ctx, e, ep, 'child', r)
    child.parentId = parent.id
    child.name = `child-${j}-${child.name}`
    applyStatus(ctx, child, j === ep.children - 1 ? 'FAILED' : 'FINISHED', r, cursor)
    child.hasModel = child.status === 'FINISHED' && r.chance(ctx.plan.modelRate)
    if (j === 1) {
      const grand = newRun(ctx, e, ep, 'grandchild', r)
      grand.parentId = child.id
      grand.name = `grandchild-${grand.name}`
      grand.steps = Math.min(grand.steps, 10)
      applyStatus(ctx, grand, 'FINISHED', r, child.start + 1_000)
      grand.end = Math.min(grand.end!, child.start + Math.floor((child.end! - child.start) / 2))
    }
    cursor = child.end! + 500
  }
  applyStatus(ctx, parent, 'FINISHED', r, slotStart)
  parent.end = cursor + 2_000
}

function addExperiment(ctx: Ctx, ep: ExperimentPlan, e: number, root: string, experiments: ExperimentSkel[]): void {
  const { plan, now, seed } = ctx
  const r = rngFor(seed, 'experiment', e)
  const windowStart = now - plan.spanDays * DAY + e * HOUR
  const windowEnd = ep.deleted ? now - 2 * DAY : now - 2 * HOUR
  const deletedTime = ep.deleted ? now - DAY + r.int(0, HOUR) : null
  const creationTime = windowStart - DAY + r.int(0, HOUR)
  const exp: ExperimentSkel = {
    id: e,
    name: ep.name,
    kind: ep.kind,
    location: experimentLocation(root, e),
    lifecycle: ep.deleted ? 'deleted' : 'active',
    creationTime,
    lastUpdateTime: deletedTime ?? creationTime,
    deletedTime,
  }
  experiments.push(exp)

  const longs = plan.longHistories.filter((l) => l.experiment === e)
  const slots: Array<RunRole> = [
    ...Array<RunRole>(ep.runs).fill('single'),
    ...Array<RunRole>(ep.sweeps).fill('parent'),
    ...Array<RunRole>(longs.reduce((n, l) => n + l.runs, 0)).fill('long'),
  ]
  for (let i = slots.length - 1; i > 0; i--) {
    const j = r.int(0, i)
    ;[slots[i], slots[j]] = [slots[j], slots[i]]
  }
  const first = ctx.runs.length
  const gap = (windowEnd - windowStart - 3 * HOUR) / Math.max(1, slots.length)
  const longQueue = longs.flatMap((l) => Array.from({ length: l.runs }, () => l))
  slots.forEach((role, i) => {
    const slotStart = Math.floor(windowStart + (i + r.next() * 0.5) * gap)
    if (role === 'parent') return addSweep(ctx, exp, ep, slotStart)
    const rr = rngFor(seed, 'run', ctx.runs.length)
    const run = newRun(ctx, exp, ep, role, rr)
    if (role === 'long') {
      const l = longQueue.shift()!
      run.name = `long-history-${run.name}`
      run.keys = [...l.keys]
      run.steps = l.steps
      run.stride = 1
      run.special = null
      applyStatus(ctx, run, 'FINISHED', rr, slotStart)
    } else {
      finishSingle(ctx, run, rr, slotStart, !ep.deleted)
    }
  })

  const own = ctx.runs.slice(first)
  if (ep.deleted) {
    for (const run of own) {
      run.lifecycle = 'deleted'
      run.deletedTime = deletedTime
    }
  } else {
    const candidates = own.filter((x) => x.role === 'single' && x.end !== null)
    for (let k = 0; k < ep.deletedRuns && candidates.length > 0; k++) {
      const run = candidates.splice(r.int(0, candidates.length - 1), 1)[0]
      run.lifecycle = 'deleted'
      run.deletedTime = Math.min(now - MIN, run.end! + r.int(HOUR, 3 * DAY))
    }
  }
}

/**
 * Guarantees of the rich shape regardless of chance: every status, every metric
 * quirk, long param/tag values and tricky texts appear at least twice, on
 * active single runs of the first non-Default experiment.
 */
function ensureCoverage(ctx: Ctx): void {
  const pool = ctx.runs.filter((x) => x.experimentId === 1 && x.role === 'single' && x.lifecycle === 'active')
  let next = 0
  const take = () => pool[next++ % pool.length]
  const r = rngFor(ctx.seed, 'coverage')
  for (const status of RUN_STATUSES) {
    for (let n = ctx.runs.filter((x) => x.status === status && x.lifecycle === 'active').length; n < 2; n++) {
      const run = take()
      applyStatus(ctx, run, status, r, run.start)
    }
  }
  const finished = pool.filter((x) => x.status === 'FINISHED')
  SPECIALS.forEach((s, i) => {
    if (ctx.runs.filter((x) => x.special === s).length < 2) {
      for (const run of [finished[2 * i], finished[2 * i + 1]]) if (run && !run.special) setSpecial(run, s)
    }
  })
  for (const flag of ['longParam', 'longTag', 'trickyText'] as const) {
    if (ctx.runs.filter((x) => x[flag]).length < 2) pool.slice(-2).forEach((x) => (x[flag] = true))
  }
  const renamed = finished[finished.length - 1]
  if (renamed) renamed.name = `renamed-${renamed.name}-✨`
}

/** Experiments and run skeletons for a plan: deterministic for (plan, seed, now, artifactRoot). */
export function buildWorld(plan: SizePlan, seed: number, now: number, artifactRoot: string): World {
  const ctx: Ctx = { plan, seed, now, ids: rngFor(seed, 'ids'), runs: [] }
  const experiments: ExperimentSkel[] = []
  plan.experiments.forEach((ep, e) => addExperiment(ctx, ep, e, artifactRoot, experiments))
  if (plan.shape === 'rich') ensureCoverage(ctx)
  return { plan, seed, now, artifactRoot, experiments, runs: ctx.runs }
}
