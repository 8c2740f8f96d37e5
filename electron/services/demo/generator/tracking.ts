import type pg from 'pg'
import { copyLines, encodeRow, type CopyValue } from './copyWriter'
import { latestChunks, LATEST_COLUMNS, METRIC_COLUMNS, metricChunks, type LatestMetric } from './metrics'
import type { Kind } from './plan'
import { runParams, runTags } from './runData'
import type { World } from './types'

/** Shared by every writer: the connection, the world, and the report being filled. */
export interface SeedContext {
  client: pg.Client
  world: World
  rows: Record<string, number>
  timings: Record<string, number>
  /** Whether the target schema has this table (and column): older or trimmed schemas lack some. */
  has(table: string, column?: string): boolean
  progress(message: string): void
}

/** COPY one table from lazily produced lines, recording its row count and time. */
export async function copyTable(ctx: SeedContext, table: string, columns: readonly string[], lines: Iterable<string>): Promise<number> {
  const t0 = performance.now()
  const n = await copyLines(ctx.client, table, columns, lines)
  ctx.rows[table] = (ctx.rows[table] ?? 0) + n
  const key = `copy ${table}`
  ctx.timings[key] = (ctx.timings[key] ?? 0) + Math.round(performance.now() - t0)
  ctx.progress(`${table}: ${n.toLocaleString('en-US')} rows`)
  return n
}

export function* rowLines(rows: Iterable<readonly CopyValue[]>): Generator<string> {
  for (const r of rows) yield encodeRow(r)
}

const NOTES: Record<Kind, string> = {
  default: '',
  vision: '**Vision**: fine-tuning image classifiers on product photos. Watch `val_acc`, not `acc`.',
  nlp: '**NLP** sentiment models (BERT family). 数据集 训练 验证',
  tabular: '**Tabular** churn prediction with gradient boosting. résumé café naïve',
  forecast: 'Weekly demand forecasts per store. 日本語のタグ',
  scratch: 'Scratch space for quick experiments (кириллица тест). Deleted when the sweep moved on.',
}

function* experimentTagRows(world: World): Generator<CopyValue[]> {
  for (const e of world.experiments) {
    if (e.kind === 'default') continue
    yield ['mlflow.note.content', NOTES[e.kind], e.id]
    yield ['team', e.kind === 'tabular' ? 'platform' : 'core', e.id]
    yield ['project', e.kind, e.id]
  }
}

function* runRows(world: World): Generator<CopyValue[]> {
  for (const r of world.runs) {
    // source_type/source_name/entry_point_name/source_version are legacy columns: current MLflow
    // writes UNKNOWN and empty strings there and keeps the real values in mlflow.source.* tags.
    yield [r.id, r.name, 'UNKNOWN', '', '', r.userId, r.status, r.start, r.end, '', r.lifecycle, r.artifactUri, r.experimentId, r.deletedTime]
  }
}

function* paramLines(world: World): Generator<string> {
  for (const run of world.runs) for (const [k, v] of runParams(world, run)) yield encodeRow([k, v, run.id])
}

function* tagLines(world: World): Generator<string> {
  for (const run of world.runs) for (const [k, v] of runTags(world, run)) yield encodeRow([k, v, run.id])
}

/**
 * experiments .. latest_metrics, parents before children so the foreign keys
 * hold at the end of every COPY. Returns the latest metric of every (run, key).
 */
export async function copyTracking(ctx: SeedContext): Promise<LatestMetric[]> {
  const { world } = ctx
  await copyTable(
    ctx,
    'experiments',
    ['experiment_id', 'name', 'artifact_location', 'lifecycle_stage', 'creation_time', 'last_update_time'],
    rowLines(world.experiments.map((e) => [e.id, e.name, e.location, e.lifecycle, e.creationTime, e.lastUpdateTime])),
  )
  await copyTable(ctx, 'experiment_tags', ['key', 'value', 'experiment_id'], rowLines(experimentTagRows(world)))
  await copyTable(
    ctx,
    'runs',
    [
      'run_uuid',
      'name',
      'source_type',
      'source_name',
      'entry_point_name',
      'user_id',
      'status',
      'start_time',
      'end_time',
      'source_version',
      'lifecycle_stage',
      'artifact_uri',
      'experiment_id',
      'deleted_time',
    ],
    rowLines(runRows(world)),
  )
  await copyTable(ctx, 'params', ['key', 'value', 'run_uuid'], paramLines(world))
  await copyTable(ctx, 'tags', ['key', 'value', 'run_uuid'], tagLines(world))
  const latest: LatestMetric[] = []
  const progress = (n: number) => ctx.progress(`metrics: ${n.toLocaleString('en-US')} rows so far`)
  await copyTable(ctx, 'metrics', METRIC_COLUMNS, metricChunks(world, latest, progress))
  await copyTable(ctx, 'latest_metrics', LATEST_COLUMNS, latestChunks(latest))
  return latest
}
