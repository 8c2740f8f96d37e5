import { isAbsolute, resolve } from 'node:path'
import type pg from 'pg'
import { AppError } from '@shared/api/errors'
import { writeArtifacts } from './artifacts'
import { BULK_TABLES, dropKeys, restoreKeys } from './bulkLoad'
import { quoteIdent } from './copyWriter'
import { copyDatasets } from './datasets'
import { PLANS, type SeedSize } from './plan'
import { copyRegistry, planRegistry } from './registry'
import { copyTracking, type SeedContext } from './tracking'
import type { World } from './types'
import { buildWorld } from './world'
import { ensureEmpty, readSchema } from './emptyStore'

export type { SeedSize } from './plan'

export interface SeedOptions {
  size: SeedSize
  /** Same seed (and same `now` and artifactRoot) => the same store, row for row. Default 1. */
  seed?: number
  /** Folder the artifact locations point into (absolute). Files are written only for 'small'. */
  artifactRoot: string
  /** The clock every timestamp is derived from, in ms. Default Date.now(). */
  now?: number
  onProgress?: (msg: string) => void
}

export interface SeedReport {
  size: SeedSize
  seed: number
  now: number
  /** Rows written per table (as the server counted them). */
  rows: Record<string, number>
  totalRows: number
  artifactFiles: number
  elapsedMs: number
  /** Where the time went: one entry per COPY, index rebuild and phase. */
  timings: Record<string, number>
}

const REQUIRED = ['experiments', 'experiment_tags', 'runs', 'params', 'tags', 'metrics', 'latest_metrics']

/** MLflow's column widths: a long artifact root would not fit runs.artifact_uri (varchar 200). */
function checkWidths(world: World): void {
  for (const e of world.experiments) {
    const runUri = `${e.location}/${'0'.repeat(32)}/artifacts`
    if (e.location.length > 256 || runUri.length > 200) {
      throw new AppError('BAD_REQUEST', `artifactRoot is too long: run artifact URIs like "${runUri}" exceed MLflow's 200-character runs.artifact_uri column.`)
    }
  }
}

/**
 * Seed an empty MLflow store (schema already migrated) the way MLflow logs:
 * every row through COPY in one transaction, then ANALYZE. The 'small' size
 * also writes artifact files under `artifactRoot`.
 */
export async function seedStore(client: pg.Client, options: SeedOptions): Promise<SeedReport> {
  const started = performance.now()
  const plan = PLANS[options.size]
  if (!plan) throw new AppError('BAD_REQUEST', `Unknown demo size "${options.size}": use small, medium or large.`)
  if (!isAbsolute(options.artifactRoot)) throw new AppError('BAD_REQUEST', `artifactRoot must be an absolute path, got "${options.artifactRoot}".`)
  const seed = Math.floor(options.seed ?? 1)
  const now = Math.floor(options.now ?? Date.now())
  const progress = options.onProgress ?? (() => undefined)
  const timings: Record<string, number> = {}
  const lap = (name: string, t0: number) => (timings[name] = Math.round(performance.now() - t0))

  let t0 = performance.now()
  const world = buildWorld(plan, seed, now, resolve(options.artifactRoot))
  checkWidths(world)
  const registry = plan.registry ? planRegistry(world) : null
  lap('plan', t0)
  progress(`${plan.size}: ${world.runs.length.toLocaleString('en-US')} runs in ${world.experiments.length} experiments`)

  const schema = await readSchema(client)
  const has = (t: string, c?: string) => !!schema.get(t) && (c === undefined || schema.get(t)!.has(c))
  const missing = REQUIRED.filter((t) => !has(t))
  if (missing.length) throw new AppError('NOT_MLFLOW_STORE', `Cannot seed: the target schema has no ${missing.join(', ')} table(s). Run the migrations first.`)

  const ctx: SeedContext = { client, world, rows: {}, timings, has, progress }
  let artifactFiles = 0
  await client.query('BEGIN')
  try {
    // Rebuilding indexes over millions of rows must not hit a session statement timeout.
    await client.query(`SET LOCAL statement_timeout = 0`)
    await ensureEmpty(client, has)
    let dropped = null
    if (plan.bulkLoad) {
      await client.query(`SET LOCAL maintenance_work_mem = '1GB'`)
      dropped = await dropKeys(client)
      progress(`dropped ${dropped.definitions.length} keys and indexes of ${BULK_TABLES.join(', ')} for the bulk load`)
    }
    const latest = await copyTracking(ctx)
    if (plan.datasets && has('datasets') && has('inputs') && has('input_tags')) await copyDatasets(ctx, has('inputs', 'step'))
    if (registry && has('registered_models')) await copyRegistry(ctx, registry, latest)
    if (dropped) {
      t0 = performance.now()
      await restoreKeys(client, dropped, progress, timings)
      lap('rebuild keys', t0)
    }
    // Experiments were written with explicit ids: move the serial past them so MLflow can create more.
    const maxId = Math.max(...world.experiments.map((e) => e.id))
    await client.query(`SELECT setval(pg_get_serial_sequence('experiments', 'experiment_id'), $1, $2)`, [Math.max(1, maxId), maxId >= 1])
    if (plan.artifacts) {
      t0 = performance.now()
      artifactFiles = await writeArtifacts(world, registry, latest)
      lap('artifacts', t0)
      progress(`artifacts: ${artifactFiles.toLocaleString('en-US')} files under ${world.artifactRoot}`)
    }
    await client.query('COMMIT')
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw e
  }

  t0 = performance.now()
  const written = Object.keys(ctx.rows).filter((t) => ctx.rows[t] > 0)
  await client.query(`ANALYZE ${written.map(quoteIdent).join(', ')}`)
  lap('analyze', t0)
  const elapsedMs = Math.round(performance.now() - started)
  const totalRows = Object.values(ctx.rows).reduce((a, b) => a + b, 0)
  progress(`seeded ${totalRows.toLocaleString('en-US')} rows in ${(elapsedMs / 1000).toFixed(1)} s`)
  return { size: plan.size, seed, now, rows: ctx.rows, totalRows, artifactFiles, elapsedMs, timings }
}
