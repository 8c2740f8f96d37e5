import { isAbsolute, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import type pg from 'pg'
import { AppError } from '@shared/api/errors'
import { dropKeys, restoreKeys } from './bulkLoad'
import { quoteIdent } from './copyWriter'
import { ensureEmpty, readSchema } from './emptyStore'
import { GENAI_CHUNK, GENAI_EXPERIMENTS, GENAI_TRACES, type GenaiSize } from './genaiPlan'
import { GENAI_STATEMENTS } from './genaiSql'

export type { GenaiSize } from './genaiPlan'

export interface GenaiSeedOptions {
  size: GenaiSize
  /** Traces to write instead of the size's count (the demo store writes a few hundred). */
  traces?: number
  /**
   * Add the three applications' experiments beside what the store already holds (the demo
   * store's runs), numbered after its last experiment; its trace tables must be empty. Without
   * it the store must be empty and the experiments are 1, 2 and 3.
   */
  beside?: boolean
  /** Same seed and `now` => the same store, row for row. Default 1. */
  seed?: number
  /** The last request's time, in ms; the others go back 30 days. Default Date.now(). */
  now?: number
  /** Folder the experiments' artifact locations point into (absolute; nothing is written there). */
  artifactRoot: string
  onProgress?: (msg: string) => void
}

export interface GenaiSeedReport {
  size: GenaiSize
  seed: number
  now: number
  /** Rows written per table (as the server counted them). */
  rows: Record<string, number>
  totalRows: number
  elapsedMs: number
  /** Milliseconds per table, over all chunks, and for ANALYZE. */
  timings: Record<string, number>
}

/** What the generated store needs of the schema: MLflow 3.3's tracing tables (our migrations' head has them). */
const NEEDS = ['experiments', 'trace_info', 'trace_tags', 'trace_request_metadata', 'assessments', 'spans']

/**
 * Seed an empty, migrated store with the traces of three GenAI applications
 * (./genaiPlan.ts): every row from INSERT … SELECT on the server, chunk by
 * chunk, in one transaction, so a failure leaves the store as it was.
 */
/** A store the GenAI experiments go beside must hold no traces yet (seeding twice would collide). */
async function ensureNoTraces(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM trace_info')
  if (Number(rows[0].n) > 0)
    throw new AppError('SCHEMA_MISMATCH', `The target store already holds ${rows[0].n} traces: GenAI traces are only added to a store without any.`)
}

export async function seedGenaiStore(client: pg.Client, options: GenaiSeedOptions): Promise<GenaiSeedReport> {
  const started = performance.now()
  const total = options.traces ?? GENAI_TRACES[options.size]
  if (options.traces !== undefined && !(Number.isInteger(options.traces) && options.traces > 0))
    throw new AppError('BAD_REQUEST', `traces must be a whole number above 0, got ${options.traces}.`)
  if (!GENAI_TRACES[options.size]) throw new AppError('BAD_REQUEST', `Unknown GenAI store size "${options.size}": use small, medium or large.`)
  if (!isAbsolute(options.artifactRoot)) throw new AppError('BAD_REQUEST', `artifactRoot must be an absolute path, got "${options.artifactRoot}".`)
  const seed = Math.floor(options.seed ?? 1)
  const now = Math.floor(options.now ?? Date.now())
  const progress = options.onProgress ?? (() => undefined)
  const timings: Record<string, number> = {}
  const rows: Record<string, number> = {}

  const schema = await readSchema(client)
  const has = (t: string, c?: string) => !!schema.get(t) && (c === undefined || schema.get(t)!.has(c))
  const missing = NEEDS.filter((t) => !has(t))
  if (missing.length) {
    throw new AppError('NOT_MLFLOW_STORE', `Cannot seed GenAI traces: the target schema has no ${missing.join(', ')} table(s). Run the migrations first.`)
  }

  await client.query('BEGIN')
  try {
    await client.query('SET LOCAL statement_timeout = 0')
    if (options.beside) await ensureNoTraces(client)
    else await ensureEmpty(client, has)
    const first = options.beside
      ? (await client.query<{ n: number }>('SELECT COALESCE(max(experiment_id), 0)::int + 1 AS n FROM experiments')).rows[0].n
      : GENAI_EXPERIMENTS[0].id
    const times = has('experiments', 'creation_time')
    for (const [i, plan] of GENAI_EXPERIMENTS.entries()) {
      const e = { ...plan, id: first + i }
      const location = pathToFileURL(join(options.artifactRoot, String(e.id))).href
      await client.query(
        times
          ? `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time) VALUES ($1, $2, $3, 'active', $4, $4)`
          : `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage) VALUES ($1, $2, $3, 'active')`,
        times ? [e.id, e.name, location, now] : [e.id, e.name, location],
      )
    }
    rows.experiments = GENAI_EXPERIMENTS.length
    await client.query(`SELECT setval(pg_get_serial_sequence('experiments', 'experiment_id'), $1, true)`, [first + GENAI_EXPERIMENTS.length - 1])
    // Into bare heaps: each key and index is built once at the end, each foreign key checked by one join.
    await client.query(`SET LOCAL maintenance_work_mem = '1GB'`)
    const dropped = await dropKeys(
      client,
      GENAI_STATEMENTS.map((s) => s.table),
    )

    for (let lo = 1; lo <= total; lo += GENAI_CHUNK) {
      const hi = Math.min(total + 1, lo + GENAI_CHUNK)
      for (const { table, sql } of GENAI_STATEMENTS) {
        const t0 = performance.now()
        const r = await client.query(sql, [lo, hi, seed, now, total, first])
        timings[table] = (timings[table] ?? 0) + Math.round(performance.now() - t0)
        rows[table] = (rows[table] ?? 0) + (r.rowCount ?? 0)
      }
      progress(`traces ${(hi - 1).toLocaleString('en-US')} / ${total.toLocaleString('en-US')} (${rows.spans.toLocaleString('en-US')} spans)`)
    }
    const t0 = performance.now()
    await restoreKeys(client, dropped, progress, timings)
    timings['rebuild keys'] = Math.round(performance.now() - t0)
    await client.query('COMMIT')
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined)
    throw e
  }

  const t1 = performance.now()
  await client.query(`ANALYZE ${['experiments', ...GENAI_STATEMENTS.map((s) => s.table)].map(quoteIdent).join(', ')}`)
  timings.analyze = Math.round(performance.now() - t1)
  const elapsedMs = Math.round(performance.now() - started)
  const totalRows = Object.values(rows).reduce((a, b) => a + b, 0)
  progress(`seeded ${totalRows.toLocaleString('en-US')} rows in ${(elapsedMs / 1000).toFixed(1)} s`)
  return { size: options.size, seed, now, rows, totalRows, elapsedMs, timings }
}
