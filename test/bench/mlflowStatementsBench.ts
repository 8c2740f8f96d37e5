/**
 * MLflow's own statements, as its SqlAlchemyStore sends them (../shared/mlflow-schema.md,
 * Appendix B: captured from MLflow 3.5 with a before_cursor_execute hook), timed on the bench
 * store: what the optional mlflow_desk_* indexes may cost the team's tracking server. The main
 * bench runs these without and with the indexes and prints the ratio; an index that makes one
 * of them more than 1.1x slower is one MLflow pays for.
 *
 * Reads: search_runs a) one experiment in start_time order, b) a metric and a param filter ordered
 * by the metric, d) all experiments; c) get_metric_history; e) get_run. Writes (generated stores
 * only, each in a transaction rolled back): log_batch's inserts into metrics and latest_metrics,
 * params and tags.
 */
import type pg from 'pg'
import type { StoreHandle } from '../../electron/services/connections/storeConnection'
import { measure, type Figure } from './measure'

const RUN_COLUMNS = `runs.run_uuid, runs.name, runs.source_type, runs.source_name, runs.entry_point_name, runs.user_id, runs.status, runs.start_time,
  runs.end_time, runs.deleted_time, runs.source_version, runs.lifecycle_stage, runs.artifact_uri, runs.experiment_id`
const LATEST = `latest_metrics.key AS key, latest_metrics.value AS value, latest_metrics.timestamp AS timestamp, latest_metrics.step AS step,
  latest_metrics.is_nan AS is_nan, latest_metrics.run_uuid AS run_uuid`

/** The selectin loads MLflow sends for a page's runs (latest metrics, tags, params). */
async function children(store: StoreHandle, ids: string[]): Promise<void> {
  for (const table of ['latest_metrics', 'tags', 'params']) await store.select(`SELECT * FROM ${table} WHERE run_uuid = ANY($1::text[])`, [ids])
}

export interface MlflowWorkload {
  experiment: number
  experiments: number[]
  lr: string | null
  run: string
  longest: { run_uuid: string; key: string }
}

/** MLflow's statements of each case, as one timed call each. */
export async function mlflowStatementCases(store: StoreHandle, w: MlflowWorkload, opts: { repeat: number; warmup: number }): Promise<Figure[]> {
  const figures: Figure[] = []
  const page = async (sql: string, bind: unknown[]) =>
    children(
      store,
      (await store.select<{ run_uuid: string }>(sql, bind)).map((r) => r.run_uuid),
    )
  figures.push(
    await measure(
      "mlflow's own: a) search_runs, one experiment, start_time order",
      () =>
        page(
          `SELECT DISTINCT ${RUN_COLUMNS}, CASE WHEN (runs.start_time IS NULL) THEN 1 ELSE 0 END AS clause_1, runs.start_time AS start_time__1
             FROM runs WHERE runs.experiment_id IN ($1) AND runs.lifecycle_stage IN ('active')
            ORDER BY clause_1, runs.start_time DESC, runs.run_uuid LIMIT 100 OFFSET 0`,
          [w.experiment],
        ),
      opts,
    ),
  )
  if (w.lr !== null)
    figures.push(
      await measure(
        "mlflow's own: b) search_runs, metric + param filter, order by metric",
        () =>
          page(
            `SELECT DISTINCT ${RUN_COLUMNS}, CASE WHEN (anon_1.is_nan = true) THEN 1 WHEN (anon_1.value IS NULL) THEN 2 ELSE 0 END AS clause_1, anon_1.value
               FROM runs
               JOIN (SELECT ${LATEST} FROM latest_metrics WHERE latest_metrics.key = 'acc' AND latest_metrics.value > 0.5) AS anon_2 ON runs.run_uuid = anon_2.run_uuid
               JOIN (SELECT params.key AS key, params.value AS value, params.run_uuid AS run_uuid FROM params WHERE params.key = 'lr' AND params.value = $2) AS anon_3
                 ON runs.run_uuid = anon_3.run_uuid
               LEFT OUTER JOIN (SELECT ${LATEST} FROM latest_metrics WHERE latest_metrics.key = 'acc') AS anon_1 ON runs.run_uuid = anon_1.run_uuid
              WHERE runs.experiment_id IN ($1) AND runs.lifecycle_stage IN ('active')
              ORDER BY clause_1, anon_1.value DESC, runs.start_time DESC, runs.run_uuid LIMIT 100 OFFSET 0`,
            [w.experiment, w.lr],
          ),
        opts,
      ),
    )
  figures.push(
    await measure(
      "mlflow's own: c) get_metric_history, longest history",
      () =>
        store.select(
          `SELECT metrics.key, metrics.value, metrics.timestamp, metrics.step, metrics.is_nan, metrics.run_uuid FROM metrics
            WHERE metrics.run_uuid = $1 AND metrics.key = $2 ORDER BY metrics.timestamp, metrics.step, metrics.value LIMIT ALL OFFSET 0`,
          [w.longest.run_uuid, w.longest.key],
        ),
      { repeat: Math.min(opts.repeat, 5), warmup: 1 },
    ),
  )
  figures.push(
    await measure(
      "mlflow's own: d) search_runs, all experiments",
      () =>
        page(
          `SELECT DISTINCT ${RUN_COLUMNS} FROM runs WHERE runs.experiment_id = ANY($1::int[]) AND runs.lifecycle_stage IN ('active', 'deleted')
            ORDER BY runs.start_time DESC, runs.run_uuid LIMIT 100 OFFSET 0`,
          [w.experiments],
        ),
      opts,
    ),
  )
  figures.push(
    await measure(
      "mlflow's own: e) get_run",
      async () => {
        await store.select(`SELECT ${RUN_COLUMNS} FROM runs WHERE runs.run_uuid = $1`, [w.run])
        await children(store, [w.run])
      },
      opts,
    ),
  )
  return figures
}

/**
 * log_batch's writes, in a transaction rolled back: 1,000 metric rows of 10 new keys on one run,
 * their latest_metrics rows, 20 params and 20 tags (MLflow inserts row by row in one transaction).
 */
export async function mlflowWriteCase(client: pg.Client, run: string, opts: { repeat: number; warmup: number }): Promise<Figure> {
  let round = 0
  return measure(
    "mlflow's own: log_batch (1,000 metrics, 20 params, 20 tags), rolled back",
    async () => {
      const tag = `bench_w${process.pid}_${round++}`
      await client.query('BEGIN')
      try {
        for (let k = 0; k < 10; k++)
          for (let s = 0; s < 100; s++)
            await client.query('INSERT INTO metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES ($1, $2, $3, $4, false, $5)', [
              `${tag}_m${k}`,
              Math.random(),
              1_700_000_000_000 + s,
              s,
              run,
            ])
        for (let k = 0; k < 10; k++)
          await client.query('INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES ($1, $2, $3, $4, false, $5)', [
            `${tag}_m${k}`,
            Math.random(),
            1_700_000_000_099,
            99,
            run,
          ])
        for (let k = 0; k < 20; k++) await client.query('INSERT INTO params (key, value, run_uuid) VALUES ($1, $2, $3)', [`${tag}_p${k}`, String(k), run])
        for (let k = 0; k < 20; k++) await client.query('INSERT INTO tags (key, value, run_uuid) VALUES ($1, $2, $3)', [`${tag}_t${k}`, String(k), run])
      } finally {
        await client.query('ROLLBACK')
      }
    },
    { repeat: Math.min(opts.repeat, 10), warmup: 1 },
  )
}

/** Ratios of MLflow's own figures with the indexes to without: > 1.1 is a cost the indexes put on MLflow. */
export function mlflowRatios(figures: readonly Figure[]): string[] {
  return figures
    .filter((f) => f.name.startsWith("mlflow's own") && !f.name.endsWith('[desk indexes]'))
    .flatMap((f) => {
      const w = figures.find((g) => g.name === `${f.name} [desk indexes]`)
      if (!w) return []
      const r = w.median / f.median
      return [`${f.name.padEnd(72)} ${r.toFixed(2).padStart(5)}x with the indexes${r > 1.1 ? '   ** slower than 1.1x **' : ''}`]
    })
}
